import { describe, expect, it } from "vitest";
import { HIDDEN_ERROR_MESSAGE } from "../../lib/views/json-view.js";
import {
  Application,
  BadRequest,
  Forbidden,
  HttpError,
  JsonHandler,
  jsonView,
  MethodNotAllowed,
  NotFound,
  Request,
  Response,
  type ApplicationOptions,
  type Logger,
} from "../../lib/index.js";

const BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8";

function recorder(): Logger & { lines: [string, unknown][] } {
  const lines: [string, unknown][] = [];
  return { lines, error: (message: string, error?: unknown) => void lines.push([message, error]) };
}

async function call(app: Application, path: string, init: Parameters<Application["getResponse"]>[1] = {}) {
  const res = await app.getResponse(path, { ...init, headers: { accept: BROWSER, ...(init.headers as object) } });
  return { status: res.status, type: res.headers.get("content-type"), headers: res.headers, body: await res.text() };
}

function appWith(routes: Record<string, (request: Request, ...args: any[]) => unknown>, options: ApplicationOptions = {}) {
  const logger = recorder();
  const app = new Application([], { logger, ...options });
  for (const [path, fn] of Object.entries(routes)) app.route(path)(fn);
  return { app, logger };
}

describe("jsonView(): what it returns", () => {
  const { app } = appWith({
    "/object": jsonView(() => ({ a: 1, at: new Date(0) })),
    "/string": jsonView(() => "hello <b>"),
    "/number": jsonView(() => 42),
    "/null": jsonView(() => null),
    "/nothing": jsonView(() => undefined),
    "/async": jsonView(async () => [1, 2, 3]),
    "/created": jsonView(() => [{ id: 7 }, 201]),
    "/headers": jsonView(() => [{ id: 7 }, 202, { "x-job": "abc", "cache-control": "no-store" }]),
    "/typed": jsonView(() => [{ ok: true }, 200, { "content-type": "application/hal+json" }]),
    "/response": jsonView(() => new Response("plain", 203, { "content-type": "text/plain" })),
    "/types": jsonView(() => ({ id: 2n ** 60n, tags: new Set(["a"]), meta: new Map([["k", 1]]) })),
    "/params/:id": jsonView((_request, params: { id: string }) => ({ id: params.id })),
  });

  it.each([
    ["/object", 200, '{"a":1,"at":"1970-01-01T00:00:00.000Z"}'],
    ["/string", 200, '"hello <b>"'],
    ["/number", 200, "42"],
    ["/null", 200, "null"],
    ["/nothing", 200, "null"],
    ["/async", 200, "[1,2,3]"],
    ["/created", 201, '{"id":7}'],
    ["/types", 200, '{"id":"1152921504606846976","tags":["a"],"meta":{"k":1}}'],
    ["/params/x%20y", 200, '{"id":"x y"}'],
  ])("%s answers %i with %s as application/json", async (path, status, body) => {
    const res = await call(app, path);
    expect(res).toMatchObject({ status, type: "application/json", body });
  });

  it("[data, status, headers] sets the headers", async () => {
    const res = await call(app, "/headers");
    expect(res.status).toBe(202);
    expect(res.headers.get("x-job")).toBe("abc");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.type).toBe("application/json");
    expect(res.body).toBe('{"id":7}');
    const typed = await call(app, "/typed");
    expect(typed.type).toBe("application/hal+json");
  });

  it("passes a returned Response through unchanged", async () => {
    const res = await call(app, "/response");
    expect(res).toMatchObject({ status: 203, type: "text/plain", body: "plain" });
  });

  it("keeps the function's name", () => {
    const named = jsonView(function listUsers() {
      return [];
    });
    expect(named.name).toBe("listUsers");
  });
});

