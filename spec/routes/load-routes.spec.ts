/**
 * lib/routes/load-routes.ts: routes folders built in temporary directories,
 * loaded into applications, and the table they serve asserted over
 * `app.getResponse()` and real sockets.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Application, Route } from "../../lib/index.js";
import { readRouteFolder } from "../../lib/routes/load-routes.js";
import { LIB, routesFolder } from "../support/routes-folder.js";
import { fetchResult } from "../support/socket-client.js";

const TODO_APP = {
  "handlers.ts": `export function get() { return "home"; }`,
  "todo/handlers.ts": `
    import { handler, RequestHandler } from "${LIB}";
    const todos = [{ id: 1, done: true }, { id: 2, done: false }];
    export function get(request: unknown, params: object) { return { todos, params }; }
    export function post() { return [201, { created: true }]; }
    export const completed = handler("get", () => todos.filter((t) => t.done));
    export const since = handler(["get", "post"], { path: "done/:since" }, (request: { method: string }, params: { since: string }) => \`\${request.method} since \${params.since}\`);
    export class DueSoon extends RequestHandler { get() { return "due soon"; } }
    export const archive = handler("get", { middleware: [async (request: unknown, next: () => Promise<{ headers: Map<string, string> }>) => { const r = await next(); r.headers.set("x-own", "archive"); return r; }] }, class extends RequestHandler { get() { return "archived"; } });
    export const options = { middleware: [async (request: unknown, next: () => Promise<{ headers: Map<string, string> }>) => { const r = await next(); r.headers.set("x-module", "todo"); return r; }] };
    export const _helper = 42;
  `,
  "todo/[id]/handlers.ts": `
    import { RequestHandler, converters } from "${LIB}";
    export const options = { params: { id: converters.int } };
    export default class extends RequestHandler {
      get(params: { id: number }) { return { id: params.id, next: this.uriFor("todo.id", { id: params.id + 1 }) }; }
      delete(params: { id: number }) { return 204; }
    }
  `,
  "files/[...path]/handlers.js": `export const get = (request, params) => params.path.join("|");`,
  "about/handlers.mjs": `export const name = "about-page"; export const get = () => "about";`,
  "slow/handlers.ts": `
    export const options = { timeout: 30 };
    export async function get(request: { signal: AbortSignal }) { await new Promise((r) => setTimeout(r, 1000)); return "late"; }
  `,
  "todo/_drafts/handlers.ts": `throw new Error("a helper folder is never imported");`,
  "todo/handlers.spec.ts": `throw new Error("a spec is never imported");`,
  "todo/.hidden.ts": `throw new Error("a hidden file is never imported");`,
  "todo/README.md": "Not code: left alone.",
};

describe("app.loadRoutes() and Application.fromRoutes()", () => {
  let app: Application;
  beforeAll(async () => {
    app = await Application.fromRoutes(routesFolder(TODO_APP));
  });

  it("serves the folder as a table of ordinary routes, in path order, named from the path", () => {
    expect(app.router.routes.map((r) => [r.pattern, r.name, r.methods && [...r.methods]])).toEqual([
      ["/", "index", ["GET"]],
      ["/about", "about-page", ["GET"]],
      ["/files/*path", "files.path", ["GET"]],
      ["/slow", "slow", ["GET"]],
      ["/todo", "todo", ["GET", "POST"]],
      ["/todo/archive", "todo.archive", ["GET"]],
      ["/todo/completed", "todo.completed", ["GET"]],
      ["/todo/done/:since", "todo.since", ["GET", "POST"]],
      ["/todo/due-soon", "todo.due-soon", undefined],
      ["/todo/:id", "todo.id", undefined],
    ]);
    for (const route of app.router.routes) expect(Object.getPrototypeOf(route)).toBe(Route.prototype);
  });

  it("answers verb functions, handler() sub-paths, classes and splats", async () => {
    const answers = await Promise.all([
      app.getResponse("/").then(async (r) => [r.status, await r.text()]),
      app.getResponse("/todo").then(async (r) => [r.status, await r.json()]),
      app.getResponse("/todo", { method: "POST" }).then(async (r) => [r.status, await r.json()]),
      app.getResponse("/todo/completed").then(async (r) => [r.status, await r.json()]),
      app.getResponse("/todo/done/2024", { method: "POST" }).then(async (r) => [r.status, await r.text()]),
      app.getResponse("/todo/due-soon").then(async (r) => [r.status, await r.text()]),
      app.getResponse("/todo/7").then(async (r) => [r.status, await r.json()]),
      app.getResponse("/todo/7", { method: "DELETE" }).then(async (r) => [r.status, await r.text()]),
      app.getResponse("/files/a/b%2Fc").then(async (r) => [r.status, await r.text()]),
      app.getResponse("/about").then(async (r) => [r.status, await r.text()]),
    ]);
    expect(answers).toEqual([
      [200, "home"],
      [200, { todos: [{ id: 1, done: true }, { id: 2, done: false }], params: {} }],
      [201, { created: true }],
      [200, [{ id: 1, done: true }]],
      [200, "POST since 2024"],
      [200, "due soon"],
      [200, { id: 7, next: "/todo/8" }],
      [204, ""],
      [200, "a|b/c"],
      [200, "about"],
    ]);
  });

  it("lays the module's options under a sub-path's own: middleware adds up, the module's outside", async () => {
    const archive = await app.getResponse("/todo/archive");
    expect([archive.status, await archive.text(), archive.headers.get("x-own"), archive.headers.get("x-module")]).toEqual([200, "archived", "archive", "todo"]);
    expect(app.router.getRoute("todo.archive")!.middleware).toHaveLength(2);
    const todo = await app.getResponse("/todo");
    expect([todo.headers.get("x-own"), todo.headers.get("x-module")]).toEqual([undefined, "todo"]);
  });

  it("keeps the router's behaviour: 405 with Allow, HEAD through GET, converters, 404, timeouts, uriFor", async () => {
    const put = await app.getResponse("/todo", { method: "PUT" });
    expect([put.status, put.headers.get("allow")]).toEqual([405, "GET, HEAD, OPTIONS, POST"]);
    const head = await app.getResponse("/todo/completed", { method: "HEAD" });
    expect([head.status, await head.text()]).toEqual([200, ""]);
    expect((await app.getResponse("/todo/seven")).status).toBe(404);
    expect((await app.getResponse("/slow")).status).toBe(503);
    expect(app.uriFor("todo.id", { id: 7 })).toBe("/todo/7");
    expect(app.uriFor("todo.since", { since: "monday", page: 2 })).toBe("/todo/done/monday?page=2");
    expect(app.uriFor("files.path", { path: ["a", "b"] })).toBe("/files/a/b");
    expect(app.uriFor("index")).toBe("/");
  });

  it("serves the same over a socket", async () => {
    const server = await app.listen(0, "127.0.0.1");
    try {
      const origin = `http://127.0.0.1:${app.address!.port}`;
      expect(await fetchResult(`${origin}/todo/completed`)).toMatchObject({ status: 200, body: '[{"id":1,"done":true}]' });
      expect(await fetchResult(`${origin}/todo/3`)).toMatchObject({ status: 200, body: '{"id":3,"next":"/todo/4"}' });
      const wrong = await fetchResult(`${origin}/todo/3`, { method: "PATCH" });
      expect([wrong.status, wrong.headers.allow]).toEqual([405, "DELETE, GET, HEAD, OPTIONS"]);
    } finally {
      await app.close();
      expect(server.listening).toBe(false);
    }
  });

  it("adds after the app's own routes, with a prefix and a name prefix, and resolves to the app", async () => {
    const own = new Application([new Route("/api/todo", () => "own first", { name: "own" })]);
    const loaded = await own.loadRoutes(routesFolder({ "handlers.js": "export const get = () => 'root';", "todo/handlers.js": "export const get = () => 'loaded';" }), { prefix: "/api", namePrefix: "api." });
    expect(loaded).toBe(own);
    expect(own.router.routes.map((r) => [r.pattern, r.name])).toEqual([["/api/todo", "own"], ["/api", "api.index"], ["/api/todo", "api.todo"]]);
    expect(await (await own.getResponse("/api/todo")).text()).toBe("own first");
    expect(await (await own.getResponse("/api")).text()).toBe("root");
  });

  it("adds nothing when a name is taken by the app, and says which file", async () => {
    const dir = routesFolder({ "a/handlers.js": "export const get = () => 'a';", "b/handlers.js": "export const get = () => 'b';" });
    const own = new Application([new Route("/elsewhere", () => "x", { name: "b" })]);
    await expect(own.loadRoutes(dir)).rejects.toThrow(`${dir}/b/handlers.js: the app already has a route named "b"; rename one (export const name = "...") or load the folder with a namePrefix.`);
    expect(own.router.routes).toHaveLength(1);
  });

  it("takes a file: URL, and passes application options through fromRoutes", async () => {
    const dir = routesFolder({ "handlers.js": "export const get = (request) => String(request.app.debug);" });
    const debug = await Application.fromRoutes(new URL(`file://${dir}/`), { debug: true });
    expect(await (await debug.getResponse("/")).text()).toBe("true");
  });
});

describe("the order of loaded routes", () => {
  it("puts literal segments before parameters before splats, whatever the file names", async () => {
    const dir = routesFolder({
      "a/[...rest]/handlers.js": "export const get = () => 'splat';",
      "a/[id]/handlers.js": "export const get = () => 'param';",
      "a/b/handlers.js": "export const get = () => 'static';",
      "a/[id]/c/handlers.js": "export const get = () => 'deeper';",
      "a/handlers.js": "export const get = () => 'a';",
    });
    const routes = await readRouteFolder(dir);
    expect(routes.map((r) => r.pattern)).toEqual(["/a", "/a/b", "/a/:id", "/a/:id/c", "/a/*rest"]);
    const app = await Application.fromRoutes(dir);
    expect(await Promise.all(["/a/b", "/a/b2", "/a/x/c", "/a/x/y"].map(async (p) => (await app.getResponse(p)).text()))).toEqual(["static", "param", "deeper", "splat"]);
  });

  it("lets a sub-path export win over a parameter folder beside it", async () => {
    const app = await Application.fromRoutes(routesFolder({
      "todo/[id]/handlers.js": "export const get = (r, p) => 'todo ' + p.id;",
      "todo/handlers.js": `import { handler } from "${LIB}"; export const completed = handler("get", () => "completed");`,
    }));
    expect(await (await app.getResponse("/todo/completed")).text()).toBe("completed");
    expect(await (await app.getResponse("/todo/9")).text()).toBe("todo 9");
  });
});

describe("a loaded route costs what a constructor route costs", () => {
  it("holds the exported verb function itself when its path has parameters", async () => {
    const dir = routesFolder({ "r/[id]/handlers.js": "export function get(request, params) { return { id: params.id }; }" });
    const [route] = await readRouteFolder(dir);
    const module = (await import(`${dir}/r/[id]/handlers.js`)) as { get: unknown };
    expect(route!.handler).toBe(module.get);
    expect(route!.named).toBe(true);
  });
});


describe("summaries of verb functions", () => {
  it("reach the OpenAPI document through the function that stands in for several verbs, or for one on a path without parameters", async () => {
    const dir = routesFolder({
      "items/handlers.js": `
        export function get() { return []; }
        get.summary = "List the items";
        get.description = "Newest first.";
        export function post() { return [201, {}]; }
        post.summary = { post: "Add an item", get: "not this one" };
        export function put() { return {}; }
      `,
      "about/handlers.js": `export function get() { return "about"; } get.summary = "About the app";`,
    });
    const app = await Application.fromRoutes(dir);
    const paths = app.openapi({ info: { title: "t", version: "1" } }).paths;
    expect([paths["/items"]!.get!.summary, paths["/items"]!.get!.description, paths["/items"]!.post!.summary, paths["/items"]!.put!.summary]).toEqual(["List the items", "Newest first.", "Add an item", undefined]);
    expect(paths["/items"]!.post!.description).toBeUndefined();
    expect(paths["/about"]!.get!.summary).toBe("About the app");
  });
});
