/**
 * Middleware: app.use() around every request, the route option around one
 * handler, koa's onion over handlerkit's Request and Response.
 */
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { Application, getRequest, HttpError, Request, RequestHandler, Response, Route, type Middleware } from "../../lib/index.js";
import { fetchResult } from "../support/socket-client.js";

function quiet(routes: ConstructorParameters<typeof Application>[0] = [], options: ConstructorParameters<typeof Application>[1] = {}) {
  const logged: unknown[][] = [];
  const app = new Application(routes, { ...options, logger: { error: (...args: unknown[]) => logged.push(args) } });
  return { app, logged };
}

const trace = (log: string[], name: string): Middleware =>
  async (_request, next) => {
    log.push(`${name} in`);
    const response = await next();
    log.push(`${name} out ${response.status}`);
    response.headers.append("x-trace", name);
  };

describe("app.use()", () => {
  it("runs middleware in registration order around the handler, the first outermost", async () => {
    const log: string[] = [];
    const { app } = quiet([["/", () => { log.push("handler"); return "hi"; }]]);
    app.use(trace(log, "a"), trace(log, "b"));
    const res = await app.getResponse("/");
    expect(log).toEqual(["a in", "b in", "handler", "b out 200", "a out 200"]);
    expect(res.headers.get("x-trace")).toBe("b, a");
    expect(await res.text()).toBe("hi");
  });

  it("sees every response: 404, 405, 501 and error pages, already rendered", async () => {
    const seen: number[] = [];
    const { app } = quiet([
      new Route("/only-get", () => "x", { methods: ["GET"] }),
      ["/boom", () => { throw new Error("boom"); }],
    ]);
    app.use(async (_request, next) => {
      const response = await next();
      seen.push(response.status);
      return response;
    });
    expect((await app.getResponse("/missing")).status).toBe(404);
    expect((await app.getResponse("/only-get", { method: "POST" })).status).toBe(405);
    expect((await app.getResponse("/only-get", { method: "PROPFIND" })).status).toBe(501);
    const boom = await app.getResponse("/boom", { headers: { accept: "application/json" } });
    expect(boom.status).toBe(500);
    expect(await boom.json()).toEqual({ error: 500, message: "Internal Server Error" });
    expect(seen).toEqual([404, 405, 501, 500]);
  });

  it("answers without next(): the return goes through the return-value ladder", async () => {
    const { app } = quiet([["/", () => "handler"]]);
    const calls: string[] = [];
    app.use((request) => {
      if (request.path === "/") return [403, "no entry"];
      calls.push("passed");
      return undefined;
    });
    const res = await app.getResponse("/");
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toEqual({ error: 403, message: "no entry" });
    const other = await app.getResponse("/x");
    expect(other.status).toBe(200);
    expect(await other.text()).toBe("");
  });

  it("answers what a middleware throws with the error views, seen by outer middleware", async () => {
    const statuses: number[] = [];
    const { app, logged } = quiet([["/", () => "never"]]);
    app.errorHandlers[401] = () => [401, "please log in"];
    app.use(async (_request, next) => {
      const response = await next();
      statuses.push(response.status);
    });
    app.use(() => {
      throw new HttpError(401);
    });
    const res = await app.getResponse("/");
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 401, message: "please log in" });
    expect(statuses).toEqual([401]);
    expect(logged).toEqual([]);
  });

  it("refuses a second next() with a clear error (a logged 500)", async () => {
    const { app, logged } = quiet([["/", () => "hi"]]);
    app.use(async (_request, next) => {
      await next();
      return await next();
    });
    const res = await app.getResponse("/");
    expect(res.status).toBe(500);
    expect(String((logged[0]![1] as Error).message)).toBe("next() was called twice by one middleware: call it once, and await what it returns.");
  });

  it("refuses what is not a middleware when it is added", () => {
    const { app } = quiet();
    expect(() => app.use("cors" as never)).toThrow(new TypeError("app.use(): middleware #1 is string, not a function (request, next) => ...; did you call a factory such as cors() without its parentheses, or pass an array?"));
    expect(() => new Route("/", () => "", { middleware: [null as never] })).toThrow("Route /: middleware #1 is null");
  });

  it("names the mistake when a factory is registered without calling it", async () => {
    const factory = (_options?: unknown): Middleware => (_request, next) => next();
    const { app, logged } = quiet([["/", () => "hi"]]);
    app.use(factory as unknown as Middleware);
    const res = await app.getResponse("/");
    expect(res.status).toBe(500);
    expect(String((logged[0]![1] as Error).message)).toBe("A middleware returned a function: was a factory registered without calling it (app.use(cors) instead of app.use(cors()))?");
  });

  it("passes the handler's own Response through middleware that hand back next() or await it", async () => {
    const made: Response[] = [];
    class Counted extends Response {
      constructor(...args: ConstructorParameters<typeof Response>) {
        super(...args);
        made.push(this);
      }
    }
    const { app } = quiet([["/", () => new Counted("hi")]]);
    let inner: Response | undefined;
    app.use((_request, next) => next(), async (_request, next) => (inner = await next()), (_request, next) => next());
    const res = await app.getResponse("/");
    expect(res).toBe(inner);
    expect(made).toEqual([res]);
  });

  it("keeps getRequest(), request.signal and timeouts working inside middleware", async () => {
    const { app } = quiet([], { timeout: 30 });
    app.route("/slow")((request: Request) => new Promise((resolve) => request.signal.addEventListener("abort", () => resolve("late"))));
    let current: Request | undefined;
    app.use(async (request, next) => {
      await Promise.resolve();
      current = getRequest();
      expect(current).toBe(request);
      return next();
    });
    const res = await app.getResponse("/slow");
    expect(res.status).toBe(503);
    expect(current?.rawPath).toBe("/slow");
  });

  it("prepares the final response after every middleware: a body set late gets its length", async () => {
    const { app } = quiet([["/", () => "short"]]);
    app.use(async (_request, next) => {
      const response = await next();
      response.setBody("a longer body");
      return response;
    });
    const res = await app.getResponse("/");
    expect(res.headers.get("content-length")).toBe("13");
    const head = await app.getResponse("/", { method: "HEAD" });
    expect(head.headers.get("content-length")).toBe("13");
    expect(await head.text()).toBe("");
  });

  it("costs nothing with no middleware: a synchronous handler is answered synchronously", () => {
    const { app } = quiet([["/", () => "hi"]]);
    const out = app.process(Request.blank("/"));
    expect(out).toBeInstanceOf(Response);
  });
});

