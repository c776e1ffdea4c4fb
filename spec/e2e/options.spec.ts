/**
 * The OPTIONS rule, in process and over a socket: every route answers
 * OPTIONS with 204 and `Allow` (its `methods`, or what its class implements,
 * or what a function serves; `HEAD` beside `GET`; `OPTIONS` itself) unless
 * its handler answers OPTIONS itself, and a 405's `Allow` is the same list.
 */
import { describe, expect, it } from "vitest";
import { Application, lazy, RequestHandler, Route, type Middleware } from "../../lib/index.js";
import { bothWays } from "../support/both-ways.js";

class Items extends RequestHandler {
  get() {
    return "items";
  }
  post() {
    return "posted";
  }
}

class WithOptions extends RequestHandler {
  get() {
    return "x";
  }
  options() {
    this.response.headers.set("allow", "GET, OPTIONS");
    this.response.headers.set("x-own", "yes");
    return 200;
  }
}

const tag: Middleware = async (request, next) => {
  const response = (await next()) as import("../../lib/index.js").Response;
  response.headers.set("x-route-middleware", request.method);
  return response;
};

const FUNCTION_ALLOW = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT";

describe("OPTIONS and Allow", () => {
  const served = bothWays(
    () =>
      new Application(
        [
          new Route("/get-put", () => "gp", { methods: ["GET", "PUT"] }),
          ["/class", Items],
          ["/function", () => "f"],
          new Route("/traced", () => "traced", { methods: ["TRACE"] }),
          ["/own-options", WithOptions],
          new Route("/class-methods", Items, { methods: ["GET"] }),
          new Route("/function-options", (request: import("../../lib/index.js").Request) => [200, { answered: request.method }], { methods: ["GET", "OPTIONS"] }),
          new Route("/two", () => "read", { methods: ["GET"] }),
          new Route("/two", () => "write", { methods: ["POST"] }),
          new Route("/wrapped", () => "w", { methods: ["GET"], middleware: [tag] }),
          new Route("/lazy", lazy(async () => ({ default: Items }))),
          new Route("/function-then-class", () => "p", { methods: ["PATCH"] }),
          ["/function-then-class", Items],
        ],
        { logger: { error() {} } },
      ),
  );

  // path, method, status, Allow
  const cases: [string, string, number, string | undefined][] = [
    ["/get-put", "OPTIONS", 204, "GET, HEAD, OPTIONS, PUT"],
    ["/get-put", "DELETE", 405, "GET, HEAD, OPTIONS, PUT"],
    ["/class", "OPTIONS", 204, "GET, HEAD, OPTIONS, POST"],
    ["/class", "PUT", 405, "GET, HEAD, OPTIONS, POST"],
    ["/function", "OPTIONS", 204, FUNCTION_ALLOW],
    ["/function", "TRACE", 405, FUNCTION_ALLOW],
    ["/traced", "OPTIONS", 204, "OPTIONS, TRACE"],
    ["/class-methods", "OPTIONS", 204, "GET, HEAD, OPTIONS"],
    ["/class-methods", "POST", 405, "GET, HEAD, OPTIONS"],
    ["/two", "OPTIONS", 204, "GET, HEAD, OPTIONS, POST"],
    ["/two", "DELETE", 405, "GET, HEAD, OPTIONS, POST"],
    ["/lazy", "OPTIONS", 204, "GET, HEAD, OPTIONS, POST"],
    ["/lazy", "DELETE", 405, "GET, HEAD, OPTIONS, POST"],
    ["/function-then-class", "OPTIONS", 204, "GET, HEAD, OPTIONS, PATCH, POST"],
    ["/function-then-class", "DELETE", 405, "GET, HEAD, OPTIONS, PATCH, POST"],
  ];
  for (const [path, method, status, allow] of cases) {
    it(`${method} ${path} answers ${status} with Allow: ${allow}, in process and over a socket`, async () => {
      for (const answer of await served.both(path, { method })) {
        expect(answer.status).toBe(status);
        expect(answer.headers.allow).toBe(allow);
        if (status === 204) expect(answer.body).toBe("");
      }
    });
  }

  it("serves TRACE to a function only when its route lists it, and every other standard verb without methods", async () => {
    for (const answer of await served.both("/traced", { method: "TRACE" })) expect(answer).toMatchObject({ status: 200, body: "traced" });
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
      for (const answer of await served.both("/function", { method })) expect(answer).toMatchObject({ status: 200, body: "f" });
    }
    for (const answer of await served.both("/function", { method: "HEAD" })) expect(answer).toMatchObject({ status: 200, body: "" });
  });

  it("lets a class's options() answer, and a function whose route lists OPTIONS", async () => {
    for (const answer of await served.both("/own-options", { method: "OPTIONS" })) {
      expect(answer).toMatchObject({ status: 200, body: "" });
      expect(answer.headers["x-own"]).toBe("yes");
      expect(answer.headers.allow).toBe("GET, OPTIONS");
    }
    for (const answer of await served.both("/function-options", { method: "OPTIONS" })) {
      expect(answer).toMatchObject({ status: 200, body: '{"answered":"OPTIONS"}' });
    }
  });

  it("answers OPTIONS inside the route's own middleware", async () => {
    for (const answer of await served.both("/wrapped", { method: "OPTIONS" })) {
      expect(answer.status).toBe(204);
      expect(answer.headers.allow).toBe("GET, HEAD, OPTIONS");
      expect(answer.headers["x-route-middleware"]).toBe("OPTIONS");
    }
  });
});

describe("Allow lists only the application's allowedMethods", () => {
  const served = bothWays(
    () =>
      new Application([["/function", () => "f"], new Route("/webdav", () => "dav", { methods: ["GET", "PROPFIND"] })], {
        allowedMethods: ["GET", "POST", "OPTIONS", "PROPFIND"],
      }),
  );

  it("leaves out the verbs the app does not serve (HEAD here), and a function needs methods for an extension verb", async () => {
    for (const answer of await served.both("/function", { method: "OPTIONS" })) expect(answer.headers.allow).toBe("GET, OPTIONS, POST");
    for (const answer of await served.both("/function", { method: "PROPFIND" })) {
      expect(answer.status).toBe(405);
      expect(answer.headers.allow).toBe("GET, OPTIONS, POST");
    }
    for (const answer of await served.both("/webdav", { method: "PROPFIND" })) expect(answer).toMatchObject({ status: 200, body: "dav" });
    for (const answer of await served.both("/webdav", { method: "OPTIONS" })) expect(answer.headers.allow).toBe("GET, OPTIONS, PROPFIND");
  });
});

describe("Route.allow", () => {
  it("is computed when the route is added, for the app's allowedMethods", () => {
    const app = new Application([new Route("/a", () => "a", { methods: ["get", "put"] }), ["/b", Items], ["/c", () => "c"]]);
    expect(app.router.routes.map((route) => route.allow)).toEqual(["GET, HEAD, OPTIONS, PUT", "GET, HEAD, OPTIONS, POST", FUNCTION_ALLOW]);
    expect(new Route("/lazy", lazy(async () => ({ default: Items }))).allow).toBeUndefined();
  });
});
