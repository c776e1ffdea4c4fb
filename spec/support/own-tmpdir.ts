/**
 * Each spec file gets a temporary folder of its own as `os.tmpdir()`, made
 * before the file runs and removed after it. Spec files run in parallel,
 * and some count what lands in the temporary folder (the attack suite's
 * leak check counts uploaded temporary files): in a shared one, another
 * file's uploads would be counted as leaks.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

const shared = tmpdir();
const own = mkdtempSync(join(shared, "handlerkit-spec-"));
process.env.TMPDIR = own;

afterAll(() => {
  process.env.TMPDIR = shared;
  rmSync(own, { recursive: true, force: true });
});