describe("route middleware", () => {
  it("runs around one route's handler only, inside the app's", async () => {
    const log: string[] = [];
    class Item extends RequestHandler {
      get(params: { id: string }) {
        log.push(`item ${params.id}`);
        return { id: params.id };
      }
    }
    const { app } = quiet([new Route("/items/:id", Item, { middleware: [trace(log, "route")] }), ["/other", () => "other"]]);
    app.route("/deco", { middleware: [trace(log, "deco")] })(() => "deco");
    app.use(trace(log, "app"));
    const res = await app.getResponse("/items/7");
    expect(await res.json()).toEqual({ id: "7" });
    expect(res.headers.get("x-trace")).toBe("route, app");
    expect(log).toEqual(["app in", "route in", "item 7", "route out 200", "app out 200"]);
    log.length = 0;
    await app.getResponse("/other");
    expect(log).toEqual(["app in", "app out 200"]);
    log.length = 0;
    expect(await (await app.getResponse("/deco")).text()).toBe("deco");
    expect(log).toEqual(["app in", "deco in", "deco out 200", "app out 200"]);
  });

  it("sees the handler's errors as rendered error responses", async () => {
    const seen: number[] = [];
    const { app } = quiet([
      new Route("/gone", () => { throw new HttpError(410, { message: "gone for good" }); }, {
        middleware: [async (_request, next) => { const r = await next(); seen.push(r.status); return r; }],
      }),
    ]);
    const res = await app.getResponse("/gone", { headers: { accept: "application/json" } });
    expect(res.status).toBe(410);
    expect(await res.json()).toEqual({ error: 410, message: "gone for good" });
    expect(seen).toEqual([410]);
  });
});

describe("middleware over a socket", () => {
  it("changes real responses, 404s included", async () => {
    const { app } = quiet([["/", () => "hello"]]);
    app.use(async (_request, next) => {
      const response = await next();
      response.headers.set("x-served-by", "mw");
      return response;
    });
    const server = await app.listen(0, "127.0.0.1");
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const ok = await fetchResult(`${base}/`);
      expect(ok.status).toBe(200);
      expect(ok.headers["x-served-by"]).toBe("mw");
      expect(ok.headers["content-length"]).toBe("5");
      expect(ok.body).toBe("hello");
      const missing = await fetchResult(`${base}/nope`);
      expect(missing.status).toBe(404);
      expect(missing.headers["x-served-by"]).toBe("mw");
    } finally {
      await app.close();
    }
  });
});

describe("middleware.register()", () => {
  it("is called once with the settings it will run under, by app.use() and when a route carrying it is added", () => {
    const seen: string[] = [];
    const checked: Middleware = (_request, next) => next();
    checked.register = (settings) => seen.push(`${settings.bodyLimit} ${settings.signer === undefined ? "no secrets" : "secrets"}`);
    const { app } = quiet([], { bodyLimit: 10, secrets: ["s".repeat(32)] });
    app.use(checked);
    expect(seen).toEqual(["10 secrets"]);
    app.add(new Route("/r", () => "r", { middleware: [checked], bodyLimit: 20 }));
    expect(seen).toEqual(["10 secrets", "20 secrets"]);
  });

  it("refuses a route whose middleware refuses its settings, and leaves the router as it was", () => {
    const refusing: Middleware = (_request, next) => next();
    refusing.register = () => {
      throw new TypeError("not here");
    };
    const { app } = quiet();
    expect(() => app.use(refusing)).toThrow("not here");
    expect(() => app.add(new Route("/r", () => "r", { name: "r", middleware: [refusing] }))).toThrow("not here");
    expect(app.router.routes).toHaveLength(0);
    expect(() => app.add(new Route("/r", () => "r", { name: "r" }))).not.toThrow();
  });
});
