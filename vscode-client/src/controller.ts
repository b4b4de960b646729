/**
 * Owns the language client: start (with the interpreter checks), stop, restart, and the
 * status shown to the user. Restarts are queued so a burst of setting changes never runs
 * two servers at once.
 */
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  type LanguageClientOptions,
  RevealOutputChannelOn,
  type ServerOptions,
} from "vscode-languageclient/node";
import {
  findInterpreter,
  installCommand,
  type Interpreter,
  MIN_PYTHON,
  probe,
  type ProbeResult,
  type ServerCommand,
  serverCommand,
  versionOk,
} from "./python";
import { bundledLibs } from "./bundled";
import { launchSettings, SECTION, serverSettings } from "./settings";

/** Python files and the config file kinds the server analyses (checks/files.py kind_of). */
export const DOCUMENT_SELECTOR: { scheme: string; language?: string; pattern?: string }[] = [
  { scheme: "file", language: "python" },
  { scheme: "untitled", language: "python" },
  { scheme: "file", pattern: "**/*.{toml,yaml,yml,json,ini,cfg}" },
  { scheme: "file", pattern: "**/{.env,.env.*,*.env}" },
  { scheme: "file", pattern: "**/{Dockerfile,Dockerfile.*,dockerfile,*.dockerfile}" },
];

export interface RunningServer {
  client: LanguageClient;
  server: ServerCommand;
  interpreter: Interpreter;
  version: string;
}

