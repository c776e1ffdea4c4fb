import { describe, expect, it } from "vitest";
import { Application, LazyHandler, Request, RequestHandler, Response, Route, lazy } from "../../lib/index.js";
import { classAdapter, defaultAdapter } from "../../lib/core/adapters.js";

describe("adapters", () => {
  it("calls function handlers with (request, ...args) or (request, params)", async () => {
    const app = new Application([
      [/^\/sum\/(\d+)\/(\d+)$/, (_request: Request, a: string, b: string) => String(Number(a) + Number(b))],
      ["/hello/:name", (request: Request, params: { name: string }) => `${request.method} hello ${params.name}`],
      ["/plain", (request: Request, ...rest: unknown[]) => ({ rest: rest.length, path: request.rawPath })],
    ]);
    expect(await (await app.getResponse("/sum/2/3")).text()).toBe("5");
    expect(await (await app.getResponse("/hello/ada")).text()).toBe("GET hello ada");
    expect(await (await app.getResponse("/plain")).json()).toEqual({ rest: 0, path: "/plain" });
  });

  describe("classAdapter()", () => {
    const failure = new Error("the database is down");
    class Failing extends RequestHandler {
      async get() {
        await Promise.resolve();
        throw failure;
      }
    }

    it("passes on what an asynchronous method throws, as it is, when handleException is RequestHandler's own", async () => {
      const out = classAdapter(Failing)(Request.blank("/"), new Response());
      await expect(out).rejects.toBe(failure);
    });

    it("answers with a subclass's handleException, own or inherited, for an asynchronous failure", async () => {
      class Rescuing extends Failing {
        override handleException(error: unknown, debug: boolean) {
          return `rescued ${(error as Error).message} (debug ${debug})`;
        }
      }
      class Inheriting extends Rescuing {}
      expect(await classAdapter(Rescuing)(Request.blank("/"), new Response())).toBe("rescued the database is down (debug false)");
      expect(await classAdapter(Inheriting)(Request.blank("/"), new Response())).toBe("rescued the database is down (debug false)");
    });

    it("adopts a thenable that is not a promise, and rescues its rejection", async () => {
      class Thenable extends RequestHandler {
        get() {
          return { then: (_resolve: unknown, reject: (error: unknown) => void) => reject(failure) };
        }
        override handleException() {
          return "rescued";
        }
      }
      expect(await classAdapter(Thenable)(Request.blank("/"), new Response())).toBe("rescued");
    });
  });

  it("lets router.setAdapter() plug a new handler shape (an object with handle())", async () => {
    interface Handles {
      handle(request: Request): unknown;
    }
    const isHandles = (h: unknown): h is Handles => typeof (h as Handles)?.handle === "function";
    const app = new Application([["/obj/:id", { handle: (request: Request) => `object ${request.routeKwargs.id}` }], ["/fn", () => "function"]]);
    app.router.setAdapter((router, handler) => (isHandles(handler) ? (request) => handler.handle(request) : router.defaultAdapter(handler)));
    expect(await (await app.getResponse("/obj/4")).text()).toBe("object 4");
    expect(await (await app.getResponse("/fn")).text()).toBe("function");
  });

  it("makes an adapter once per route and caches it", async () => {
    let made = 0;
    const app = new Application([["/a", () => "a"]]);
    app.router.setAdapter((router, handler) => {
      made++;
      return router.defaultAdapter(handler);
    });
    for (let i = 0; i < 3; i++) expect(await (await app.getResponse("/a")).text()).toBe("a");
    expect(made).toBe(1);
  });

  it("refuses a handler no adapter knows, with a clear error (a 500, process up)", async () => {
    expect(() => defaultAdapter(new Application().router, 42 as never)).toThrow("No adapter for handler 42");
    const logged: unknown[] = [];
    const app = new Application([["/x", 42 as never]], { logger: { error: (...args) => logged.push(args) } });
    expect((await app.getResponse("/x")).status).toBe(500);
    expect(logged).toHaveLength(1);
  });

  describe("lazy()", () => {
    it("imports the handler on first use, once, and caches it", async () => {
      let loads = 0;
      const loader = async () => {
        loads++;
        return import("../support/lazy-handlers.js");
      };
      const app = new Application([
        new Route("/products/:id", lazy(loader, "ProductHandler")),
        new Route("/default", lazy(async () => import("../support/lazy-handlers.js"))),
      ]);
      expect(loads).toBe(0);
      const [a, b] = await Promise.all([app.getResponse("/products/1"), app.getResponse("/products/2")]);
      expect(await a.text()).toBe("lazy product 1");
      expect(await b.text()).toBe("lazy product 2");
      expect(await (await app.getResponse("/products/3")).text()).toBe("lazy product 3");
      expect(loads).toBe(1);
      expect(await (await app.getResponse("/default")).text()).toBe("lazy default");
    });

    it("answers 500 with a clear log line when the export is missing", async () => {
      const logged: string[] = [];
      const app = new Application([["/missing", lazy(async () => import("../support/lazy-handlers.js"), "Nope")]], {
        logger: { error: (_m, error) => logged.push((error as Error).message) },
      });
      expect((await app.getResponse("/missing")).status).toBe(500);
      expect(logged).toEqual(['The lazily loaded module has no export "Nope".']);
    });

    it("tries the import again after a failed one", async () => {
      let attempts = 0;
      const loader = async () => {
        if (++attempts === 1) throw new Error("transient failure");
        return import("../support/lazy-handlers.js");
      };
      const app = new Application([new Route("/products/:id", lazy(loader, "ProductHandler"))], { logger: { error() {} } });
      expect((await app.getResponse("/products/1")).status).toBe(500);
      expect(await (await app.getResponse("/products/2")).text()).toBe("lazy product 2");
      expect(attempts).toBe(2);
    });

    it("is a LazyHandler", () => {
      expect(lazy(async () => ({}))).toBeInstanceOf(LazyHandler);
    });
  });
});