describe("jsonView(): every error becomes JSON", () => {
  const { app, logger } = appWith({
    "/bad": jsonView(() => {
      throw new BadRequest("Invalid user", { detail: { name: ["required"] } });
    }),
    "/forbidden": jsonView(() => {
      throw new Forbidden();
    }),
    "/missing": jsonView(() => {
      throw new NotFound("No such user");
    }),
    "/method": jsonView(() => {
      throw new MethodNotAllowed(undefined, { headers: { allow: "GET, HEAD" } });
    }),
    "/crash": jsonView(() => {
      throw new TypeError("cannot read 'x' of undefined (secret internals)");
    }),
    "/async-crash": jsonView(async () => {
      await Promise.resolve();
      throw new Error("async secret");
    }),
    "/http500": jsonView(() => {
      throw new HttpError(503, { message: "db at 10.0.0.3 down", headers: { "retry-after": "60" } });
    }),
    "/cycle": jsonView(() => {
      const data: Record<string, unknown> = {};
      data.self = data;
      return data;
    }),
    "/bad-json": jsonView(async (request) => ({ got: await request.json() })),
  });

  it.each([
    ["/bad", 400, { error: 400, message: "Invalid user", detail: { name: ["required"] } }],
    ["/forbidden", 403, { error: 403, message: "Forbidden" }],
    ["/missing", 404, { error: 404, message: "No such user" }],
    ["/method", 405, { error: 405, message: "Method Not Allowed" }],
    ["/crash", 500, { error: 500, message: "An error occurred" }],
    ["/async-crash", 500, { error: 500, message: "An error occurred" }],
    ["/http500", 503, { error: 503, message: "An error occurred" }],
    ["/cycle", 500, { error: 500, message: "An error occurred" }],
  ])("%s answers %i as JSON, even to a browser", async (path, status, body) => {
    const res = await call(app, path);
    expect(res.status).toBe(status);
    expect(res.type).toBe("application/json");
    expect(JSON.parse(res.body)).toEqual(body);
    expect(res.body).not.toContain("stack");
    expect(res.body).not.toContain("secret");
  });

  it("keeps the error's headers", async () => {
    expect((await call(app, "/method")).headers.get("allow")).toBe("GET, HEAD");
    expect((await call(app, "/http500")).headers.get("retry-after")).toBe("60");
  });

  it("answers invalid request JSON with a 400", async () => {
    const res = await call(app, "/bad-json", { method: "POST", body: "{oops", headers: { "content-type": "application/json" } });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: 400, message: expect.stringMatching(/^The request body is not valid JSON: /) });
  });

  it("logs each 5xx once, and no 4xx", async () => {
    logger.lines.length = 0;
    await call(app, "/crash");
    await call(app, "/missing");
    await call(app, "/cycle");
    expect(logger.lines.map(([message]) => message.replace(/ \[[^\]]+\]:/, ":"))).toEqual([
      "GET /crash: uncaught error",
      "GET /cycle: uncaught error",
    ]);
    expect((logger.lines[0]![1] as Error).message).toBe("cannot read 'x' of undefined (secret internals)");
    expect((logger.lines[1]![1] as Error).message).toMatch(/^Cannot encode a cycle as JSON/);
  });

  it("is not answered by app.errorHandlers (the view answers its own errors)", async () => {
    const { app: other } = appWith({ "/missing": jsonView(() => { throw new NotFound(); }) });
    other.errorHandlers[404] = () => "custom page";
    const res = await call(other, "/missing");
    expect(JSON.parse(res.body)).toEqual({ error: 404, message: "Not Found" });
  });

  it("shows the message and stack of a 5xx in debug mode", async () => {
    const { app: debug } = appWith(
      {
        "/crash": jsonView(() => {
          throw new TypeError("x is undefined");
        }),
        "/cycle": jsonView(() => {
          const a: unknown[] = [];
          a.push(a);
          return a;
        }),
      },
      { debug: true },
    );
    const crash = JSON.parse((await call(debug, "/crash")).body) as Record<string, string>;
    expect(crash.error).toBe(500);
    expect(crash.message).toBe("TypeError: x is undefined");
    expect(crash.stack).toMatch(/^TypeError: x is undefined\n {4}at /);
    const cycle = JSON.parse((await call(debug, "/cycle")).body) as Record<string, string>;
    expect(cycle.message).toMatch(/^TypeError: Cannot encode a cycle as JSON .*: an object contains itself\.$/);
  });

  it("uses the hidden message django-jsonview uses", () => {
    expect(HIDDEN_ERROR_MESSAGE).toBe("An error occurred");
  });
});

describe("jsonView(): encoder options", () => {
  it("takes indent, contentType and stringify per view, over the app's", async () => {
    const seen: unknown[] = [];
    const { app } = appWith(
      {
        "/app": jsonView(() => ({ a: 1 })),
        "/indent": jsonView(() => ({ a: 1 }), { indent: 2 }),
        "/vnd": jsonView(() => ({ data: [] }), { contentType: "application/vnd.api+json" }),
        "/custom": jsonView(() => ({ a: 1 }), {
          stringify: (value) => {
            seen.push(value);
            return "CUSTOM";
          },
        }),
        "/custom-error": jsonView(
          () => {
            throw new NotFound();
          },
          { stringify: (value) => `E${JSON.stringify(value)}` },
        ),
      },
      { json: { indent: "\t", contentType: "application/json; charset=utf-8" } },
    );
    expect(await call(app, "/app")).toMatchObject({ type: "application/json; charset=utf-8", body: '{\n\t"a": 1\n}' });
    expect(await call(app, "/indent")).toMatchObject({ body: '{\n  "a": 1\n}' });
    expect(await call(app, "/vnd")).toMatchObject({ type: "application/vnd.api+json", body: '{\n\t"data": []\n}' });
    // A custom stringify with the app's indent gets it as JSON.stringify's third argument.
    expect(await call(app, "/custom")).toMatchObject({ status: 200, body: "CUSTOM" });
    expect(seen).toEqual([{ a: 1 }]);
    expect(await call(app, "/custom-error")).toMatchObject({ status: 404, body: 'E{"error":404,"message":"Not Found"}' });
  });

  it("uses the app's parse for request.json()", async () => {
    const { app } = appWith(
      { "/echo": jsonView(async (request) => request.json()) },
      { json: { parse: (text) => ({ parsedBy: "custom", length: text.length }) } },
    );
    const res = await call(app, "/echo", { method: "POST", json: { a: 1 } });
    expect(res.body).toBe('{"parsedBy":"custom","length":7}');
  });
});

