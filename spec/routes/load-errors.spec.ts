/**
 * lib/routes/load-routes.ts, bad input: each mistake in a routes folder is
 * an error at load that names the file and says how to fix it, and adds no
 * route at all.
 */
import { describe, expect, it } from "vitest";
import { Application } from "../../lib/index.js";
import { LIB, routesFolder } from "../support/routes-folder.js";

/** Load `files` into a fresh app; resolve to the error's message, checking that no route was added. */
async function loadError(files: Record<string, string>): Promise<{ dir: string; message: string; cause: unknown }> {
  const dir = routesFolder(files);
  const app = new Application();
  const error = await app.loadRoutes(dir).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  if (error === undefined) throw new Error("the folder loaded");
  expect(app.router.routes).toEqual([]);
  return { dir, message: error.message, cause: error.cause };
}

const GET = "export const get = () => 'ok';";

describe("a routes folder that loads no route", () => {
  it("does not exist, or is a file", async () => {
    await expect(new Application().loadRoutes("/nonexistent/routes")).rejects.toThrow(
      "The routes folder /nonexistent/routes does not exist: create it (handlerkit add-handler makes one) or give the right path.",
    );
    const dir = routesFolder({ "file.txt": "" });
    await expect(Application.fromRoutes(`${dir}/file.txt`)).rejects.toThrow(`The routes folder ${dir}/file.txt is not a folder.`);
  });

  it("holds a code file that is not a route module", async () => {
    const { message } = await loadError({ "todo/handlers.js": GET, "todo/utils.ts": "export const x = 1;" });
    expect(message).toBe('todo/utils.ts is not a route module: name route modules handlers.ts, handlers.mts, handlers.js, handlers.mjs, and start a helper\'s name with "_" to keep it beside them.');
  });

  it("holds two route modules in one folder", async () => {
    const { message } = await loadError({ "todo/handlers.js": GET, "todo/handlers.ts": GET });
    expect(message).toBe("todo/handlers.ts: this folder already has the route module handlers.js; keep one.");
  });

  it("names a parameter that is not an identifier, or one twice in a path", async () => {
    expect((await loadError({ "todo/[1st]/handlers.js": GET })).message).toBe(
      'todo/[1st]: the folder "[1st]" names a parameter "1st" that is not a valid identifier (letters, digits, _ and $, not first a digit).',
    );
    expect((await loadError({ "[id]/x/[id]/handlers.js": GET })).message).toBe('[id]/x/[id]: the parameter "id" is already in this path; rename one of the folders.');
    expect((await loadError({ "a/[...id]/[id]/handlers.js": GET })).message).toBe('a/[...id]/[id]: the parameter "id" is already in this path; rename one of the folders.');
  });

  it("has a folder name a URL segment cannot hold", async () => {
    expect((await loadError({ "to do/handlers.js": GET })).message).toBe(
      'to do: the folder "to do" cannot be a URL segment: use letters, digits, ".", "_", "~" and "-", "[name]" for a parameter or "[...name]" for a splat.',
    );
    expect((await loadError({ "a:b/handlers.js": GET })).message).toMatch(/^a:b: the folder "a:b" cannot be a URL segment/);
  });
});

