/**
 * codeward for VS Code: starts the codeward language server (`codeward lsp`) and wires its
 * commands, settings and log channel. See controller.ts for how the server is started.
 */
import * as vscode from "vscode";
import { ServerController } from "./controller";
import { pythonExtensionApi } from "./python";
import { scanWorkspace } from "./scan";
import { RESTART_KEYS, SECTION } from "./settings";

let controller: ServerController | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel("codeward", { log: true });
  const server = new ServerController(context, log);
  controller = server;
  const scanResults = vscode.languages.createDiagnosticCollection("codeward-scan");

  context.subscriptions.push(
    log,
    scanResults,
    vscode.commands.registerCommand("codeward.restart", () => server.restart("Restart Server command", true)),
    vscode.commands.registerCommand("codeward.showLogs", () => log.show()),
    vscode.commands.registerCommand("codeward.scanWorkspace", () => scanWorkspace(server, scanResults)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (RESTART_KEYS.some((key) => event.affectsConfiguration(key))) {
        void server.restart("interpreter settings changed");
      } else if (event.affectsConfiguration(SECTION)) {
        void server.sendSettings();
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void server.restart("workspace trusted")),
    // An opened file is analysed live by the server: drop its (older) workspace-scan results.
    vscode.workspace.onDidOpenTextDocument((doc) => scanResults.delete(doc.uri)),
  );

  if (vscode.extensions.getExtension("ms-python.python")) {
    const api = await pythonExtensionApi();
    if (api) {
      context.subscriptions.push(
        api.environments.onDidChangeActiveEnvironmentPath(() => {
          const configured = vscode.workspace.getConfiguration(SECTION).get<string>("interpreter")?.trim();
          if (!configured && vscode.workspace.isTrusted) {
            void server.restart("the Python extension's active environment changed");
          }
        }),
      );
    }
  }
  // Not awaited: activation finishes at once, the server reports through the status item.
  void server.restart("activation");
}

export async function deactivate(): Promise<void> {
  await controller?.dispose();
  controller = undefined;
}
