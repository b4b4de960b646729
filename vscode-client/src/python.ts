/**
 * Finding the Python that runs the server, checking it, and building the server command.
 *
 * Order: the `codeward.interpreter` setting, else the Python extension's active environment
 * (trusted workspaces only: a workspace `.venv` is workspace-provided code), else `python3`
 * on PATH. The probe runs the interpreter once to read its version and whether codeward
 * imports, so a missing install becomes a precise message instead of a crashed client.
 */
import { execFile } from "node:child_process";
import * as vscode from "vscode";
import type { LaunchSettings } from "./settings";

export const MIN_PYTHON: readonly [number, number] = [3, 10];

export type InterpreterSource = "codeward.interpreter setting" | "Python extension" | "PATH";

export interface Interpreter {
  path: string;
  source: InterpreterSource;
}

/** The subset of the Python extension's API (ms-python.python) that we use. */
interface PythonExtensionApi {
  environments: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
    resolveEnvironment(env: { path: string }): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
    onDidChangeActiveEnvironmentPath: vscode.Event<unknown>;
  };
}

export async function pythonExtensionApi(): Promise<PythonExtensionApi | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>("ms-python.python");
  if (!extension) {
    return undefined;
  }
  try {
    const api = extension.isActive ? extension.exports : await extension.activate();
    return api?.environments ? api : undefined;
  } catch {
    return undefined;
  }
}

export async function findInterpreter(
  launch: LaunchSettings,
  resource: vscode.Uri | undefined,
  log: vscode.LogOutputChannel,
): Promise<Interpreter> {
  if (launch.interpreter) {
    return { path: launch.interpreter, source: "codeward.interpreter setting" };
  }
  if (launch.trusted) {
    const api = await pythonExtensionApi();
    if (api) {
      try {
        const active = api.environments.getActiveEnvironmentPath(resource);
        const resolved = await api.environments.resolveEnvironment(active);
        const executable = resolved?.executable.uri?.fsPath;
        if (executable) {
          return { path: executable, source: "Python extension" };
        }
      } catch (error) {
        log.warn(`Could not read the Python extension's active environment: ${String(error)}`);
      }
    }
  }
  return { path: process.platform === "win32" ? "python" : "python3", source: "PATH" };
}

/** How the server is started: from the interpreter's own site-packages or from the .vsix. */
export interface ServerCommand {
  command: string;
  /** Arguments before the codeward sub-command (`-m codeward.server` and friends). */
  prefix: string[];
  env: NodeJS.ProcessEnv;
  /** Never the workspace: `-m`/`-c` put the working directory first on sys.path. */
  cwd: string;
  bundled: boolean;
}

/** The server command; with `bundledLibs` (the unpacked bundle) it runs the bundled codeward. */
export function serverCommand(python: string, bundledLibs: string | undefined, extensionPath: string): ServerCommand {
  // PYTHONSAFEPATH (3.11+) keeps the working directory off sys.path; cwd covers 3.10.
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONSAFEPATH: "1", PYTHONUNBUFFERED: "1", PYTHONIOENCODING: "utf-8" };
  if (bundledLibs) {
    // -S: no site-packages at all, so only the bundled codeward and its pinned dependencies load.
    env.PYTHONPATH = bundledLibs;
    delete env.PYTHONHOME;
    return { command: python, prefix: ["-S", "-m", "codeward.server"], env, cwd: extensionPath, bundled: true };
  }
  return { command: python, prefix: ["-m", "codeward.server"], env, cwd: extensionPath, bundled: false };
}

export interface ProbeResult {
  /** Set when the interpreter could not be run or did not answer. */
  failure?: string;
  version?: [number, number, number];
  executable?: string;
  /** codeward's version when importable, else undefined and `importError` says why. */
  codeward?: string;
  importError?: string;
}

const PROBE = `
import json, sys
info = {"version": list(sys.version_info[:3]), "executable": sys.executable}
if sys.argv[1:] == ["import"]:
    try:
        from codeward.checks import __version__
        import codeward.server.cli, pygls, lsprotocol
        info["codeward"] = __version__
    except Exception as exc:
        info["importError"] = type(exc).__name__ + ": " + str(exc)
print(json.dumps(info))
`;

/** Run the interpreter once: its version, and (with `checkImport`) whether codeward imports. */
export function probe(server: ServerCommand, checkImport: boolean): Promise<ProbeResult> {
  const args = [...(server.bundled ? ["-S"] : []), "-c", PROBE, ...(checkImport ? ["import"] : [])];
  return new Promise((resolve) => {
    execFile(server.command, args, { env: server.env, cwd: server.cwd, timeout: 20_000 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === "ENOENT") {
        resolve({ failure: `${server.command} was not found` });
        return;
      }
      const line = stdout.trim().split("\n").pop() ?? "";
      try {
        resolve(JSON.parse(line) as ProbeResult);
      } catch {
        const detail = (stderr || String(error ?? "no output")).trim().split("\n").slice(-3).join(" | ");
        resolve({ failure: `${server.command} did not run as Python (${detail})` });
      }
    });
  });
}

export function versionOk(version: readonly number[] | undefined): boolean {
  if (!version) {
    return false;
  }
  const [major, minor] = version;
  return major > MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor >= MIN_PYTHON[1]);
}

/**
 * The command a user runs to install codeward for this interpreter. codeward is not on a
 * package index yet, so it installs from a checkout of its source: the path is left for
 * the user to fill in.
 */
export function installCommand(python: string): string {
  const quoted = /[\s"'$]/.test(python) ? `"${python}"` : python;
  return `${quoted} -m pip install <path to your codeward checkout>`;
}
