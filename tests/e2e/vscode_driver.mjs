// Drives one scenario in real VS Code (code-server) through headless Chromium, as a user would:
// open the folder, click the file in the Explorer, wait for the squiggle, open the Problems
// panel, and optionally apply a quick fix with Ctrl+. and save. Prints one JSON object with
// what it saw; the pytest side (test_vscode.py) checks the file on disk.
//
// Usage: node vscode_driver.mjs '<json spec>' (see the Spec comment below).
// playwright-core is loaded from $CODEWARD_E2E_DIR (installed by vscode-client/scripts/setup-e2e.sh).
import { createRequire } from "node:module";
import * as path from "node:path";

/**
 * Spec: {url, folder, file, code, line, column, fixTitle?, shots, timeoutMs}
 *  - code: the rule code whose diagnostic must appear (and disappear after the fix)
 *  - line, column: 1-based position of that diagnostic (where the cursor goes for Ctrl+.)
 *  - fixTitle: when set, the quick fix whose title contains it is applied and all files saved
 *  - notice, noticeButton: when set, a notification containing `notice` must appear first, and
 *    its button `noticeButton` is clicked (e.g. the offer to use the bundled server)
 *  - scanCode: when set, "codeward: Scan Workspace" runs from the Command Palette and a
 *    Problems entry with this code must appear (for a file that is not open), then
 *    "codeward: Show Logs" must show the extension's log
 *  - closedCode: when set, a Problems entry with this code must appear without running any
 *    command (workspace diagnostics of a file that is not open)
 *  - edits: typed before the squiggle is awaited, each {line, column, text, save} (1-based
 *    position; the text is inserted as typed, without auto-closed brackets; save: Ctrl+S after)
 *  - editsAfterProblems: the same, once the Problems entry is there (before the quick fix)
 *  - fixNotice: when set (with fixTitle), a notification containing it must appear once the
 *    fix is applied (the server's window/showMessage); its text is returned
 *  - undoFix: when set (with fixTitle), the applied and saved fix is then undone with one
 *    Ctrl+Z in the editor; undoFix.dirtyTabs are the tabs that must then show as modified
 *    (VS Code opens the other files the undo changed); the number of dialogs open then is
 *    returned; then File: Save All, and the problem must come back. undoFix.editFirst
 *    {file, text}: before the undo, that file is opened from the Explorer, text is added at
 *    its end and it is saved; undoFix.warning: a notification containing it must appear
 *    after the undo (its text is returned)
 *  - shots: folder for the step screenshots
 */
const spec = JSON.parse(process.argv[2]);
const require = createRequire(path.join(process.env.CODEWARD_E2E_DIR, "package.json"));
const { chromium } = require("playwright-core");

const timeout = spec.timeoutMs ?? 60_000;
const result = { steps: [], problems: [], actions: [], problemsAfter: [] };
let shot = 0;

