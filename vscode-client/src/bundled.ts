/**
 * The server bundled in the .vsix ships as one archive (bundled/libs.zip; see
 * scripts/bundle-server.sh for why) and is unpacked once into the extension's global storage,
 * in a folder named after the archive's hash, so an updated extension never runs stale files.
 * The interpreter that will run the server unpacks it (`python -m zipfile`): no extra Node
 * dependency, and nothing is unpacked into the workspace.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The folder to put on PYTHONPATH, unpacking the archive first when needed. */
export async function bundledLibs(python: string, extensionPath: string, storagePath: string): Promise<string> {
  const archive = path.join(extensionPath, "bundled", "libs.zip");
  if (!existsSync(archive)) {
    throw new Error(`${archive} is missing: this build of the extension has no bundled server`);
  }
  const digest = createHash("sha256").update(await readFile(archive)).digest("hex").slice(0, 16);
  const target = path.join(storagePath, `server-${digest}`);
  const marker = path.join(target, ".complete");
  if (existsSync(marker)) {
    return target;
  }
  await mkdir(storagePath, { recursive: true });
  const partial = `${target}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  // -S -I: unpack with nothing from site-packages, the environment or the working directory.
  await run(python, ["-S", "-I", "-m", "zipfile", "-e", archive, partial], { cwd: extensionPath, timeout: 120_000 });
  await writeFile(path.join(partial, ".complete"), digest);
  if (existsSync(marker)) {
    // Another window unpacked the same archive meanwhile: use its copy.
    await rm(partial, { recursive: true, force: true });
    return target;
  }
  await rm(target, { recursive: true, force: true });
  await rename(partial, target);
  await removeOld(storagePath, path.basename(target));
  return target;
}

/** Earlier unpacked versions are dead weight once a new one is in place. */
async function removeOld(storagePath: string, keep: string): Promise<void> {
  for (const entry of await readdir(storagePath)) {
    if (entry.startsWith("server-") && entry !== keep) {
      await rm(path.join(storagePath, entry), { recursive: true, force: true }).catch(() => undefined);
    }
  }
}