export class ServerController implements vscode.Disposable {
  private running: RunningServer | undefined;
  private queue: Promise<void> = Promise.resolve();
  /** Messages already shown as notifications: a failing restart loop must not stack popups. */
  private readonly shown = new Set<string>();
  private readonly status: vscode.LanguageStatusItem;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
  ) {
    this.status = vscode.languages.createLanguageStatusItem("codeward.status", DOCUMENT_SELECTOR);
    this.status.name = "codeward";
    this.status.command = { title: "Show Logs", command: "codeward.showLogs" };
  }

  get current(): RunningServer | undefined {
    return this.running;
  }

  /** Stop the running server (if any) and start a new one; `interactive` re-allows popups. */
  restart(reason: string, interactive = false): Promise<void> {
    if (interactive) {
      this.shown.clear();
    }
    this.queue = this.queue
      .then(() => this.stop())
      .then(() => this.start(reason))
      .catch((error: unknown) => this.fail(`codeward could not start: ${String(error)}`));
    return this.queue;
  }

  /** Push changed server settings to the running server (no restart needed for these). */
  async sendSettings(): Promise<void> {
    const running = this.running;
    if (!running?.client.isRunning()) {
      return;
    }
    const config = vscode.workspace.getConfiguration(SECTION, vscode.workspace.workspaceFolders?.[0]?.uri);
    await running.client.sendNotification(DidChangeConfigurationNotification.type, {
      settings: { [SECTION]: serverSettings(config, this.serverInterpreter(running.interpreter)) },
    });
  }

  async dispose(): Promise<void> {
    this.status.dispose();
    await this.queue;
    await this.stop();
  }

  private async start(reason: string): Promise<void> {
    const resource = vscode.workspace.workspaceFolders?.[0]?.uri;
    const launch = launchSettings(resource);
    const interpreter = await findInterpreter(launch, resource, this.log);
    const bundled = launch.importStrategy === "useBundled";
    this.log.info(
      `Starting the server (${reason}) with ${interpreter.path} (from the ${interpreter.source}), ` +
        (bundled ? "running the codeward bundled with the extension" : "running the codeward installed there") +
        (launch.trusted ? "" : "; untrusted workspace: bundled server only, workspace interpreter settings ignored"),
    );
    this.setStatus("starting", vscode.LanguageStatusSeverity.Information, true);

    const plain = serverCommand(interpreter.path, undefined, this.context.extensionPath);
    let probed = await probe(plain, !bundled);
    if (probed.failure) {
      return this.fail(
        `codeward cannot start: ${probed.failure}. Install Python ${MIN_PYTHON.join(".")} or newer, ` +
          `or set "codeward.interpreter" to a Python ${MIN_PYTHON.join(".")}+ executable.`,
      );
    }
    if (!versionOk(probed.version)) {
      return this.fail(
        `codeward needs Python ${MIN_PYTHON.join(".")} or newer, but ${probed.executable} is Python ` +
          `${probed.version?.join(".")}. Pick a newer interpreter ("Python: Select Interpreter") or set "codeward.interpreter".`,
      );
    }
    let server = plain;
    if (bundled) {
      try {
        const libs = await bundledLibs(interpreter.path, this.context.extensionPath, this.context.globalStorageUri.fsPath);
        server = serverCommand(interpreter.path, libs, this.context.extensionPath);
        probed = await probe(server, true);
      } catch (error) {
        probed = { importError: String(error) };
      }
      if (!probed.codeward) {
        return this.fail(
          `The codeward server bundled with this extension does not start with ${interpreter.path} ` +
            `(${probed.failure ?? probed.importError}). Reinstall the extension.`,
        );
      }
    } else if (!probed.codeward) {
      return this.offerBundled(interpreter, probed);
    }

    const client = this.createClient(server, interpreter);
    this.running = { client, server, interpreter, version: probed.codeward };
    try {
      await client.start();
    } catch (error) {
      this.running = undefined;
      await client.dispose().catch(() => undefined);
      return this.fail(`The codeward server stopped during startup (${String(error)}). See the codeward log for its output.`);
    }
    const where = bundled ? "bundled" : probed.executable;
    this.log.info(`codeward ${probed.codeward} is running (Python ${probed.version?.join(".")}, ${where})`);
    this.setStatus(`${probed.codeward} (${bundled ? "bundled" : "environment"})`, vscode.LanguageStatusSeverity.Information);
    this.status.detail = `Python ${probed.version?.join(".")}: ${probed.executable}`;
  }

  private createClient(server: ServerCommand, interpreter: Interpreter): LanguageClient {
    const serverOptions: ServerOptions = {
      // No `transport`: plain stdio (TransportKind.stdio would append --stdio to the args).
      command: server.command,
      args: [...server.prefix, "lsp"],
      options: { env: server.env, cwd: server.cwd },
    };
    const firstFolder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const serverInterpreter = this.serverInterpreter(interpreter);
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      outputChannel: this.log,
      traceOutputChannel: this.log,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: serverSettings(vscode.workspace.getConfiguration(SECTION, firstFolder), serverInterpreter),
      middleware: {
        workspace: {
          // Answer `workspace/configuration` for our section with exactly the server's keys.
          configuration: async (params, token, next) => {
            const answers = await next(params, token);
            if (!Array.isArray(answers)) {
              return answers;
            }
            return params.items.map((item, index) => {
              if (item.section !== SECTION) {
                return answers[index];
              }
              const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : firstFolder;
              return serverSettings(vscode.workspace.getConfiguration(SECTION, scope), serverInterpreter);
            });
          },
        },
      },
    };
    return new LanguageClient("codeward", "codeward", serverOptions, clientOptions);
  }

  /** The interpreter the server may use to resolve installed packages: only one the user chose. */
  private serverInterpreter(interpreter: Interpreter): string | undefined {
    return vscode.workspace.isTrusted && interpreter.source !== "PATH" ? interpreter.path : undefined;
  }

  private async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    if (running) {
      try {
        await running.client.dispose(3000);
      } catch (error) {
        this.log.warn(`Stopping the server: ${String(error)}`);
      }
    }
  }

  private offerBundled(interpreter: Interpreter, probed: ProbeResult): void {
    const python = probed.executable ?? interpreter.path;
    const command = installCommand(python);
    const message =
      `codeward is not installed for ${python} (from the ${interpreter.source}). ` +
      `Use the server bundled with the extension, or install codeward there from a checkout: \`${command}\`.`;
    this.log.warn(`${message} Import error: ${probed.importError}`);
    this.setStatus("not installed", vscode.LanguageStatusSeverity.Error);
    this.status.detail = message;
    if (this.shown.has(message)) {
      return;
    }
    this.shown.add(message);
    const useBundled = "Use Bundled Server";
    const copy = "Copy Install Command";
    void vscode.window.showWarningMessage(message, useBundled, copy).then(async (choice) => {
      if (choice === useBundled) {
        // The configuration listener restarts the server with the new strategy.
        await vscode.workspace.getConfiguration(SECTION).update("importStrategy", "useBundled", vscode.ConfigurationTarget.Global);
      } else if (choice === copy) {
        await vscode.env.clipboard.writeText(command);
      }
    });
  }

  private fail(message: string): void {
    this.log.error(message);
    this.setStatus("not running", vscode.LanguageStatusSeverity.Error);
    this.status.detail = message;
    if (this.shown.has(message)) {
      return;
    }
    this.shown.add(message);
    void vscode.window.showErrorMessage(message, "Show Logs").then((choice) => {
      if (choice) {
        this.log.show();
      }
    });
  }

  private setStatus(text: string, severity: vscode.LanguageStatusSeverity, busy = false): void {
    this.status.text = `codeward: ${text}`;
    this.status.severity = severity;
    this.status.busy = busy;
    this.status.detail = undefined;
  }
}