const browser = await chromium.launch({
  executablePath: process.env.CODEWARD_CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
page.setDefaultTimeout(timeout);

async function step(name, action) {
  const started = Date.now();
  try {
    await action();
  } finally {
    shot += 1;
    const file = path.join(spec.shots, `${String(shot).padStart(2, "0")}-${name}.png`);
    await page.screenshot({ path: file }).catch(() => undefined);
    result.steps.push({ name, ms: Date.now() - started, screenshot: file });
  }
}

/** Text of the rows in the Problems panel (message, source, code and position). */
async function problemRows() {
  return page.locator(".markers-panel .monaco-list-row").evaluateAll((rows) => rows.map((r) => r.innerText.replace(/\s+/g, " ").trim()));
}

/** Run a command by its title from the Command Palette (F1), as a user would. */
async function runCommand(title) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first().waitFor();
  await page.keyboard.press("Enter");
}

/** Save every modified file (on Linux, Ctrl+K S is "Save without Formatting", one file). */
async function saveAll() {
  await runCommand("File: Save All");
  await page.locator(".tab.dirty").first().waitFor({ state: "detached" });
}

/** Put the cursor at a 1-based line:column (Go to Line/Column) and insert text there. */
async function typeAt(edit) {
  await editor.click({ position: { x: 300, y: 10 } });
  await page.keyboard.press("Control+G");
  await page.keyboard.type(`${edit.line}:${edit.column}`);
  await page.keyboard.press("Enter");
  await page.keyboard.insertText(edit.text);
  if (edit.save) {
    await page.keyboard.press("Control+S");
    await page.locator(".tab.active.dirty").waitFor({ state: "detached" });
  }
}

const editor = page.locator(".editor-instance .monaco-editor").first();
const squiggle = editor.locator(".squiggly-error, .squiggly-warning, .squiggly-info");
const problemRow = page.locator(".markers-panel .monaco-list-row", { hasText: spec.code });
let notice; // the text of the fix's notification (spec.fixNotice), once it appeared

try {
  await step("workbench", async () => {
    await page.goto(`${spec.url}/?folder=${encodeURIComponent(spec.folder)}`);
    await page.locator(".monaco-workbench .explorer-folders-view").waitFor();
  });
  if (spec.notice) {
    await step("notification", async () => {
      const toast = page.locator(".notification-toast", { hasText: spec.notice });
      await toast.first().waitFor();
      result.notice = (await toast.first().innerText()).replace(/\s+/g, " ").trim();
      if (spec.noticeButton) {
        await toast.first().locator(".monaco-button", { hasText: spec.noticeButton }).click();
      }
    });
  }
  await step("open-file", async () => {
    await page.locator(".explorer-folders-view .monaco-list-row", { hasText: spec.file }).first().click();
    await editor.locator(".view-lines").waitFor();
  });
  for (const [index, edit] of (spec.edits ?? []).entries()) {
    await step(`edit-${index + 1}`, async () => typeAt(edit));
  }
  await step("squiggle", async () => {
    await squiggle.first().waitFor();
  });
  await step("problems", async () => {
    await editor.click({ position: { x: 300, y: 10 } });
    await page.keyboard.press("Control+Shift+M");
    await problemRow.first().waitFor();
    result.problems = await problemRows();
  });
  for (const [index, edit] of (spec.editsAfterProblems ?? []).entries()) {
    await step(`edit-after-${index + 1}`, async () => typeAt(edit));
  }
  if (spec.closedCode) {
    await step("closed-file-problem", async () => {
      await page.locator(".markers-panel .monaco-list-row", { hasText: spec.closedCode }).first().waitFor();
      result.problemsOfClosed = await problemRows();
    });
  }
  if (spec.scanCode) {
    await step("scan-workspace", async () => {
      await runCommand("codeward: Scan Workspace");
      await page.locator(".markers-panel .monaco-list-row", { hasText: spec.scanCode }).first().waitFor();
      result.problemsAfterScan = await problemRows();
    });
    await step("show-logs", async () => {
      await runCommand("codeward: Show Logs");
      await page.locator(".output-view .view-lines", { hasText: "is running" }).waitFor();
    });
  }
  if (spec.fixTitle) {
    await step("quick-fix-menu", async () => {
      // Go to Line/Column puts the cursor on the problem, Ctrl+. lists its fixes.
      await editor.click({ position: { x: 300, y: 10 } });
      await page.keyboard.press("Control+G");
      await page.keyboard.type(`${spec.line}:${spec.column}`);
      await page.keyboard.press("Enter");
      await page.keyboard.press("Control+.");
      const items = page.locator(".action-widget .monaco-list-row.action");
      await items.first().waitFor();
      result.actions = await items.evaluateAll((rows) => rows.map((r) => r.innerText.trim()));
    });
    await step("fix-applied", async () => {
      const index = result.actions.findIndex((title) => title.includes(spec.fixTitle));
      if (index < 0) {
        throw new Error(`no quick fix titled like ${JSON.stringify(spec.fixTitle)} in ${JSON.stringify(result.actions)}`);
      }
      // The first action is focused when the menu opens.
      for (let i = 0; i < index; i += 1) {
        await page.keyboard.press("ArrowDown");
      }
      const before = await editor.locator(".view-lines").innerText();
      await page.keyboard.press("Enter");
      if (spec.fixNotice) {
        // VS Code hides an information toast after 15 s: read it as soon as it is there.
        notice = page.locator(".notification-toast", { hasText: spec.fixNotice }).first().innerText();
        notice.catch(() => undefined);
      }
      await page.locator(".action-widget").waitFor({ state: "hidden" });
      // The edit is in the editor (a tab's modified mark may last only an instant: VS Code
      // saves every file of a multi-file fix itself, files.refactoring.autoSave).
      await page.waitForFunction((old) => document.querySelector(".editor-instance .monaco-editor .view-lines")?.innerText !== old, before);
      // A fix may also have edited other files (.env, .gitignore).
      await page.keyboard.press("Control+S");
      await saveAll();
    });
    await step("problem-gone", async () => {
      await problemRow.first().waitFor({ state: "detached" });
      result.problemsAfter = await problemRows();
    });
    if (spec.fixNotice) {
      await step("fix-notice", async () => {
        result.fixNotice = (await notice).replace(/\s+/g, " ").trim();
      });
    }
    if (spec.undoFix?.editFirst) {
      await step("other-file-edited", async () => {
        const { file, text } = spec.undoFix.editFirst;
        await page.locator(".explorer-folders-view .monaco-list-row", { hasText: file }).first().click();
        await page.locator(".tab.active", { hasText: file }).waitFor();
        await editor.click({ position: { x: 300, y: 10 } });
        await page.keyboard.press("Control+End");
        await page.keyboard.insertText(text);
        await page.keyboard.press("Control+S");
        await page.locator(".tab.dirty").first().waitFor({ state: "detached" });
        await page.locator(".tab", { hasText: spec.file }).first().click();
        await page.locator(".tab.active", { hasText: spec.file }).waitFor();
      });
    }
    if (spec.undoFix) {
      await step("fix-undone", async () => {
        await editor.click({ position: { x: 300, y: 10 } });
        await page.keyboard.press("Control+Z");
        for (const name of spec.undoFix.dirtyTabs) {
          await page.locator(".tab.dirty", { hasText: name }).first().waitFor();
        }
        if (spec.undoFix.warning) {
          const toast = page.locator(".notification-toast", { hasText: spec.undoFix.warning });
          result.undoWarning = (await toast.first().innerText()).replace(/\s+/g, " ").trim();
        }
        result.dialogsAfterUndo = await page.locator(".monaco-dialog-box").count();
        await saveAll();
      });
      await step("problem-back", async () => {
        await problemRow.first().waitFor();
        result.problemsAfterUndo = await problemRows();
      });
    }
  }
  result.ok = true;
} catch (error) {
  result.ok = false;
  result.error = String(error?.message ?? error).split("\n").slice(0, 6).join("\n");
  result.problemsAtError = await problemRows().catch(() => []);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(result) + "\n");