describe("a route module that cannot be loaded", () => {
  it("has a syntax error: the file and the cause", async () => {
    const { dir, message, cause } = await loadError({ "handlers.js": GET, "todo/handlers.js": "export const get = () => {;" });
    expect(message).toMatch(new RegExp(`^${dir}/todo/handlers.js: the route module cannot be imported: `));
    expect(cause).toBeInstanceOf(Error);
  });

  it("throws at top level", async () => {
    const { dir, message } = await loadError({ "todo/handlers.js": "throw new Error('no database');" });
    expect(message).toBe(`${dir}/todo/handlers.js: the route module cannot be imported: no database`);
  });

  it("exports nothing that serves", async () => {
    const { dir, message } = await loadError({ "todo/handlers.js": "export const _x = 1;" });
    expect(message).toBe(`${dir}/todo/handlers.js: it is not a route module: it exports no verb function (get, post, ...), no default RequestHandler subclass and no handler().`);
  });

  it("exports what is neither a verb function, a handler() nor a class", async () => {
    const { dir, message } = await loadError({ "todo/handlers.js": `${GET} export const PAGE_SIZE = 20;` });
    expect(message).toBe(`${dir}/todo/handlers.js: the export "PAGE_SIZE" is a number, so it serves nothing: wrap it as handler("get", ...) to serve a sub-path, or start its name with "_" to keep it as a helper.`);
    const fn = await loadError({ "todo/handlers.js": `${GET} export function helper() {}` });
    expect(fn.message).toMatch(/the export "helper" is a function but not a verb \(get, post, put, patch, delete, head, options\), so it serves nothing/);
  });

  it("exports a default that is not a handler class, or one beside verb functions", async () => {
    const { dir, message } = await loadError({ "handlers.js": "export default function () { return 'x'; }" });
    expect(message).toBe(`${dir}/handlers.js: the default export is not a RequestHandler subclass; export verb functions (get, post, ...) by name, or a class with \`export default class extends RequestHandler\`.`);
    const both = await loadError({ "handlers.js": `import { RequestHandler } from "${LIB}"; export default class extends RequestHandler { get() {} } ${GET}` });
    expect(both.message).toBe(`${both.dir}/handlers.js: it exports both a default class and verb functions (GET): keep one of the two.`);
  });

  it("exports both delete and del, a verb that is not a function, or a bad name or options", async () => {
    expect((await loadError({ "handlers.js": "const f = () => 1; export { f as delete, f as del };" })).message).toMatch(/: it exports both "delete" and "del": keep one\.$/);
    expect((await loadError({ "handlers.js": "export const post = 'nope';" })).message).toMatch(/: the export "post" must be a function \(request, params\) => \.\.\. answering POST\.$/);
    expect((await loadError({ "handlers.js": `${GET} export const name = 7;` })).message).toMatch(/: `export const name` must be a non-empty string \(the route's name\)\.$/);
    expect((await loadError({ "handlers.js": `${GET} export const options = [];` })).message).toMatch(/: `export const options` must be an object of route options/);
    expect((await loadError({ "handlers.js": `${GET} export const options = { methods: ["GET"] };` })).message).toMatch(/: `options` cannot set methods or handlerMethod: the exports say which verbs are served\.$/);
  });

  it("has options that do not fit its route: the file, the export and the route's own message", async () => {
    const { dir, message } = await loadError({ "todo/handlers.js": `${GET} export const options = { params: { id: /\\d+/ } };` });
    expect(message).toBe(`${dir}/todo/handlers.js: get cannot be a route at /todo: Route "/todo" has no parameter "id" to constrain.`);
  });
});

describe("two definitions that collide", () => {
  it("one path and verb in two files: both named", async () => {
    const { dir, message } = await loadError({
      "todo/[id]/handlers.js": "export const get = () => 'a';",
      "todo/[todoId]/handlers.js": "export const get = () => 'b'; export const post = () => 'c';",
    });
    expect(message).toBe(`GET /todo/:todoId is defined twice: in ${dir}/todo/[id]/handlers.js (get) and in ${dir}/todo/[todoId]/handlers.js (get, post); keep one.`);
  });

  it("a sub-path export and a folder of the same path", async () => {
    const { dir, message } = await loadError({
      "todo/handlers.js": `import { handler } from "${LIB}"; export const completed = handler("get", () => "x");`,
      "todo/completed/handlers.js": `import { RequestHandler } from "${LIB}"; export default class extends RequestHandler { get() {} }`,
    });
    expect(message).toBe(`GET /todo/completed is defined twice: in ${dir}/todo/handlers.js (completed) and in ${dir}/todo/completed/handlers.js (default); keep one.`);
  });

  it("two routes of one name", async () => {
    const { dir, message } = await loadError({
      "a/handlers.js": "export const name = 'same'; export const get = () => 'a';",
      "b/handlers.js": "export const name = 'same'; export const get = () => 'b';",
    });
    expect(message).toBe(`Two routes are named "same": in ${dir}/a/handlers.js (get) and in ${dir}/b/handlers.js (get); give one another name (export const name, or handler(verbs, { name }, fn)).`);
  });
});

describe("handler()", () => {
  it("refuses what is not a verb, a handler or a relative path", async () => {
    const { handler } = await import("../../lib/index.js");
    expect(() => handler("fetch" as "get", () => 1)).toThrow('handler(): "fetch" is not a verb; use one of get, post, put, patch, delete, head, options.');
    expect(() => handler([], () => 1)).toThrow('handler() needs at least one verb, such as handler("get", fn).');
    expect(() => handler("get", "nope" as never)).toThrow("handler(): the handler is string; give a function (request, params) => ... or a RequestHandler subclass.");
    expect(() => handler("get", { path: "/abs" }, () => 1)).toThrow('handler(): the path is relative to the module\'s folder, so it does not start with "/": "/abs".');
    expect(handler(["GET", "del", "get"], () => 1).methods).toEqual(["GET", "DELETE"]);
  });
});
