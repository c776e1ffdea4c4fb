/**
 * Routes folders for the specs: files written into a fresh temporary
 * directory, removed after the spec file. Route modules import handlerkit
 * as `LIB` (this checkout's lib/, which vitest transforms as the specs').
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";

/** The absolute path of lib/index.ts, for `import { handler } from "${LIB}"` in a route module. */
export const LIB = fileURLToPath(new URL("../../lib/index.ts", import.meta.url));

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Write `files` (paths relative to the folder, `/`-separated, to their
 * contents) under a new temporary folder and return its path. Removed
 * after the spec file's tests.
 *
 * @example
 * const dir = routesFolder({ "todo/handlers.ts": "export const get = () => 'todo';" });
 */
export function routesFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "handlerkit-routes-"));
  made.push(dir);
  for (const [path, text] of Object.entries(files)) {
    const file = join(dir, ...path.split("/"));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return dir;
}
