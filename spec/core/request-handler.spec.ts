import { describe, expect, it } from "vitest";
import { Application, HttpError, NotFound, RequestHandler, Route, type Request, type Response } from "../../lib/index.js";

class Items extends RequestHandler {
  get() {
    return "list";
  }
  post() {
    return [{ created: true }, 201];
  }
}

describe("RequestHandler", () => {
  describe("initialize()", () => {
    it("sets request, response and app, and can be overridden to prepare state", async () => {
      let seen: unknown[] = [];
      class Prepared extends RequestHandler {
        // `declare`: a field initializer would run after the base constructor
        // (which calls initialize) and overwrite what initialize set.
        declare user: string;
        override initialize(request: Request, response: Response) {
          super.initialize(request, response);
          this.user = request.headers.get("x-user") ?? "anonymous";
        }
        get() {
          seen = [this.request.rawPath, this.response.status, this.app === app];
          return this.user;
        }
      }
      const app = new Application([["/me", Prepared]]);
      const res = await app.getResponse("/me", { headers: { "X-User": "ada" } });
      expect(await res.text()).toBe("ada");
      expect(seen).toEqual(["/me", 200, true]);
    });
  });

  describe("dispatch()", () => {
    it("calls the verb's method, sync or async", async () => {
      class Both extends RequestHandler {
        get() {
          return "sync";
        }
        async post() {
          await new Promise((r) => setTimeout(r, 1));
          return "async";
        }
      }
      const app = new Application([["/", Both]]);
      expect(await (await app.getResponse("/")).text()).toBe("sync");
      expect(await (await app.getResponse("/", { method: "POST" })).text()).toBe("async");
    });

    it("passes unnamed groups as positional args and named params as one object", async () => {
      class Positional extends RequestHandler {
        get(a: string, b: string) {
          return `${a}|${b}`;
        }
      }
      class Named extends RequestHandler {
        get(params: Record<string, string>) {
          return params;
        }
      }
      const app = new Application([
        [/^\/p\/(\w+)\/(\w+)$/, Positional],
        ["/n/:year/:slug", Named],
        [/^\/r\/(?<id>\d+)$/, Named],
      ]);
      expect(await (await app.getResponse("/p/x/y")).text()).toBe("x|y");
      expect(await (await app.getResponse("/n/2024/post")).json()).toEqual({ year: "2024", slug: "post" });
      expect(await (await app.getResponse("/r/5")).json()).toEqual({ id: "5" });
    });

    it("passes route defaults in the params object", async () => {
      class Page extends RequestHandler {
        get(params: Record<string, string>) {
          return params;
        }
      }
      const app = new Application([new Route("/page{/:n}", Page, { defaults: { n: "1", lang: "en" } })]);
      expect(await (await app.getResponse("/page")).json()).toEqual({ n: "1", lang: "en" });
      expect(await (await app.getResponse("/page/3")).json()).toEqual({ n: "3", lang: "en" });
    });

    it("calls handlerMethod instead of the verb's method", async () => {
      class Users extends RequestHandler {
        list() {
          return "all users";
        }
        get() {
          return "one user";
        }
      }
      const app = new Application([new Route("/users", Users, { handlerMethod: "list" }), ["/users/:id", Users]]);
      expect(await (await app.getResponse("/users")).text()).toBe("all users");
      expect(await (await app.getResponse("/users/1")).text()).toBe("one user");
    });

    it("answers 405 with Allow (implemented methods with HEAD beside GET and OPTIONS, sorted) for a missing method", async () => {
      const app = new Application([["/items", Items]]);
      const res = await app.getResponse("/items", { method: "DELETE" });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, HEAD, OPTIONS, POST");
    });

    it("falls back to get() for HEAD, with the headers of GET and no body", async () => {
      const app = new Application([["/items", Items]]);
      const res = await app.getResponse("/items", { method: "HEAD" });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-length")).toBe("4");
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(await res.text()).toBe("");
    });

    it("answers OPTIONS with 204 and Allow when there is no options()", async () => {
      const app = new Application([["/items", Items]]);
      const res = await app.getResponse("/items", { method: "OPTIONS" });
      expect(res.status).toBe(204);
      expect(res.headers.get("allow")).toBe("GET, HEAD, OPTIONS, POST");
      expect(await res.text()).toBe("");
    });

    it("can be overridden to refuse before the method runs", async () => {
      let ran = false;
      class Guarded extends RequestHandler {
        override dispatch() {
          if (!this.request.headers.has("authorization")) this.abort(403, { message: "Sign in first" });
          return super.dispatch();
        }
        get() {
          ran = true;
          return "secret";
        }
      }
      const app = new Application([["/secret", Guarded]]);
      const res = await app.getResponse("/secret", { headers: { accept: "application/json" } });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ error: 403, message: "Sign in first" });
      expect(ran).toBe(false);
      expect(await (await app.getResponse("/secret", { headers: { authorization: "x" } })).text()).toBe("secret");
    });

    it("reaches WebDAV methods when the app allows them (version_control for VERSION-CONTROL)", async () => {
      class Dav extends RequestHandler {
        propfind() {
          return [null, 207];
        }
        version_control() {
          return "vc";
        }
      }
      const app = new Application([["/dav", Dav]], { allowedMethods: ["GET", "PROPFIND", "VERSION-CONTROL"] });
      const res = await app.getResponse("/dav", { method: "PROPFIND" });
      expect(res.status).toBe(207);
      expect(await (await app.getResponse("/dav", { method: "VERSION-CONTROL" })).text()).toBe("vc");
      const plain = new Application([["/dav", Dav]]);
      expect((await plain.getResponse("/dav", { method: "PROPFIND" })).status).toBe(501);
    });
  });

  describe("abort()", () => {
    it("throws the HttpError subclass for the status, with message, headers and detail", async () => {
      let thrown: unknown;
      class Aborting extends RequestHandler {
        get() {
          try {
            this.abort(404, { message: "No such thing", headers: { "x-why": "gone" }, detail: { id: 1 } });
          } catch (error) {
            thrown = error;
            throw error;
          }
        }
      }
      const app = new Application([["/", Aborting]]);
      const res = await app.getResponse("/", { headers: { accept: "application/json" } });
      expect(thrown).toBeInstanceOf(NotFound);
      expect(res.status).toBe(404);
      expect(res.headers.get("x-why")).toBe("gone");
      expect(await res.json()).toEqual({ error: 404, message: "No such thing", detail: { id: 1 } });
    });
  });

  describe("error()", () => {
    it("sets the status and clears the body without stopping the method", async () => {
      class Failing extends RequestHandler {
        get() {
          this.response.write("partial");
          this.error(503);
          this.response.write("try later");
        }
      }
      const app = new Application([["/", Failing]]);
      const res = await app.getResponse("/");
      expect(res.status).toBe(503);
      expect(await res.text()).toBe("try later");
    });
  });

  describe("redirect() and redirectTo()", () => {
    it("redirects with 302, 301 when permanent, or an explicit status", async () => {
      class Moves extends RequestHandler {
        get(params: { kind: string }) {
          if (params.kind === "temp") return this.redirect("/there");
          if (params.kind === "perm") return this.redirect("/there", { permanent: true });
          this.redirect("/there", { status: 303 });
        }
      }
      const app = new Application([["/move/:kind", Moves]]);
      for (const [kind, status] of [["temp", 302], ["perm", 301], ["see", 303]] as const) {
        const res = await app.getResponse(`/move/${kind}`);
        expect(res.status).toBe(status);
        expect(res.headers.get("location")).toBe("/there");
      }
    });

    it("redirects to a named route and builds URLs with uriFor()", async () => {
      class Old extends RequestHandler {
        get() {
          return this.redirectTo("user", { id: 9, tab: "a" });
        }
      }
      class Full extends RequestHandler {
        get() {
          return this.uriFor("user", { id: 1 }, { full: true });
        }
      }
      const app = new Application([
        new Route("/users/:id", () => "", { name: "user" }),
        ["/old", Old],
        ["/full", Full],
      ]);
      const res = await app.getResponse("/old");
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("/users/9?tab=a");
      expect(await (await app.getResponse("https://example.org/full")).text()).toBe("https://example.org/users/1");
    });
  });

  describe("handleException()", () => {
    it("is called with errors from dispatch() and may answer them", async () => {
      const calls: [string, boolean][] = [];
      class Recovering extends RequestHandler {
        get() {
          throw new Error("db down");
        }
        override handleException(error: unknown, debug: boolean) {
          calls.push([(error as Error).message, debug]);
          return ["recovered", 503];
        }
      }
      const app = new Application([["/", Recovering]], { debug: true });
      const res = await app.getResponse("/");
      expect(res.status).toBe(503);
      expect(await res.text()).toBe("recovered");
      expect(calls).toEqual([["db down", true]]);
    });

    it("re-throws by default, on to the error views", async () => {
      class Plain extends RequestHandler {
        async get() {
          throw new HttpError(418, { message: "short and stout" });
        }
      }
      const app = new Application([["/", Plain]]);
      app.errorHandlers[418] = (_request, _response, error) => `teapot: ${(error as Error).message}`;
      const res = await app.getResponse("/");
      expect(res.status).toBe(418);
      expect(await res.text()).toBe("teapot: short and stout");
    });
  });

  it("works with any class constructed with (request, response) that has dispatch()", async () => {
    class Duck {
      constructor(
        readonly request: Request,
        readonly response: Response,
      ) {}
      dispatch() {
        this.response.write(`duck ${this.request.method}`);
      }
    }
    const app = new Application([["/duck", Duck]]);
    expect(await (await app.getResponse("/duck")).text()).toBe("duck GET");
  });

  it("answers Allow from each app's own allowedMethods when one class is mounted in two apps", async () => {
    class Files extends RequestHandler {
      get() {
        return "files";
      }
      propfind() {
        return "props";
      }
    }
    const plain = new Application([["/f", Files]]);
    const webdav = new Application([["/f", Files]], { allowedMethods: ["GET", "POST", "PROPFIND"] });
    const first = await plain.getResponse("/f", { method: "POST" });
    expect(first.status).toBe(405);
    expect(first.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    const second = await webdav.getResponse("/f", { method: "POST" });
    expect(second.status).toBe(405);
    expect(second.headers.get("allow")).toBe("GET, PROPFIND");
    expect((await plain.getResponse("/f", { method: "POST" })).headers.get("allow")).toBe("GET, HEAD, OPTIONS");
  });
});
