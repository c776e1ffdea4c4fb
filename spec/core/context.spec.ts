import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { Application, RequestHandler, getApp, getRequest, lazy, type Request } from "../../lib/index.js";
import { requestContext } from "../../lib/core/context.js";

// A helper deep in a call chain, with no request passed to it.
async function audit() {
  await sleep(1);
  return { path: getRequest()?.rawPath, sameApp: getApp() !== undefined };
}

describe("getRequest() and getApp()", () => {
  it("return the current request and app anywhere in its async call chain", async () => {
    class Page extends RequestHandler {
      async get() {
        return { handler: await audit(), request: getRequest() === this.request, app: getApp() === this.app };
      }
    }
    const app = new Application([["/page", Page], ["/fn", async () => audit()]]);
    expect(await (await app.getResponse("/page")).json()).toEqual({ handler: { path: "/page", sameApp: true }, request: true, app: true });
    expect(await (await app.getResponse("/fn")).json()).toEqual({ path: "/fn", sameApp: true });
  });

  it("keep concurrent requests apart", async () => {
    const app = new Application([["/n/:n", async (_r: unknown, p: { n: string }) => {
      await sleep(Number(p.n) % 3);
      return getRequest()?.rawPath;
    }]]);
    const paths = Array.from({ length: 20 }, (_, i) => `/n/${i}`);
    const bodies = await Promise.all(paths.map(async (path) => (await app.getResponse(path)).text()));
    expect(bodies).toEqual(paths);
  });

  it("work in error views too", async () => {
    const app = new Application();
    app.errorHandlers[404] = () => `missing ${getRequest()?.rawPath}`;
    expect(await (await app.getResponse("/gone")).text()).toBe("missing /gone");
  });

  it("give undefined outside a request, and when the app turns context off", async () => {
    expect(getRequest()).toBeUndefined();
    expect(getApp()).toBeUndefined();
    const app = new Application([["/x", () => String(getRequest())]], { context: false });
    expect(app.context).toBe(false);
    expect(await (await app.getResponse("/x")).text()).toBe("undefined");
  });
});

/** What a handler saw: whether getRequest() gave its request, and whether AsyncLocalStorage held it. */
const seen = (request: Request) => ({ current: getRequest() === request, stored: requestContext.getStore() === request });

describe("getRequest() in an application of synchronous handlers", () => {
  it("gives the request during the synchronous call, without AsyncLocalStorage", async () => {
    class Page extends RequestHandler {
      get() {
        return seen(this.request);
      }
    }
    const app = new Application([["/page", Page], ["/fn", (request: Request) => seen(request)]]);
    expect(await (await app.getResponse("/page")).json()).toEqual({ current: true, stored: false });
    expect(await (await app.getResponse("/fn")).json()).toEqual({ current: true, stored: false });
    expect(getRequest()).toBeUndefined();
  });

  it("gives it to synchronous error views, and across the awaits of an async one", async () => {
    const app = new Application([["/boom", () => { throw new Error("boom"); }]], { logger: { error() {} } });
    app.errorHandlers[404] = (request) => ({ view: "404", ...seen(request) });
    app.errorHandlers[500] = async (request) => {
      await sleep(1);
      return { view: "500", ...seen(request) };
    };
    expect(await (await app.getResponse("/gone")).json()).toEqual({ view: "404", current: true, stored: false });
    expect(await (await app.getResponse("/boom")).json()).toEqual({ view: "500", current: true, stored: true });
  });

  it("keeps each of two nested requests current in its own call", async () => {
    const innerSaw: unknown[] = [];
    const inner = new Application([["/inner", (request: Request) => {
      innerSaw.push(seen(request));
      return "inner";
    }]]);
    const outer = new Application([["/outer", (request: Request) => {
      void inner.getResponse("/inner");
      return seen(request);
    }]]);
    expect(await (await outer.getResponse("/outer")).json()).toEqual({ current: true, stored: false });
    expect(innerSaw).toEqual([{ current: true, stored: false }]);
  });

  it("switches to AsyncLocalStorage for the requests after a synchronous handler returned a promise", async () => {
    const app = new Application([["/later", (request: Request) => Promise.resolve().then(() => seen(request))]]);
    // The first request's callback was made outside any context; the next ones inside it.
    expect(await (await app.getResponse("/later")).json()).toEqual({ current: false, stored: false });
    expect(await (await app.getResponse("/later")).json()).toEqual({ current: true, stored: true });
  });

  it("uses AsyncLocalStorage from the start when a route, a middleware or the dispatcher may go asynchronous", async () => {
    const sync = (request: Request) => seen(request);
    const cases: [string, Application][] = [
      ["an async route", new Application([["/x", sync], ["/y", async () => 1]])],
      ["a lazy route", new Application([["/x", sync], ["/y", lazy(async () => ({ default: sync }))]])],
      ["route middleware", new Application([["/x", sync, { middleware: [(_request, next) => next()] }]])],
      ["app middleware", new Application([["/x", sync]]).use((_request, next) => next())],
    ];
    const custom = new Application([["/x", sync]]);
    custom.router.setDispatcher((router, request, response) => router.defaultDispatcher(request, response));
    cases.push(["a custom dispatcher", custom]);
    for (const [what, app] of cases) {
      expect({ what, seen: await (await app.getResponse("/x")).json() }).toEqual({ what, seen: { current: true, stored: true } });
    }
  });

  it("re-reads the routes when one is added", async () => {
    const app = new Application([["/x", (request: Request) => seen(request)]]);
    expect(await (await app.getResponse("/x")).json()).toEqual({ current: true, stored: false });
    app.route("/y")(async () => 1);
    expect(await (await app.getResponse("/x")).json()).toEqual({ current: true, stored: true });
  });
});
