/**
 * What `handlerkit add-handler` and `handlerkit new` write: a route module
 * stub for a route path, and a small project around a routes folder.
 */
import { folderName, folderSegment, folderTemplate, isIgnored, type FolderSegment } from "./route-folder.js";
import { verbMethod } from "./handler.js";

/**
 * The folder segments of a route path as `add-handler` takes it (`todo`,
 * `todo/[id]`, `files/[...path]`, `.` for the routes folder itself), read
 * by the loader's own rules. Throws a `TypeError` saying what is wrong for
 * an absolute path, `..`, an empty segment, a name the loader ignores, and
 * characters a URL segment cannot hold.
 */
export function routePathSegments(path: string): FolderSegment[] {
  if (path === "." || path === "") return [];
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path) || path.includes("\\")) throw new TypeError(`the route path "${path}" is absolute: give it relative to the routes folder, such as todo or todo/[id]`);
  const names = path.replace(/\/$/, "").split("/");
  const segments: FolderSegment[] = [];
  for (const name of names) {
    if (name === "..") throw new TypeError(`the route path "${path}" climbs out of the routes folder with "..": give a path inside it`);
    if (name === "" || name === ".") throw new TypeError(`the route path "${path}" has an empty segment: write it as todo/[id]`);
    if (isIgnored(name, false)) throw new TypeError(`the route path "${path}" has "${name}", which the loader ignores (a leading "_" or "."): rename it`);
    segments.push(folderSegment(name, `the route path "${path}"`));
  }
  const params = segments.flatMap((s) => (s.kind === "static" ? [] : [s.name]));
  const twice = params.find((name, i) => params.indexOf(name) !== i);
  if (twice !== undefined) throw new TypeError(`the route path "${path}" has the parameter "${twice}" twice: rename one`);
  return segments;
}

/** The upper-case methods of a `--methods` list (`get,post`); throws for a name that is not a verb. */
export function parseMethods(list: string): string[] {
  const methods = list.split(",").map((verb) => {
    const method = verbMethod(verb.trim());
    if (method === undefined) throw new TypeError(`--methods: "${verb.trim()}" is not a verb; use get, post, put, patch, delete, head or options`);
    return method;
  });
  return [...new Set(methods)];
}

function paramsType(segments: readonly FolderSegment[]): string | undefined {
  const fields = segments.flatMap((s) => (s.kind === "param" ? [`${s.name}: string`] : s.kind === "splat" ? [`${s.name}: string[]`] : []));
  return fields.length === 0 ? undefined : `{ ${fields.join("; ")} }`;
}

function className(segments: readonly FolderSegment[]): string {
  const words = folderName(segments).split(/[^A-Za-z0-9]+/).filter(Boolean);
  const name = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
  return `${/^[0-9]/.test(name) ? "Route" : ""}${name}Handler`;
}

/**
 * The text of a route module stub for `segments`: one verb function per
 * method (`delete` exported as `export { remove as delete }`), or with
 * `asClass` a default `RequestHandler` subclass with one method per verb.
 * Each answers with its method, path and params as JSON.
 */
export function handlerModuleSource(segments: readonly FolderSegment[], methods: readonly string[], asClass: boolean): string {
  const template = folderTemplate(segments);
  const params = paramsType(segments);
  const lines = [`// ${methods.join(", ")} ${template}: made by \`handlerkit add-handler\`.`];
  if (asClass) {
    lines.push('import { RequestHandler } from "handlerkit";', "", `export default class ${className(segments)} extends RequestHandler {`);
    methods.forEach((method, i) => {
      if (i > 0) lines.push("");
      lines.push(`  ${method.toLowerCase()}(${params ? `params: ${params}` : ""}) {`, `    return { method: "${method}", path: this.request.path${params ? ", params" : ""} };`, "  }");
    });
    lines.push("}");
  } else {
    lines.push('import type { Request } from "handlerkit";');
    for (const method of methods) {
      const fn = method === "DELETE" ? "remove" : method.toLowerCase();
      // `delete` is a reserved word: a local `remove`, exported under the verb's name below.
      lines.push("", `${method === "DELETE" ? "" : "export "}function ${fn}(request: Request${params ? `, params: ${params}` : ""}) {`, `  return { method: "${method}", path: request.path${params ? ", params" : ""} };`, "}");
    }
    if (methods.includes("DELETE")) lines.push("", "export { remove as delete };");
  }
  return `${lines.join("\n")}\n`;
}

