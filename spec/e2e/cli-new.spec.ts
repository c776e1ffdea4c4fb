/**
 * `handlerkit new` end to end: this checkout built (tsc, declarations
 * included) and packed as npm would publish it, the built binary scaffolds
 * a project depending on that tarball, and the project's own
 * `npm install && npm test` pass, with a handler added by `add-handler`.
 * Needs the npm registry for the project's dependencies.
 */
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const ours = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string; devDependencies: Record<string, string> };
const work = mkdtempSync(join(tmpdir(), "handlerkit-new-"));
const MINUTES = 60_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run a command to its end, with the environment of a user's shell (no npm_* variables of the `npm test` running us). */
function run(command: string, args: string[], cwd: string): Promise<Run> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith("npm_")));
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

let stage: string;
let tarball: string;
let cli: string;
beforeAll(async () => {
  // What `npm publish` would ship: package.json and the build of lib/, under
  // node_modules/.cache so that the built binary finds the dependencies.
  mkdirSync(join(root, "node_modules/.cache"), { recursive: true });
  stage = mkdtempSync(join(root, "node_modules/.cache/handlerkit-pack-"));
  for (const file of ["package.json", "README.md"]) copyFileSync(join(root, file), join(stage, file));
  const tsc = await run(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json"), "--outDir", join(stage, "dist")], root);
  expect(tsc, tsc.stdout).toMatchObject({ code: 0 });
  const pack = await run("npm", ["pack", "--ignore-scripts", "--pack-destination", work], stage);
  expect(pack, pack.stderr).toMatchObject({ code: 0 });
  tarball = join(work, pack.stdout.trim().split("\n").at(-1)!);
  cli = join(stage, "dist/lib/cli.js");
}, 5 * MINUTES);
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(stage, { recursive: true, force: true });
});

describe("handlerkit new", () => {
  it("scaffolds a project whose npm install && npm test pass, add-handler and routes included", async () => {
    const made = await run(process.execPath, [cli, "new", "my-app", "--handlerkit", `file:${tarball}`], work);
    expect(made).toEqual({
      code: 0,
      stdout: "created my-app: package.json, tsconfig.json, .gitignore, routes/handlers.ts, spec/app.test.ts, README.md\nnext: cd my-app && npm install && npm test\n",
      stderr: "",
    });
    const app = join(work, "my-app");
    const pkg = JSON.parse(readFileSync(join(app, "package.json"), "utf8")) as Record<string, Record<string, string>>;
    expect(pkg.dependencies).toEqual({ handlerkit: `file:${tarball}` });
    expect(pkg.devDependencies).toEqual({ "@types/node": ours.devDependencies["@types/node"], typescript: ours.devDependencies.typescript });

    const install = await run("npm", ["install", "--no-audit", "--no-fund"], app);
    expect(install, install.stderr).toMatchObject({ code: 0 });
    const bin = join(app, "node_modules/.bin/handlerkit");
    expect(await run(bin, ["add-handler", "todo/[id]", "--methods", "get,delete"], app)).toEqual({ code: 0, stdout: "created routes/todo/[id]/handlers.ts: GET, DELETE /todo/:id\n", stderr: "" });
    expect(await run(bin, ["--version"], app)).toEqual({ code: 0, stdout: `${ours.version}\n`, stderr: "" });

    const test = await run("npm", ["test"], app);
    expect(test, test.stdout + test.stderr).toMatchObject({ code: 0 });
    // The summary in TAP (Node 20's reporter off a terminal) or in the spec reporter (Node 23 on).
    expect(test.stdout).toMatch(/\n(?:# |ℹ )pass 2\n/);
    expect(test.stdout).toMatch(/\n(?:# |ℹ )fail 0\n/);

    const routes = await run(bin, ["routes", "dist/routes"], app);
    expect(routes).toEqual({
      code: 0,
      stdout: [
        "METHODS     PATTERN    NAME     HANDLER      SOURCE",
        "GET         /          index    get          dist/routes/handlers.js",
        "DELETE,GET  /todo/:id  todo.id  get, delete  dist/routes/todo/[id]/handlers.js",
        "",
      ].join("\n"),
      stderr: "",
    });
  }, 10 * MINUTES);

  it("refuses a folder that is not empty (exit 1)", async () => {
    mkdirSync(join(work, "full"));
    copyFileSync(join(root, "package.json"), join(work, "full/package.json"));
    expect(await run(process.execPath, [cli, "new", "full"], work)).toEqual({ code: 1, stdout: "", stderr: "handlerkit: full is not empty: give a new or empty folder\n" });
  });
});
