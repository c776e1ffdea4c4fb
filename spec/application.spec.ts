import { describe, expect, it } from "vitest";
import { Application, HttpError, Request, RequestHandler, Route, Router } from "../lib/index.js";

function quietApp(routes: ConstructorParameters<typeof Application>[0] = [], options: ConstructorParameters<typeof Application>[1] = {}) {
  const logged: unknown[][] = [];
  const app = new Application(routes, { ...options, logger: { error: (...args: unknown[]) => logged.push(args) } });
  return { app, logged };
}

describe("Application", () => {
  describe("new Application(routes, options)", () => {
    it("takes [pattern, handler] pairs and Route objects, in order", () => {
      const app = new Application([["/a", () => "a"], new Route("/b", () => "b", { name: "b" })]);
      expect(app.router).toBeInstanceOf(Router);
      expect(app.router.routes.map((r) => r.pattern)).toEqual(["/a", "/b"]);
    });

    it("exposes config, debug, registry and allowedMethods", () => {
      const app = new Application([], { debug: true, config: { db: "postgres://" }, allowedMethods: ["get", "PROPFIND"] });
      expect(app.debug).toBe(true);
      expect(app.config).toEqual({ db: "postgres://" });
      expect(app.registry).toBeInstanceOf(Map);
      expect([...app.allowedMethods]).toEqual(["GET", "PROPFIND"]);
      const plain = new Application();
      expect(plain.debug).toBe(false);
      expect(plain.config).toEqual({});
      expect([...plain.allowedMethods].sort()).toEqual(["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"]);
    });

    it("refuses insecureHTTPParser with an error", () => {
      expect(() => new Application([], { insecureHTTPParser: true } as never)).toThrow(/insecureHTTPParser is refused/);
    });

    it("uses the static requestClass, so a subclass can extend Request", async () => {
      class MyRequest extends Request {
        get shout() {
          return this.rawPath.toUpperCase();
        }
      }
      class MyApp extends Application {
        static override requestClass = MyRequest;
      }
      const app = new MyApp([["/hi", (request: Request) => (request as MyRequest).shout]]);
      expect(await (await app.getResponse("/hi")).text()).toBe("/HI");
    });
  });

  describe("route()", () => {
    it("registers a function and returns it unchanged", async () => {
      const app = new Application();
      const fn = (request: Request) => `Hello from ${request.rawPath}`;
      expect(app.route("/")(fn)).toBe(fn);
      expect(await (await app.getResponse("/")).text()).toBe("Hello from /");
    });

    it("registers classes as a legacy decorator (cls) and a standard one (cls, context)", async () => {
      const app = new Application();
      class Legacy extends RequestHandler {
        get() {
          return "legacy";
        }
      }
      class Standard extends RequestHandler {
        get() {
          return "standard";
        }
      }
      expect(app.route("/legacy")(Legacy)).toBe(Legacy);
      const context = { kind: "class", name: "Standard", addInitializer() {}, metadata: {} } as unknown as ClassDecoratorContext;
      expect(app.route("/standard", { name: "std" })(Standard, context)).toBe(Standard);
      expect(await (await app.getResponse("/legacy")).text()).toBe("legacy");
      expect(await (await app.getResponse("/standard")).text()).toBe("standard");
      expect(app.uriFor("std")).toBe("/standard");
    });

    it("works with decorator syntax (as this test runner compiles it)", async () => {
      const app = new Application();
      @app.route("/health")
      class Health extends RequestHandler {
        get() {
          return 204;
        }
      }
      expect(Health.name).toBe("Health");
      expect((await app.getResponse("/health")).status).toBe(204);
    });
  });

  describe("allowedMethods", () => {
    it("answers 501 before routing for a method outside it", async () => {
      let routed = false;
      const app = new Application([["/", () => ((routed = true), "x")]]);
      const res = await app.getResponse("/", { method: "BREW", headers: { accept: "application/json" } });
      expect(res.status).toBe(501);
      // A 5xx message is not shown outside debug mode.
      expect(await res.json()).toEqual({ error: 501, message: "Not Implemented" });
      expect(routed).toBe(false);
    });
  });

  describe("errors", () => {
    it("turns a sync throw into a 500, logged once, without the stack outside debug", async () => {
      const { app, logged } = quietApp([["/boom", () => { throw new Error("secret detail"); }]]);
      const res = await app.getResponse("/boom", { headers: { accept: "text/html" } });
      expect(res.status).toBe(500);
      const body = await res.text();
      expect(body).toContain("500 Internal Server Error");
      expect(body).not.toContain("secret detail");
      expect(body).not.toContain("at ");
      expect(logged).toHaveLength(1);
      // The line names the method, path and request id (a UUID when none was sent).
      expect(logged[0]![0]).toMatch(/^GET \/boom \[[0-9a-f-]{36}\]: uncaught error$/);
      expect((logged[0]![1] as Error).message).toBe("secret detail");
    });

    it("turns an async rejection into a 500 too, and shows the stack in debug mode", async () => {
      const { app, logged } = quietApp([["/boom", async () => Promise.reject(new Error("async failure"))]], { debug: true });
      const res = await app.getResponse("/boom", { headers: { accept: "text/html" } });
      expect(res.status).toBe(500);
      const body = await res.text();
      expect(body).toContain("async failure");
      expect(logged).toHaveLength(1);
    });

    it("does not log HttpErrors below 500 (they were raised on purpose)", async () => {
      const { app, logged } = quietApp([["/nope", () => { throw new HttpError(409, { message: "taken" }); }]]);
      const res = await app.getResponse("/nope");
      expect(res.status).toBe(409);
      expect(await res.text()).toBe("409 Conflict\ntaken\n");
      expect(logged).toHaveLength(0);
    });

    it("runs app.errorHandlers[status], which may return anything a handler may", async () => {
      const { app } = quietApp([["/boom", () => { throw new Error("x"); }]]);
      app.errorHandlers[404] = (request) => `<h1>Nothing at ${request.rawPath.replace(/</g, "&lt;")}</h1>`;
      app.errorHandlers[500] = () => ({ oops: true });
      const missing = await app.getResponse("/missing");
      expect(missing.status).toBe(404);
      expect(missing.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(await missing.text()).toBe("<h1>Nothing at /missing</h1>");
      const boom = await app.getResponse("/boom");
      expect(boom.status).toBe(500);
      expect(await boom.json()).toEqual({ oops: true });
    });

    it("gives error views the error's headers (Allow on 405)", async () => {
      const app = new Application([new Route("/only-get", () => "x", { methods: ["GET"] })]);
      app.errorHandlers[405] = () => "not like that";
      const res = await app.getResponse("/only-get", { method: "POST" });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
      expect(await res.text()).toBe("not like that");
    });

    it("falls back to the built-in page when an error view throws", async () => {
      const { app, logged } = quietApp();
      app.errorHandlers[404] = () => {
        throw new Error("the view is broken");
      };
      const res = await app.getResponse("/missing", { headers: { accept: "application/json" } });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: 404, message: "Not Found" });
      expect(logged).toHaveLength(1);
      expect(logged[0]![0]).toMatch(/^GET \/missing \[[0-9a-f-]{36}\]: error view for 404 failed$/);
    });

    it("answers 400 for a path with invalid percent-encoding", async () => {
      const app = new Application([["/files/:name", (_r: Request, p: { name: string }) => p.name]]);
      expect((await app.getResponse("/files/%E0%A4%A")).status).toBe(400);
    });
  });

  describe("getResponse()", () => {
    it("takes a path with a query string", async () => {
      const app = new Application([["/search", (request: Request) => request.query.getAll("tag")]]);
      expect(await (await app.getResponse("/search?tag=a&tag=b")).json()).toEqual(["a", "b"]);
    });

    it("takes an absolute URL, whose scheme and host become the request's", async () => {
      const app = new Application([["/where", (request: Request) => ({ scheme: request.scheme, host: request.host, url: request.url })]]);
      expect(await (await app.getResponse("https://shop.example:8443/where?x=1")).json()).toEqual({
        scheme: "https",
        host: "shop.example:8443",
        url: "https://shop.example:8443/where?x=1",
      });
    });

    it("takes a Request and init with method, headers, json, form and query", async () => {
      const app = new Application([
        ["/echo", async (request: Request) => ({ method: request.method, body: await request.json(), q: request.query.get("q") })],
        ["/form", async (request: Request) => (await request.form()).toObject()],
      ]);
      const res = await app.getResponse("/echo", { method: "POST", json: { a: 1 }, query: { q: "x" } });
      expect(await res.json()).toEqual({ method: "POST", body: { a: 1 }, q: "x" });
      const form = await app.getResponse(Request.blank("/form", { method: "POST", form: { name: "ada", tag: ["a", "b"] } }));
      expect(await form.json()).toEqual({ name: "ada", tag: ["a", "b"] });
    });
  });

  describe("uriFor()", () => {
    it("builds named routes; extra params become the query string", () => {
      const app = new Application([new Route("/users/:id", () => "", { name: "user" })]);
      expect(app.uriFor("user", { id: 7, q: "a b" })).toBe("/users/7?q=a+b");
      expect(app.uriFor("user", { id: 7 }, { full: true, host: "example.com", scheme: "https", fragment: "x" })).toBe(
        "https://example.com/users/7#x",
      );
    });
  });

  describe("settings resolved once", () => {
    it("lays a route's options over the app's when the route is added, frozen on the route", () => {
      const app = new Application([new Route("/a", () => "", { timeout: 50, trailingSlash: "ignore" }), ["/b", () => ""]], {
        timeout: 1000,
        bodyLimit: 10,
        problemDetails: true,
        limits: { params: 5 },
      });
      const [a, b] = app.router.routes;
      expect(a!.settings).toMatchObject({ timeout: 50, trailingSlash: "ignore", bodyLimit: 10, problemDetails: true, maxParams: 5 });
      expect(b!.settings).toMatchObject({ timeout: 1000, trailingSlash: "strict", bodyLimit: 10 });
      expect(Object.isFrozen(a!.settings)).toBe(true);
      expect(app.router.settings).toMatchObject({ timeout: 1000, maxParams: 5, jsonErrors: false });
    });

    it("hands the request its route's settings: limits, proxy trust and the JSON parser", async () => {
      const parse = (text: string) => ({ parsed: text.length });
      const app = new Application([], { trustProxy: true, json: { parse }, limits: { params: 2 } });
      app.route("/echo")(async (request: Request) => ({ body: await request.json(), scheme: request.scheme }));
      app.route("/q")((request: Request) => request.query.get("a") ?? "");
      const res = await app.getResponse("/echo", { method: "POST", json: { x: 1 }, headers: { "x-forwarded-proto": "https" } });
      expect(await res.json()).toEqual({ body: { parsed: 7 }, scheme: "https" });
      expect((await app.getResponse("/q?a=1&b=2&c=3")).status).toBe(400);
    });

    it("keeps the deprecated flat limits working", async () => {
      const app = new Application([], { maxParams: 1, maxPathLength: 4 });
      expect(app.router.settings.maxParams).toBe(1);
      expect((await app.getResponse("/abcdef")).status).toBe(414);
    });
  });

  describe("process()", () => {
    it("is the pipeline sockets take too: a subclass that overrides it changes real traffic", async () => {
      class Tagged extends Application {
        override process(request: Request) {
          const out = super.process(request);
          return Promise.resolve(out).then((response) => {
            response.headers.set("x-tagged", "yes");
            return response;
          });
        }
      }
      const app = new Tagged([["/", () => "hi"]]);
      expect((await app.getResponse("/")).headers.get("x-tagged")).toBe("yes");
      const server = await app.listen(0, "127.0.0.1");
      try {
        const res = await fetch(`http://127.0.0.1:${(server.address() as import("node:net").AddressInfo).port}/`);
        expect(res.headers.get("x-tagged")).toBe("yes");
        expect(await res.text()).toBe("hi");
      } finally {
        await app.close();
      }
    });
  });
});

