/**
 * lib/cli.ts: the command line as read, `main()` in process, and the
 * `handlerkit` binary (lib/ transpiled, as a clean clone has no build) run
 * as a child process: add-handler, routes, serve. `handlerkit new` runs in
 * spec/e2e/cli-new.spec.ts, `serve` of an app module in
 * spec/e2e/server-run.spec.ts.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { request } from "undici";
import { main, parseCommandLine, parseServeArgs } from "../lib/cli.js";
import { compileLib, type CompiledLib } from "./e2e/fixtures/compile-lib.js";
import { serve, type Served } from "./e2e/fixtures/child.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

const SERVE_USAGE = "usage: handlerkit serve [--port P] [--host H] [--workers N|auto] [--watch] [app-module | routes-dir]";
const USAGE = [
  `usage: ${SERVE_USAGE.slice(7)}`,
  "       handlerkit routes [--json | --types [--out FILE]] [app-module | routes-dir]",
  "       handlerkit openapi [--out FILE] [--title T] [--api-version V] [app-module | routes-dir]",
  "       handlerkit add-handler [--class] [--methods get,post] [--dir routes] route-path",
  "       handlerkit new [--handlerkit SPEC] dir",
  "       handlerkit <command> --help | handlerkit --help | --version",
].join("\n");

describe("parseServeArgs()", () => {
  it("reads the target and the options; the target is the routes folder when none is given", () => {
    expect(parseServeArgs(["serve", "app.js"])).toEqual({ module: "app.js", options: {} });
    expect(parseServeArgs(["serve"])).toEqual({ module: "routes", options: {} });
    expect(parseServeArgs(["serve", "--workers", "4", "--port", "0", "--host", "127.0.0.1", "--watch", "dist/app.js"])).toEqual({
      module: "dist/app.js",
      options: { workers: 4, port: 0, host: "127.0.0.1" },
      watch: true,
    });
    expect(parseServeArgs(["serve", "app.js", "--workers=auto", "--port=3000"])).toEqual({ module: "app.js", options: { workers: availableParallelism(), port: 3000 } });
  });

  it("says what is wrong, in one line", () => {
    expect(() => parseServeArgs([])).toThrow(new TypeError("no command given"));
    expect(() => parseServeArgs(["start", "app.js"])).toThrow(new TypeError('unknown command "start"'));
    expect(() => parseServeArgs(["serve", "a.js", "b.js"])).toThrow(new TypeError('serve takes one app module or routes folder, got "a.js" and "b.js"'));
    expect(() => parseServeArgs(["serve", "--workers", "0", "a.js"])).toThrow(new TypeError('--workers must be a positive whole number or "auto", not "0"'));
    expect(() => parseServeArgs(["serve", "--port", "http", "a.js"])).toThrow(new TypeError('--port must be a port number, not "http"'));
    expect(() => parseServeArgs(["serve", "-x", "a.js"])).toThrow(new TypeError("unknown option -x"));
    expect(() => parseServeArgs(["serve", "--constructor", "a.js"])).toThrow(new TypeError("unknown option --constructor"));
    expect(() => parseServeArgs(["serve", "--port", "1", "--workers=2", "--Port=3", "a.js"])).toThrow(new TypeError("unknown option --Port"));
    expect(() => parseServeArgs(["serve", "--json", "a.js"])).toThrow(new TypeError("unknown option --json"));
    expect(() => parseServeArgs(["routes", "a.js"])).toThrow(new TypeError("routes asks for no serve command"));
    expect(() => parseServeArgs(["--version"])).toThrow(new TypeError("--version asks for no serve command"));
  });

  it("an option without its value, even when an option follows it", () => {
    expect(() => parseServeArgs(["serve", "--port", "--host", "127.0.0.1", "a.js"])).toThrow(new TypeError("--port needs a value"));
    expect(() => parseServeArgs(["serve", "a.js", "--workers"])).toThrow(new TypeError("--workers needs a value"));
    expect(() => parseServeArgs(["serve", "--host=", "a.js"])).toThrow(new TypeError("--host needs a value"));
    expect(() => parseServeArgs(["serve", "--port=", "a.js"])).toThrow(new TypeError('--port must be a port number, not ""'));
    expect(() => parseServeArgs(["serve", "--help=yes", "a.js"])).toThrow(new TypeError("--help takes no value"));
    expect(() => parseServeArgs(["serve", "--watch=yes", "a.js"])).toThrow(new TypeError("--watch takes no value"));
  });

  it("numbers that are not plain decimal ones, and a module path after -- that starts with a dash", () => {
    expect(() => parseServeArgs(["serve", "--port", "0x50", "a.js"])).toThrow(new TypeError('--port must be a port number, not "0x50"'));
    expect(() => parseServeArgs(["serve", "--port", "65536", "a.js"])).toThrow(new TypeError('--port must be a port number, not "65536"'));
    expect(() => parseServeArgs(["serve", "--workers", "2.5", "a.js"])).toThrow(new TypeError('--workers must be a positive whole number or "auto", not "2.5"'));
    expect(parseServeArgs(["serve", "--port", "8", "--", "-app.js"])).toEqual({ module: "-app.js", options: { port: 8 } });
  });
});

describe("parseCommandLine()", () => {
  it("reads --help and --version, long or short; --help after a command asks for its help", () => {
    expect(parseCommandLine(["--help"])).toEqual({ command: "help" });
    expect(parseCommandLine(["-h"])).toEqual({ command: "help" });
    expect(parseCommandLine(["serve", "--help"])).toEqual({ command: "help", topic: "serve" });
    expect(parseCommandLine(["add-handler", "-h", "todo"])).toEqual({ command: "help", topic: "add-handler" });
    expect(parseCommandLine(["--version"])).toEqual({ command: "version" });
    expect(parseCommandLine(["-v", "serve", "a.js"])).toEqual({ command: "version" });
    expect(parseCommandLine(["routes", "-v"])).toEqual({ command: "version" });
  });

  it("reads routes: text by default, --json, or --types with an optional --out", () => {
    expect(parseCommandLine(["routes"])).toEqual({ command: "routes", module: "routes", format: "text" });
    expect(parseCommandLine(["routes", "--json", "app.js"])).toEqual({ command: "routes", module: "app.js", format: "json" });
    expect(parseCommandLine(["routes", "dist/routes", "--types", "--out", "routes.d.ts"])).toEqual({ command: "routes", module: "dist/routes", format: "types", out: "routes.d.ts" });
    expect(() => parseCommandLine(["routes", "--json", "--types"])).toThrow(new TypeError("--json and --types ask for two outputs: give one"));
    expect(() => parseCommandLine(["routes", "--out", "x.d.ts"])).toThrow(new TypeError("--out is where --types writes: give --types too"));
  });

  it("reads add-handler: the route path's segments, the methods, --class and --dir", () => {
    expect(parseCommandLine(["add-handler", "todo"])).toEqual({ command: "add-handler", path: "todo", segments: [{ kind: "static", text: "todo" }], methods: ["GET"], asClass: false, dir: "routes" });
    expect(parseCommandLine(["add-handler", "--class", "--methods", "get,POST,del", "--dir", "src/routes", "files/[...path]"])).toEqual({
      command: "add-handler",
      path: "files/[...path]",
      segments: [{ kind: "static", text: "files" }, { kind: "splat", name: "path" }],
      methods: ["GET", "POST", "DELETE"],
      asClass: true,
      dir: "src/routes",
    });
    expect(parseCommandLine(["add-handler", "."])).toMatchObject({ segments: [] });
  });

  it("refuses an add-handler path that is absolute, climbs out, or holds what a URL segment cannot", () => {
    const refusals: [string, string][] = [
      ["/todo", 'the route path "/todo" is absolute: give it relative to the routes folder, such as todo or todo/[id]'],
      ["../todo", 'the route path "../todo" climbs out of the routes folder with "..": give a path inside it'],
      ["a//b", 'the route path "a//b" has an empty segment: write it as todo/[id]'],
      ["to do", 'the route path "to do": the folder "to do" cannot be a URL segment: use letters, digits, ".", "_", "~" and "-", "[name]" for a parameter or "[...name]" for a splat.'],
      ["todo/[1]", 'the route path "todo/[1]": the folder "[1]" names a parameter "1" that is not a valid identifier (letters, digits, _ and $, not first a digit).'],
      ["_drafts", 'the route path "_drafts" has "_drafts", which the loader ignores (a leading "_" or "."): rename it'],
      ["[id]/x/[id]", 'the route path "[id]/x/[id]" has the parameter "id" twice: rename one'],
    ];
    for (const [path, message] of refusals) expect(() => parseCommandLine(["add-handler", path])).toThrow(new TypeError(message));
    expect(() => parseCommandLine(["add-handler"])).toThrow(new TypeError("no route path given: handlerkit add-handler todo creates routes/todo/handlers.ts"));
    expect(() => parseCommandLine(["add-handler", "--methods", "get,fetch", "todo"])).toThrow(new TypeError('--methods: "fetch" is not a verb; use get, post, put, patch, delete, head or options'));
  });

  it("reads new: the dir and the handlerkit dependency", () => {
    expect(parseCommandLine(["new", "my-app"])).toEqual({ command: "new", dir: "my-app" });
    expect(parseCommandLine(["new", "my-app", "--handlerkit", "file:../h.tgz"])).toEqual({ command: "new", dir: "my-app", handlerkit: "file:../h.tgz" });
    expect(() => parseCommandLine(["new"])).toThrow(new TypeError("no dir given: handlerkit new my-app creates my-app/"));
  });
});

describe("main()", () => {
  const out: string[] = [];
  const err: string[] = [];
  const exits: (number | undefined)[] = [];
  function spy() {
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (out.push(String(chunk)), true));
    vi.spyOn(console, "error").mockImplementation((line: unknown) => void err.push(String(line)));
    vi.spyOn(process, "exit").mockImplementation(((code?: number) => void exits.push(code)) as typeof process.exit);
  }
  afterEach(() => {
    vi.restoreAllMocks();
    out.length = err.length = exits.length = 0;
  });

  it("--help prints the usage and every command on stdout, and does not exit with an error", async () => {
    spy();
    await main(["--help"]);
    expect([exits, err]).toEqual([[], []]);
    expect(out).toHaveLength(1);
    expect(out[0]!.startsWith(`${USAGE}\n\nCommands:\n  serve [target] `)).toBe(true);
    for (const line of ["routes [target] ", "add-handler path ", "new dir ", "-h, --help ", "-v, --version "]) expect(out[0]).toContain(`\n  ${line}`);
  });

  it("<command> --help prints that command's usage and options", async () => {
    spy();
    for (const command of ["serve", "routes", "openapi", "add-handler", "new"]) await main([command, "--help"]);
    expect([exits, err]).toEqual([[], []]);
    expect(out.map((text) => text.split("\n")[0])).toEqual([SERVE_USAGE, ...USAGE.split("\n").slice(1, 5).map((line) => `usage: ${line.trim()}`)]);
    expect(out[0]).toContain("\n  --watch             restart on changes");
    expect(out[1]).toContain("\n  --types             print a declaration");
    expect(out[2]).toContain("\n  --out FILE          write it to FILE instead");
    expect(out[3]).toContain("\n  --methods LIST      the verbs");
    expect(out[4]).toContain("\n  --handlerkit SPEC   the handlerkit dependency");
  });

  it("--version prints the version of package.json", async () => {
    spy();
    await main(["--version"]);
    expect(out).toEqual([`${version}\n`]);
    expect(exits).toEqual([]);
  });

  it("a usage error is one line on stderr, then the command's usage, and exit code 2", async () => {
    spy();
    await main(["serve", "--verbose", "a.js"]);
    await main(["nonsense"]);
    expect(err).toEqual([`handlerkit: unknown option --verbose\n\n${SERVE_USAGE}`, `handlerkit: unknown command "nonsense"\n\n${USAGE}`]);
    expect(exits).toEqual([2, 2]);
    expect(out).toEqual([]);
  });
});

// The binary, as a child process.

let lib: CompiledLib;
let cli: string;
const work = mkdtempSync(join(tmpdir(), "handlerkit-cli-"));
const running: Served[] = [];
beforeAll(() => {
  lib = compileLib();
  cli = join(dirname(lib.index), "cli.js");
});
afterAll(() => {
  for (const served of running) served.child.kill("SIGKILL");
  lib.remove();
  rmSync(work, { recursive: true, force: true });
});

/** Run `handlerkit ...args` in `cwd` to its end. */
function handlerkit(args: string[], cwd = work): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd }, (error, stdout, stderr) => resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr }));
  });
}