/** What `handlerkit new` needs to know: the package's name and the versions to depend on. */
export interface ProjectOptions {
  /** The npm package name of the new project. */
  name: string;
  /** The handlerkit dependency: a version range, or a tarball (`file:...`). */
  handlerkit: string;
  /** The exact versions of `typescript` and `@types/node` (this checkout's). */
  typescript: string;
  typesNode: string;
}

/** An npm package name made from a folder name: lower case, URL-safe characters only. */
export function packageName(folder: string): string {
  const name = folder.toLowerCase().replace(/[^a-z0-9._~-]+/g, "-").replace(/^[._-]+/, "");
  return name === "" ? "handlerkit-app" : name;
}

/**
 * The files of a new project, by path: package.json (handlerkit, and
 * TypeScript and Node's types pinned as dev dependencies, nothing else),
 * tsconfig.json, one route module and a spec run by `node --test` on the
 * build, so `npm install && npm test` passes at once. The test files are
 * named (`dist/spec/*.test.js`): a bare `node --test` on Node 23.6 and
 * later also runs the TypeScript sources, and a folder argument is refused
 * from Node 22 on.
 */
export function projectFiles(options: ProjectOptions): Record<string, string> {
  const pkg = {
    name: options.name,
    version: "0.1.0",
    private: true,
    type: "module",
    engines: { node: ">=20.18" },
    scripts: { build: "tsc", start: "tsc && handlerkit serve dist/routes", test: "tsc && node --test dist/spec/*.test.js", routes: "tsc && handlerkit routes dist/routes" },
    dependencies: { handlerkit: options.handlerkit },
    devDependencies: { "@types/node": options.typesNode, typescript: options.typescript },
  };
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      types: ["node"],
      strict: true,
      verbatimModuleSyntax: true,
      skipLibCheck: true,
      rootDir: ".",
      outDir: "dist",
    },
    include: ["routes", "spec"],
  };
  return {
    "package.json": `${JSON.stringify(pkg, null, 2)}\n`,
    "tsconfig.json": `${JSON.stringify(tsconfig, null, 2)}\n`,
    ".gitignore": "node_modules/\ndist/\n",
    "routes/handlers.ts": ['import type { Request } from "handlerkit";', "", "export function get(request: Request) {", '  return "Hello from handlerkit!";', "}", ""].join("\n"),
    "spec/app.test.ts": [
      'import assert from "node:assert/strict";',
      'import { test } from "node:test";',
      'import { Application } from "handlerkit";',
      "",
      "// The built routes, beside the built spec: dist/routes.",
      'const app = await Application.fromRoutes(new URL("../routes", import.meta.url));',
      "",
      'test("GET / says hello", async () => {',
      '  const res = await app.getResponse("/");',
      "  assert.equal(res.status, 200);",
      '  assert.equal(await res.text(), "Hello from handlerkit!");',
      "});",
      "",
      'test("an unknown path is a 404", async () => {',
      '  assert.equal((await app.getResponse("/nowhere")).status, 404);',
      "});",
      "",
    ].join("\n"),
    "README.md": [
      `# ${options.name}`,
      "",
      "A [handlerkit](https://www.npmjs.com/package/handlerkit) app: each `routes/<path>/handlers.ts` serves `/<path>`.",
      "",
      "```sh",
      "npm install && npm start       # builds, then serves on http://127.0.0.1:8080/",
      "npm test                       # builds, then runs the specs",
      "npx handlerkit add-handler todo # creates routes/todo/handlers.ts: GET /todo",
      "```",
      "",
    ].join("\n"),
  };
}
