/**
 * The `codeward.*` settings: which of them launch the server (interpreter, importStrategy)
 * and which the server itself reads (everything in SERVER_KEYS, see server/lsp/settings.py).
 *
 * Workspace Trust: in an untrusted workspace the workspace cannot pick the program we run,
 * so the interpreter comes from user settings only and the bundled server is always used.
 */
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";

export const SECTION = "codeward";

/** Keys the language server understands; anything else would be reported there as unknown. */
const SERVER_KEYS = ["enable", "run", "select", "ignore", "severity", "debounce", "workspaceDiagnostics", "baseline", "baselineFindings"] as const;

/** Settings whose change needs a new server process, not just a configuration notification. */
export const RESTART_KEYS = ["interpreter", "importStrategy"].map((key) => `${SECTION}.${key}`);

export type ImportStrategy = "fromEnvironment" | "useBundled";

export interface LaunchSettings {
  /** Interpreter path the user chose, with `${workspaceFolder}`, `${userHome}` and `~` expanded. */
  interpreter: string | undefined;
  importStrategy: ImportStrategy;
  trusted: boolean;
}

export function launchSettings(resource: vscode.Uri | undefined): LaunchSettings {
  const config = vscode.workspace.getConfiguration(SECTION, resource);
  const trusted = vscode.workspace.isTrusted;
  if (!trusted) {
    // VS Code already hides workspace values of restricted settings; read the user's own
    // value explicitly so a future change there cannot let a workspace path through.
    const userValue = config.inspect<string>("interpreter")?.globalValue;
    return { interpreter: expand(userValue, resource), importStrategy: "useBundled", trusted };
  }
  const strategy = config.get<string>("importStrategy") === "useBundled" ? "useBundled" : "fromEnvironment";
  return { interpreter: expand(config.get<string>("interpreter"), resource), importStrategy: strategy, trusted };
}

/** The settings object the server receives (initializationOptions and workspace/configuration). */
export function serverSettings(
  config: vscode.WorkspaceConfiguration,
  interpreter: string | undefined,
): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const key of SERVER_KEYS) {
    const value = config.get(key);
    if (value !== undefined) {
      settings[key] = value;
    }
  }
  settings.interpreter = interpreter ?? null;
  return settings;
}

function expand(value: string | undefined, resource: vscode.Uri | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) {
    return undefined;
  }
  const folder =
    (resource && vscode.workspace.getWorkspaceFolder(resource)) ?? vscode.workspace.workspaceFolders?.[0];
  let expanded = trimmed.replace(/\$\{userHome\}/g, os.homedir());
  if (folder) {
    expanded = expanded.replace(/\$\{workspaceFolder\}/g, folder.uri.fsPath);
  }
  if (expanded === "~" || expanded.startsWith("~/")) {
    expanded = path.join(os.homedir(), expanded.slice(1));
  }
  return expanded;
}