/** A routes folder of `.mjs` modules under `work` (the word LIB stands for the compiled lib's path). */
function jsRoutes(name: string, files: Record<string, string>): string {
  const dir = join(work, name);
  for (const [path, text] of Object.entries(files)) {
    const file = join(dir, ...path.split("/"));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text.replaceAll("LIB", JSON.stringify(lib.index)));
  }
  return dir;
}

describe("handlerkit add-handler", () => {
  it("creates the folders and a stub of verb functions, and says what it serves", async () => {
    const run = await handlerkit(["add-handler", "todo"]);
    expect(run).toEqual({ code: 0, stdout: "created routes/todo/handlers.ts: GET /todo\n", stderr: "" });
    expect(readFileSync(join(work, "routes/todo/handlers.ts"), "utf8")).toBe(
      '// GET /todo: made by `handlerkit add-handler`.\nimport type { Request } from "handlerkit";\n\nexport function get(request: Request) {\n  return { method: "GET", path: request.path };\n}\n',
    );
  });

  it("makes a RequestHandler subclass with --class, one method per --methods verb, under --dir", async () => {
    const run = await handlerkit(["add-handler", "--class", "--methods", "get,delete", "--dir", "src/routes", "todo/[id]"]);
    expect(run).toEqual({ code: 0, stdout: "created src/routes/todo/[id]/handlers.ts: GET, DELETE /todo/:id\n", stderr: "" });
    expect(readFileSync(join(work, "src/routes/todo/[id]/handlers.ts"), "utf8")).toBe(
      [
        "// GET, DELETE /todo/:id: made by `handlerkit add-handler`.",
        'import { RequestHandler } from "handlerkit";',
        "",
        "export default class TodoIdHandler extends RequestHandler {",
        "  get(params: { id: string }) {",
        '    return { method: "GET", path: this.request.path, params };',
        "  }",
        "",
        "  delete(params: { id: string }) {",
        '    return { method: "DELETE", path: this.request.path, params };',
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("refuses to overwrite a route module (exit 1), and a bad path (exit 2), writing nothing", async () => {
    writeFileSync(join(work, "routes/todo/handlers.ts"), "// mine\n");
    const again = await handlerkit(["add-handler", "todo", "--methods", "post"]);
    expect(again).toEqual({ code: 1, stdout: "", stderr: "handlerkit: routes/todo/handlers.ts exists: edit it, or remove it to start again (add-handler never overwrites)\n" });
    expect(readFileSync(join(work, "routes/todo/handlers.ts"), "utf8")).toBe("// mine\n");
    const climb = await handlerkit(["add-handler", "../escape"]);
    expect(climb.code).toBe(2);
    expect(climb.stderr).toBe('handlerkit: the route path "../escape" climbs out of the routes folder with "..": give a path inside it\n\nusage: handlerkit add-handler [--class] [--methods get,post] [--dir routes] route-path\n');
    expect(existsSync(join(work, "../escape"))).toBe(false);
  });
});

describe("parseCommandLine() for openapi", () => {
  it("reads the target, --out, --title and --api-version", () => {
    expect(parseCommandLine(["openapi"])).toEqual({ command: "openapi", module: "routes" });
    expect(parseCommandLine(["openapi", "app.js", "--out", "openapi.json", "--title", "Todos", "--api-version", "2.0.0"])).toEqual({
      command: "openapi",
      module: "app.js",
      out: "openapi.json",
      title: "Todos",
      apiVersion: "2.0.0",
    });
    expect(() => parseCommandLine(["openapi", "--out="])).toThrow(new TypeError("--out needs a value"));
    expect(() => parseCommandLine(["openapi", "--json"])).toThrow(new TypeError("unknown option --json"));
    expect(() => parseCommandLine(["openapi", "a.js", "b.js"])).toThrow(new TypeError('openapi takes one app module or routes folder, got "a.js" and "b.js"'));
  });
});

describe("handlerkit openapi", () => {
  const zod = JSON.stringify(import.meta.resolve("zod"));
  const appModule = (name: string, body: string) => {
    const file = join(work, name);
    writeFileSync(file, `import { Application, Route, converters } from ${JSON.stringify(lib.index)};\nimport { z } from ${zod};\n${body}`);
    return file;
  };

  it("prints the document of an app module, titled from ./package.json", async () => {
    const dir = join(work, "openapi-project");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "todo-api", version: "3.2.1", description: "Todos." }));
    const module = appModule(
      "openapi-app.mjs",
      `export const app = new Application([new Route("/todos/:id", () => ({}), { name: "todo", methods: ["PUT"], params: { id: converters.int }, schema: { body: z.object({ title: z.string() }) } })]);`,
    );
    const run = await handlerkit(["openapi", module], dir);
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(JSON.parse(run.stdout)).toEqual({
      openapi: "3.1.0",
      info: { title: "todo-api", version: "3.2.1", description: "Todos." },
      paths: {
        "/todos/{id}": {
          put: {
            operationId: "todo",
            parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
            requestBody: { required: true, content: { "application/json": { schema: { type: "object", properties: { title: { type: "string" } }, required: ["title"] } } } },
            responses: {
              "2XX": { description: "Success." },
              "422": {
                description: "The request failed the route's schema: `detail` lists each issue's path and message.",
                content: { "application/json": { schema: expect.objectContaining({ type: "object", required: ["error", "message"] }) } },
              },
            },
          },
        },
      },
    });
  });

  it("writes --out, says what it wrote, and warns when nothing has a template", async () => {
    const module = appModule("openapi-regexp.mjs", `export default new Application([[/^\\/old$/, () => "old"]]);`);
    const run = await handlerkit(["openapi", module, "--out", "openapi.json", "--title", "Old", "--api-version", "1.0.0"]);
    expect(run).toEqual({
      code: 0,
      stdout: "wrote openapi.json: 0 paths, 0 operations\n",
      stderr: "handlerkit: no route has a template to document (RegExp and build-only routes are left out)\n",
    });
    expect(JSON.parse(readFileSync(join(work, "openapi.json"), "utf8"))).toEqual({ openapi: "3.1.0", info: { title: "Old", version: "1.0.0" }, paths: {} });
  });

  it("documents a routes folder, and fails in one line for a module that exports no application", async () => {
    jsRoutes("openapi-routes", {
      "todo/handlers.mjs": "export const get = () => []; export const post = () => 201;",
      "todo/[id]/handlers.mjs": "import { RequestHandler } from LIB; export default class Todo extends RequestHandler { get() {} delete() {} }",
    });
    const folder = await handlerkit(["openapi", "--out", "folder.json", "openapi-routes"]);
    expect(folder).toEqual({ code: 0, stdout: "wrote folder.json: 2 paths, 4 operations\n", stderr: "" });
    expect(Object.keys(JSON.parse(readFileSync(join(work, "folder.json"), "utf8")).paths["/todo/{id}"])).toEqual(["delete", "get"]);
    const none = appModule("openapi-none.mjs", "export const x = 1;");
    const run = await handlerkit(["openapi", none]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`handlerkit: ${none} exports no application (as default or as "app")\n\nusage: handlerkit openapi [--out FILE] [--title T] [--api-version V] [app-module | routes-dir]\n`);
  });
});

describe("handlerkit routes", () => {
  let dir: string;
  beforeAll(() => {
    dir = jsRoutes("js-routes", {
      "handlers.mjs": "export const get = () => 'home';",
      "todo/handlers.mjs": "import { handler } from LIB; export const get = () => []; export const post = () => 201; export const completed = handler('get', () => []);",
      "todo/[id]/handlers.mjs": "import { RequestHandler } from LIB; export default class Todo extends RequestHandler { get() {} delete() {} }",
    });
  });

  it("prints the table, aligned, in matching order", async () => {
    const run = await handlerkit(["routes", "js-routes"]);
    expect(run).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        "METHODS     PATTERN          NAME            HANDLER    SOURCE",
        "GET         /                index           get        js-routes/handlers.mjs",
        "GET,POST    /todo            todo            get, post  js-routes/todo/handlers.mjs",
        "GET         /todo/completed  todo.completed  completed  js-routes/todo/handlers.mjs",
        "DELETE,GET  /todo/:id        todo.id         default    js-routes/todo/[id]/handlers.mjs",
        "",
      ].join("\n"),
    });
  });

  it("prints JSON with --json, and the table of an app module", async () => {
    const json = await handlerkit(["routes", "--json", "js-routes"]);
    expect(JSON.parse(json.stdout)[3]).toEqual({ methods: ["DELETE", "GET"], pattern: "/todo/:id", host: null, name: "todo.id", handler: "default", source: "js-routes/todo/[id]/handlers.mjs" });
    const module = fileURLToPath(new URL("./e2e/fixtures/app-module.mjs", import.meta.url));
    const app = await new Promise<string>((resolve) => execFile(process.execPath, [cli, "routes", module], { env: { ...process.env, HANDLERKIT_LIB: lib.index } }, (_e, stdout) => resolve(stdout)));
    expect(app).toBe("METHODS  PATTERN  NAME  HANDLER     SOURCE\n*        /        -     (function)  -\n");
  });

  it("writes the declaration of --types to --out", async () => {
    const run = await handlerkit(["routes", "--types", "--out", "routes.d.ts", "js-routes"]);
    expect(run).toEqual({ code: 0, stdout: "wrote routes.d.ts: 4 named routes\n", stderr: "" });
    expect(readFileSync(join(work, "routes.d.ts"), "utf8")).toContain('export type Routes = [\n  Route<"/", "index">,\n  Route<"/todo", "todo">,\n  Route<"/todo/completed", "todo.completed">,\n  Route<"/todo/:id", "todo.id">,\n];\n');
  });

  it("fails in one line naming the file for a folder that does not load (exit 1)", async () => {
    const broken = jsRoutes("broken", { "todo/handlers.mjs": "export const get = () => {;" });
    const run = await handlerkit(["routes", "broken"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^handlerkit: ${broken}/todo/handlers.mjs: the route module cannot be imported: [^\\n]+\\n$`));
    expect(await handlerkit(["routes", "nowhere"])).toEqual({ code: 1, stdout: "", stderr: "handlerkit: nowhere does not exist: give an app module or a routes folder\n" });
  });

  it("says how to proceed when the runtime cannot import TypeScript route modules", async () => {
    jsRoutes("ts-routes", { "handlers.ts": "export const get = (): string => 'typed';" });
    const run = await handlerkit(["routes", "ts-routes"]);
    if ((process.features as { typescript?: unknown }).typescript) {
      expect(run.code).toBe(0);
    } else {
      expect(run).toEqual({
        code: 1,
        stdout: "",
        stderr: `handlerkit: ${join(work, "ts-routes/handlers.ts")}: this runtime cannot import TypeScript (ERR_UNKNOWN_FILE_EXTENSION): build the routes to .js (tsc) and load the built folder, or run under tsx (npx tsx ...).\n`,
      });
    }
  });
});

describe("handlerkit serve", () => {
  it("serves a routes folder, and exits 0 on SIGTERM", async () => {
    jsRoutes("served", { "todo/[id]/handlers.mjs": "export const get = (request, params) => ({ id: params.id, pid: process.pid });" });
    const served = serve(lib.index, {}, [cli, "serve", "--port", "0", "--host", "127.0.0.1", join(work, "served")]);
    running.push(served);
    const [, origin] = await served.waitFor(/handlerkit listening on (http:\/\/127\.0\.0\.1:\d+)\/\n/);
    const res = await request(`${origin}/todo/7`);
    expect([res.statusCode, await res.body.json()]).toEqual([200, { id: "7", pid: served.child.pid }]);
    served.child.kill("SIGTERM");
    expect(await served.exited).toEqual({ code: 0, signal: null });
  });

  it("--watch restarts on a changed module and on a new folder, and exits 0 on SIGTERM", async () => {
    const dir = jsRoutes("watched", { "handlers.mjs": "export const get = () => 'first';" });
    const served = serve(lib.index, {}, [cli, "serve", "--watch", "--port", "0", "--host", "127.0.0.1", dir]);
    running.push(served);
    // Each start listens on a new port: ask the latest, once the nth start has said it listens.
    const answer = async (starts: number, path: string) => {
      await served.waitFor(new RegExp(`(?:handlerkit listening on [^]*){${starts}}`), 15_000);
      for (let attempt = 0; ; attempt++) {
        const origin = [...served.output().matchAll(/handlerkit listening on (http:\/\/127\.0\.0\.1:\d+)\//g)].at(-1)![1];
        try {
          return await (await request(`${origin}${path}`)).body.text();
        } catch (error) {
          // A second restart for the same change may have begun meanwhile.
          if (attempt === 20) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    };
    expect(await answer(1, "/")).toBe("first");
    writeFileSync(join(dir, "handlers.mjs"), "export const get = () => 'second';");
    expect(await answer(2, "/")).toBe("second");
    jsRoutes("watched", { "new/handlers.mjs": "export const get = () => 'new route';" });
    expect(await answer(3, "/new")).toBe("new route");
    expect(served.output()).toContain("Restarting ");
    served.child.kill("SIGTERM");
    expect(await served.exited).toEqual({ code: 0, signal: null });
  });
});
