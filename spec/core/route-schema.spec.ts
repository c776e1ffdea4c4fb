/**
 * lib/core/route-schema.ts: the route option `schema`, checked before the
 * handler runs (through `app.getResponse`), and `request.valid()`.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Application, Request, RequestHandler, Route } from "../../lib/index.js";
import { routesFolder, LIB } from "../support/routes-folder.js";
import { validationApp } from "../support/validation-app.js";
import { parseError } from "../support/json-error.js";

const JSON_CLIENT = { accept: "application/json" };

// The errors the app logs (a 500 is logged; the specs check what it says).
const logged: string[] = [];
const logger = { info() {}, warn() {}, error: (...args: unknown[]) => void logged.push(String(args[0])) };

async function answer(app: Application, path: string, init: Parameters<Application["getResponse"]>[1] = {}) {
  const res = await app.getResponse(path, { ...init, headers: { ...JSON_CLIENT, ...(init.headers as Record<string, string> | undefined) } });
  return { status: res.status, type: res.headers.get("content-type"), body: (await res.json()) as any };
}

describe("a body schema", () => {
  const app = validationApp();

  it("hands the handler the schema's output (defaults applied)", async () => {
    expect(await answer(app, "/todos", { method: "POST", json: { title: "Milk" } })).toEqual({
      status: 201,
      type: "application/json",
      body: { id: 1, title: "Milk", tags: [] },
    });
  });

  it("answers an invalid body with a 422 listing each issue's path and message (zod)", async () => {
    expect(await answer(app, "/todos", { method: "POST", json: { title: "", tags: [{ name: "a" }, { name: 3 }] } })).toEqual({
      status: 422,
      type: "application/json",
      body: {
        error: 422,
        message: "Invalid request body: title: Too small: expected string to have >=1 characters (and 1 more issue)",
        detail: [
          { path: "title", message: "Too small: expected string to have >=1 characters" },
          { path: "tags.1.name", message: "Invalid input: expected string, received number" },
        ],
      },
    });
  });

  it("answers an invalid body with a 422 listing each issue (valibot)", async () => {
    expect(await answer(app, "/signup", { method: "POST", json: { user: "al", email: "nope" } })).toEqual({
      status: 422,
      type: "application/json",
      body: {
        error: 422,
        message: "Invalid request body: user: Invalid length: Expected >=3 but received 2 (and 1 more issue)",
        detail: [
          { path: "user", message: "Invalid length: Expected >=3 but received 2" },
          { path: "email", message: 'Invalid email: Received "nope"' },
        ],
      },
    });
    expect(await answer(app, "/signup", { method: "POST", json: { user: "grace", email: "g@example.com" } })).toEqual({
      status: 201,
      type: "application/json",
      body: { user: "grace", email: "g@example.com" },
    });
  });

  it("gives a body that is not an object a 422 with the empty path", async () => {
    expect((await answer(app, "/todos", { method: "POST", json: [1] })).body.detail).toEqual([{ path: "", message: "Invalid input: expected object, received array" }]);
  });

  it("keeps invalid JSON a 400 and a body of another type a 415", async () => {
    const bad = await answer(app, "/todos", { method: "POST", body: "{", headers: { "content-type": "application/json" } });
    expect([bad.status, bad.body.message]).toEqual([400, `The request body is not valid JSON: ${parseError("{")}`]);
    const text = await answer(app, "/todos", { method: "POST", body: "title", headers: { "content-type": "text/plain" } });
    expect([text.status, text.body.message]).toEqual([415, 'Expected a JSON body (Content-Type: application/json), got "text/plain".']);
  });

  it("reads a form body as a plain object: one value a string, repeated ones an array", async () => {
    const schema = z.object({ title: z.string(), tag: z.array(z.string()) });
    const app = new Application();
    app.route("/f", { methods: ["POST"], schema: { body: schema } })((request) => request.valid("body"));
    expect(await answer(app, "/f", { method: "POST", body: "title=Milk&tag=a&tag=b", headers: { "content-type": "application/x-www-form-urlencoded" } })).toEqual({
      status: 200,
      type: "application/json",
      body: { title: "Milk", tag: ["a", "b"] },
    });
    const one = await answer(app, "/f", { method: "POST", form: { title: "Milk", tag: "a" } });
    expect([one.status, one.body.detail]).toEqual([422, [{ path: "tag", message: "Invalid input: expected array, received string" }]]);
  });

  it("waits for an async validator", async () => {
    expect(await answer(app, "/users", { method: "POST", json: { name: "grace" } })).toEqual({ status: 201, type: "application/json", body: { name: "grace" } });
    const taken = await answer(app, "/users", { method: "POST", json: { name: "ada" } });
    expect([taken.status, taken.body.detail]).toEqual([422, [{ path: "name", message: "That name is taken." }]]);
  });

  it("is not checked for a GET, whose request.valid('body') says why", async () => {
    const app = new Application([], { logger });
    app.route("/x", { schema: { body: z.object({ a: z.string() }) } })((request) => request.valid("body") as never);
    const res = await answer(app, "/x");
    expect(res.status).toBe(500);
    const debug = new Application([], { debug: true, logger });
    debug.route("/x", { schema: { body: z.object({ a: z.string() }) } })((request) => request.valid("body") as never);
    expect((await answer(debug, "/x")).body.message).toBe(
      'TypeError: request.valid("body"): this route checks no body (its schema has no body, or a GET request without a body is not checked).',
    );
  });

  it("answers in problem details when the app says so, the issues under errors", async () => {
    const res = await validationApp({ problemDetails: true }).getResponse("/todos", { method: "POST", json: { title: 1 }, headers: JSON_CLIENT });
    expect([res.status, res.headers.get("content-type"), await res.json()]).toEqual([
      422,
      "application/problem+json",
      {
        type: "about:blank",
        title: "Unprocessable Entity",
        status: 422,
        detail: "Invalid request body: title: Invalid input: expected string, received number",
        instance: "/todos",
        errors: [{ path: "title", message: "Invalid input: expected string, received number" }],
      },
    ]);
  });
});

describe("a query schema", () => {
  const app = validationApp();

  it("checks the query as a plain object and hands over its output", async () => {
    expect(await answer(app, "/todos?page=3&tag=a&tag=b")).toEqual({ status: 200, type: "application/json", body: { page: 3, tag: ["a", "b"] } });
    expect(await answer(app, "/todos")).toEqual({ status: 200, type: "application/json", body: { page: 1, tag: null } });
  });

  it("answers an invalid query with a 422", async () => {
    expect(await answer(app, "/todos?page=0")).toEqual({
      status: 422,
      type: "application/json",
      body: { error: 422, message: "Invalid query: page: Too small: expected number to be >=1", detail: [{ path: "page", message: "Too small: expected number to be >=1" }] },
    });
  });
});

describe("a params schema", () => {
  const app = validationApp();

  it("runs after the converter, and its output is the handler's params", async () => {
    expect(await answer(app, "/todos/7")).toEqual({ status: 200, type: "application/json", body: { id: 7, title: "Read", tags: [] } });
  });

  it("answers params the schema refuses with a 422; the converter still refuses its own with a 404", async () => {
    expect(await answer(app, "/todos/0")).toEqual({
      status: 422,
      type: "application/json",
      body: { error: 422, message: "Invalid path parameters: id: Too small: expected number to be >=1", detail: [{ path: "id", message: "Too small: expected number to be >=1" }] },
    });
    expect((await answer(app, "/todos/x")).status).toBe(404);
  });

  it("checks params first, then the body: the first part that fails answers", async () => {
    const res = await answer(app, "/todos/0", { method: "PUT", json: { title: "" } });
    expect([res.status, res.body.message]).toEqual([422, "Invalid path parameters: id: Too small: expected number to be >=1"]);
  });
});

describe("async params and query schemas", () => {
  it("are awaited in order before the handler, and a failure is still a 422", async () => {
    const order: string[] = [];
    // Hand-written Standard Schemas whose validate is async (zod retries an async refine, so would count twice).
    const later = (name: string, refuse?: (value: Record<string, unknown>) => boolean) => ({
      "~standard": {
        version: 1 as const,
        vendor: "spec",
        validate: async (value: unknown) => {
          order.push(name);
          return refuse?.(value as Record<string, unknown>) ? { issues: [{ message: "Not that.", path: ["q"] }] } : { value: { ...(value as object), [name]: true } };
        },
      },
    });
    const app = new Application();
    app.route("/a/:id", { schema: { params: later("params"), query: later("query", (v) => v.q === "no") } })((request, params) => ({ params, query: request.valid("query") }));
    expect(await answer(app, "/a/7?q=yes")).toEqual({ status: 200, type: "application/json", body: { params: { id: "7", params: true }, query: { q: "yes", query: true } } });
    expect(order).toEqual(["params", "query"]);
    expect((await answer(app, "/a/7?q=no")).body.detail).toEqual([{ path: "q", message: "Not that." }]);
  });
});

describe("a response schema", () => {
  it("is checked in debug: a mismatch is a 500 saying what is wrong", async () => {
    const debug = validationApp({ debug: true, logger });
    logged.length = 0;
    expect(await answer(debug, "/todos/3", { method: "PUT", json: { title: "Fine" } })).toEqual({ status: 200, type: "application/json", body: { id: 3, title: "Fine", tags: [] } });
    const wrong = await answer(debug, "/todos/3", { method: "PUT", json: { title: "wrong" } });
    expect(wrong.status).toBe(500);
    expect(wrong.body.message).toBe(
      "The handler's answer does not match the route's response schema. Invalid response body: title: Invalid input: expected string, received number",
    );
    expect(wrong.body.detail).toEqual([{ path: "title", message: "Invalid input: expected string, received number" }]);
    expect(logged).toEqual([expect.stringContaining("PUT /todos/3")]);
  });

  it("is not checked outside debug", async () => {
    expect(await answer(validationApp(), "/todos/3", { method: "PUT", json: { title: "wrong" } })).toEqual({ status: 200, type: "application/json", body: { id: 3, title: 7, tags: [] } });
  });

  it("checks the data of [2xx, data] and leaves error statuses and text alone", async () => {
    const app = new Application([], { debug: true, logger });
    const response = z.object({ ok: z.literal(true) });
    app.route("/t/:kind", { schema: { response } })((request, params) => (params.kind === "tuple" ? [201, { ok: false }] : params.kind === "error" ? [404, { ok: false }] : "text"));
    expect((await answer(app, "/t/tuple")).status).toBe(500);
    expect((await app.getResponse("/t/error")).status).toBe(404);
    expect(await (await app.getResponse("/t/text")).text()).toBe("text");
  });
});

describe("routes without a schema", () => {
  it("are not wrapped: the route's adapter is the handler's own", async () => {
    const app = new Application();
    const plain = (request: Request) => "plain";
    app.route("/p")(plain);
    app.route("/s", { schema: { query: z.object({}) } })(plain);
    await app.getResponse("/p");
    await app.getResponse("/s");
    const [p, s] = app.router.routes;
    expect(p!.schema).toBeUndefined();
    expect((p!.adapter as { name: string }).name).toBe("adaptFunction");
    expect((s!.adapter as { name: string }).name).toBe("validating");
  });

  it("answer as before, and request.valid() says a schema is needed", async () => {
    const app = validationApp({ debug: true });
    expect(await answer(app, "/plain/9", { method: "POST", json: { any: ["thing"] } })).toEqual({ status: 200, type: "application/json", body: { id: "9", body: { any: ["thing"] } } });
    const bare = new Application([], { debug: true, logger });
    bare.route("/v")((request) => request.valid("query") as never);
    expect((await answer(bare, "/v")).body.message).toBe(
      'TypeError: request.valid("query") reads what a route schema checked, and this request\'s route has none: give the route the option schema: { query: ... }.',
    );
  });
});

describe("the schema option", () => {
  it("refuses what is not a Standard Schema, naming the route and the part", () => {
    expect(() => new Route("/a", () => 1, { schema: { body: { parse() {} } as never } })).toThrow(
      new TypeError('Route "/a": schema.body is not a Standard Schema (an object with ~standard.validate, as zod, valibot and ArkType schemas are).'),
    );
    expect(() => new Route("/a", () => 1, { schema: { headers: z.object({}) } as never })).toThrow(
      new TypeError('Route "/a": schema.headers is not a part a route checks; use body, query, params or response.'),
    );
    expect(() => new Route("/a", () => 1, { schema: z.object({}) as never })).toThrow(TypeError);
  });

  it("works on class handlers reading this.request.valid(), and lets OPTIONS through", async () => {
    const schema = { body: z.object({ n: z.number() }) };
    class Sum extends RequestHandler {
      post() {
        return { twice: (this.request.valid("body") as { n: number }).n * 2 };
      }
    }
    const app = new Application([new Route("/sum", Sum, { schema })]);
    expect(await answer(app, "/sum", { method: "POST", json: { n: 21 } })).toEqual({ status: 200, type: "application/json", body: { twice: 42 } });
    const options = await app.getResponse("/sum", { method: "OPTIONS" });
    expect([options.status, options.headers.get("allow")]).toEqual([204, "OPTIONS, POST"]);
  });

  it("runs inside the route's middleware, so a middleware that refuses answers first", async () => {
    const app = new Application();
    app.route("/guarded", { methods: ["POST"], middleware: [() => 401], schema: { body: z.object({ a: z.string() }) } })(() => "in");
    expect((await app.getResponse("/guarded", { method: "POST", json: {} })).status).toBe(401);
  });
});

describe("request.json(schema), request.form(schema), request.queryAs(schema)", () => {
  const Item = z.object({ name: z.string(), count: z.coerce.number() });

  it("return the schema's output", async () => {
    expect(await Request.blank("/", { method: "POST", json: { name: "a", count: "2" } }).json(Item)).toEqual({ name: "a", count: 2 });
    expect(await Request.blank("/", { method: "POST", form: { name: "a", count: "3" } }).form(Item)).toEqual({ name: "a", count: 3 });
    expect(await Request.blank("/?name=a&count=4").queryAs(Item)).toEqual({ name: "a", count: 4 });
  });

  it("throw a 422 listing the issues", async () => {
    const failure = await Request.blank("/?count=x").queryAs(Item).catch((error: unknown) => error);
    expect(failure).toMatchObject({
      status: 422,
      message: "Invalid query: name: Invalid input: expected string, received undefined (and 1 more issue)",
      detail: [
        { path: "name", message: "Invalid input: expected string, received undefined" },
        { path: "count", message: "Invalid input: expected number, received NaN" },
      ],
    });
  });

  it("keep the old signatures: json(options) and form(options)", async () => {
    expect(await Request.blank("/", { method: "POST", body: "[1]" }).json({ lenient: true })).toEqual([1]);
    const form = await Request.blank("/", { method: "POST", form: { a: "1" } }).form({ limit: 100 });
    expect(form.get("a")).toBe("1");
  });

  it("read the form once, so form(schema) after form() sees the same values", async () => {
    const request = Request.blank("/", { method: "POST", form: { name: "a", count: "5" } });
    expect((await request.form()).get("name")).toBe("a");
    expect(await request.form(Item)).toEqual({ name: "a", count: 5 });
  });
});

describe("route schemas in a routes folder", () => {
  it("come from handler(verbs, { schema }, fn) and from a module's options", async () => {
    const zod = JSON.stringify(import.meta.resolve("zod"));
    const dir = routesFolder({
      "todo/handlers.ts": `import { handler } from ${JSON.stringify(LIB)}; import { z } from ${zod};
        export const options = { schema: { query: z.object({ page: z.coerce.number().min(1).default(1) }) } };
        export const get = (request) => ({ page: request.valid("query").page });
        export const create = handler("post", { path: "", schema: { body: z.object({ title: z.string() }) } }, (request) => [201, request.valid("body")]);`,
    });
    const app = await Application.fromRoutes(dir);
    expect(await answer(app, "/todo?page=2")).toEqual({ status: 200, type: "application/json", body: { page: 2 } });
    expect((await answer(app, "/todo?page=0")).status).toBe(422);
    expect(await answer(app, "/todo", { method: "POST", json: { title: "Milk" } })).toEqual({ status: 201, type: "application/json", body: { title: "Milk" } });
    expect((await answer(app, "/todo", { method: "POST", json: {} })).body.detail).toEqual([{ path: "title", message: "Invalid input: expected string, received undefined" }]);
  });
});

