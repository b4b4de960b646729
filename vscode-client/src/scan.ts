/**
 * "codeward: Scan Workspace": runs `codeward scan --format sarif` with the same interpreter
 * and codeward (installed or bundled) as the language server, and shows the findings of the
 * files that are not open in the Problems panel. Open files are the language server's: their
 * scan results are dropped so nothing is reported twice.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import * as vscode from "vscode";
import type { ServerController } from "./controller";
import type { ServerCommand } from "./python";

interface SarifResult {
  ruleId?: string;
  level?: string;
  message?: { text?: string };
  locations?: {
    physicalLocation?: {
      artifactLocation?: { uri?: string };
      region?: { startLine?: number; startColumn?: number; endLine?: number; endColumn?: number };
    };
  }[];
}

interface SarifLog {
  runs?: { results?: SarifResult[]; originalUriBaseIds?: Record<string, { uri?: string }> }[];
}

export async function scanWorkspace(controller: ServerController, collection: vscode.DiagnosticCollection): Promise<void> {
  const running = controller.current;
  if (!running) {
    void vscode.window.showErrorMessage("The codeward server is not running: see the codeward log.", "Show Logs").then((c) => {
      if (c) {
        controller.log.show();
      }
    });
    return;
  }
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showInformationMessage("codeward: open a folder to scan it.");
    return;
  }
  if (vscode.workspace.getConfiguration("codeward", folders[0].uri).get<boolean>("workspaceDiagnostics")) {
    // The server already reports every file of the workspace: a second copy would only duplicate.
    await vscode.commands.executeCommand("workbench.actions.view.problems");
    void vscode.window.showInformationMessage("codeward: the server reports every workspace file (codeward.workspaceDiagnostics is on).");
    return;
  }
  const found = new Map<string, vscode.Diagnostic[]>();
  const completed = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "codeward: scanning the workspace", cancellable: true },
    async (_progress, token) => {
      for (const folder of folders) {
        const sarif = await runScan(running.server, folder.uri.fsPath, token, controller.log);
        if (!sarif) {
          return false;
        }
        for (const [uri, diagnostics] of await toDiagnostics(sarif)) {
          found.set(uri, [...(found.get(uri) ?? []), ...diagnostics]);
        }
      }
      return true;
    },
  );
  if (!completed) {
    return;
  }
  const open = new Set(vscode.workspace.textDocuments.map((doc) => doc.uri.toString()));
  collection.clear();
  let total = 0;
  for (const [uri, diagnostics] of found) {
    total += diagnostics.length;
    if (!open.has(uri)) {
      collection.set(vscode.Uri.parse(uri), diagnostics);
    }
  }
  controller.log.info(`Workspace scan: ${total} finding(s) in ${found.size} file(s)`);
  const summary = total
    ? `codeward: ${total} finding${total === 1 ? "" : "s"} in ${found.size} file${found.size === 1 ? "" : "s"}.`
    : "codeward: no findings in the workspace.";
  const choice = await vscode.window.showInformationMessage(summary, ...(total ? ["Show Problems"] : []));
  if (choice) {
    await vscode.commands.executeCommand("workbench.actions.view.problems");
  }
}

function runScan(
  server: ServerCommand,
  folder: string,
  token: vscode.CancellationToken,
  log: vscode.LogOutputChannel,
): Promise<SarifLog | undefined> {
  const args = [...server.prefix, "scan", "--format", "sarif", "--exit-zero", folder];
  log.info(`Running ${server.command} ${args.join(" ")}`);
  return new Promise((resolve) => {
    const child = execFile(
      server.command,
      args,
      { env: server.env, cwd: server.cwd, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (token.isCancellationRequested) {
          resolve(undefined);
          return;
        }
        if (stderr.trim()) {
          log.info(stderr.trim());
        }
        try {
          // Exit status 2 still comes with a report when only some rules failed.
          resolve(JSON.parse(stdout) as SarifLog);
        } catch {
          const detail = (stderr || String(error)).trim().split("\n").slice(-2).join(" | ");
          log.error(`Workspace scan failed: ${detail}`);
          void vscode.window.showErrorMessage(`codeward: the workspace scan failed (${detail}).`);
          resolve(undefined);
        }
      },
    );
    token.onCancellationRequested(() => child.kill());
  });
}

const LEVELS: Record<string, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  note: vscode.DiagnosticSeverity.Information,
};

async function toDiagnostics(sarif: SarifLog): Promise<Map<string, vscode.Diagnostic[]>> {
  const byUri = new Map<string, vscode.Diagnostic[]>();
  const lineCache = new Map<string, string[]>();
  for (const run of sarif.runs ?? []) {
    const bases = run.originalUriBaseIds ?? {};
    for (const result of run.results ?? []) {
      const location = result.locations?.[0]?.physicalLocation;
      const relative = location?.artifactLocation?.uri;
      const base = bases["%SRCROOT%"]?.uri;
      if (!relative || !location?.region) {
        continue;
      }
      const uri = base ? vscode.Uri.joinPath(vscode.Uri.parse(base), relative) : vscode.Uri.file(relative);
      const lines = await fileLines(uri, lineCache);
      const region = location.region;
      const startLine = (region.startLine ?? 1) - 1;
      const endLine = (region.endLine ?? region.startLine ?? 1) - 1;
      const range = new vscode.Range(
        startLine,
        utf16Column(lines[startLine], (region.startColumn ?? 1) - 1),
        endLine,
        utf16Column(lines[endLine], (region.endColumn ?? region.startColumn ?? 1) - 1),
      );
      const diagnostic = new vscode.Diagnostic(range, result.message?.text ?? "", LEVELS[result.level ?? ""] ?? vscode.DiagnosticSeverity.Warning);
      diagnostic.source = "codeward";
      diagnostic.code = result.ruleId;
      const key = uri.toString();
      byUri.set(key, [...(byUri.get(key) ?? []), diagnostic]);
    }
  }
  return byUri;
}

async function fileLines(uri: vscode.Uri, cache: Map<string, string[]>): Promise<string[]> {
  const key = uri.toString();
  let lines = cache.get(key);
  if (!lines) {
    lines = await readFile(uri.fsPath, "utf-8").then(
      (text) => text.split(/\r\n|\r|\n/),
      () => [],
    );
    cache.set(key, lines);
  }
  return lines;
}

/** SARIF columns count code points; VS Code counts UTF-16 units (astral characters are 2). */
function utf16Column(line: string | undefined, codePoints: number): number {
  if (!line) {
    return codePoints;
  }
  let units = 0;
  let seen = 0;
  for (const char of line) {
    if (seen === codePoints) {
      break;
    }
    units += char.length;
    seen += 1;
  }
  return units + Math.max(0, codePoints - seen);
}