describe("JsonHandler", () => {
  class Users extends JsonHandler {
    get(params: { id: string }) {
      if (params.id === "0") this.abort(404, { message: "No such user" });
      if (params.id === "boom") throw new Error("secret failure");
      if (params.id === "cookie") {
        this.response.setCookie("seen", "1");
        this.response.setStatus(202);
        return { id: params.id };
      }
      if (params.id === "written") {
        this.response.write('{"handwritten":true}');
        return undefined;
      }
      if (params.id === "redirect") return this.redirect("/users/1");
      return { id: params.id, roles: new Set(["admin"]) };
    }
    post() {
      return [{ created: true }, 201, { location: "/users/9" }];
    }
    delete() {}
  }
  class Vnd extends JsonHandler {
    static override json = { contentType: "application/vnd.api+json", indent: 1 };
    get() {
      return { data: null };
    }
  }
  class Guarded extends JsonHandler {
    override dispatch() {
      if (this.request.headers.get("x-token") !== "ok") this.abort(403, { message: "Bad token" });
      return super.dispatch();
    }
    get() {
      return "allowed";
    }
  }
  const logger = recorder();
  const app = new Application([["/users/:id", Users], ["/vnd", Vnd], ["/guarded", Guarded]], { logger });
  app.errorHandlers[404] = () => "not used";

  it.each([
    ["GET", "/users/1", 200, '{"id":"1","roles":["admin"]}'],
    ["POST", "/users/1", 201, '{"created":true}'],
    ["DELETE", "/users/1", 200, "null"],
    ["GET", "/users/0", 404, '{"error":404,"message":"No such user"}'],
    ["GET", "/users/boom", 500, '{"error":500,"message":"An error occurred"}'],
    ["PUT", "/users/1", 405, '{"error":405,"message":"Method Not Allowed"}'],
  ])("%s %s answers %i %s", async (method, path, status, body) => {
    const res = await call(app, path, { method });
    expect(res).toMatchObject({ status, type: "application/json", body });
  });

  it("sends Allow with its 405 and the tuple's headers", async () => {
    expect((await call(app, "/users/1", { method: "PUT" })).headers.get("allow")).toBe("DELETE, GET, HEAD, OPTIONS, POST");
    expect((await call(app, "/users/1", { method: "POST" })).headers.get("location")).toBe("/users/9");
  });

  it("keeps the status, headers and cookies the method set on this.response", async () => {
    const res = await call(app, "/users/cookie");
    expect(res.status).toBe(202);
    expect(res.headers.get("set-cookie")).toBe("seen=1; Path=/");
    expect(res.body).toBe('{"id":"cookie"}');
  });

  it("keeps a body the method wrote itself, and passes a redirect through", async () => {
    expect(await call(app, "/users/written")).toMatchObject({ status: 200, type: "application/json", body: '{"handwritten":true}' });
    const redirect = await call(app, "/users/redirect");
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("location")).toBe("/users/1");
  });

  it("logs its 500 once", async () => {
    logger.lines.length = 0;
    await call(app, "/users/boom");
    expect(logger.lines.length).toBe(1);
    expect((logger.lines[0]![1] as Error).message).toBe("secret failure");
  });

  it("takes static json options", async () => {
    expect(await call(app, "/vnd")).toMatchObject({ type: "application/vnd.api+json", body: '{\n "data": null\n}' });
  });

  it("answers an abort() in an overridden dispatch() as JSON", async () => {
    expect(await call(app, "/guarded")).toMatchObject({ status: 403, body: '{"error":403,"message":"Bad token"}' });
    expect(await call(app, "/guarded", { headers: { "x-token": "ok" } })).toMatchObject({ status: 200, body: '"allowed"' });
  });

  it("answers HEAD with the headers and no body", async () => {
    const res = await app.getResponse("/users/1", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("content-length")).toBe("28");
    expect(await res.text()).toBe("");
  });
});
