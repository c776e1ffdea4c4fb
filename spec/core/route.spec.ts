/**
 * lib/core/route.ts: definitions that can never work are errors when the
 * route is made, with a message naming the route; and what a route serves
 * and allows, computed once.
 */
import { describe, expect, it } from "vitest";
import { Application, RequestHandler, Route } from "../../lib/index.js";

const handler = () => "x";

describe("new Route() refuses definitions that can never work", () => {
  it("a buildOnly route without a name", () => {
    expect(() => new Route("/x", handler, { buildOnly: true })).toThrow(
      'Route "/x" is buildOnly but has no name: it never matches a request, so it can only be used by name (give it one).',
    );
    expect(new Route("/x", handler, { buildOnly: true, name: "x" }).buildOnly).toBe(true);
  });

  it("a methods entry that is not an HTTP token, or methods that are not a list", () => {
    for (const method of ["GET POST", "", "GET\r\n", "Ü", "G,ET"]) {
      expect(() => new Route("/x", handler, { methods: [method] })).toThrow(`Route "/x": ${JSON.stringify(method)} in methods is not an HTTP method (a token such as "GET" or "PROPFIND").`);
    }
    expect(() => new Route("/x", handler, { methods: [7 as unknown as string] })).toThrow('Route "/x": 7 in methods is not an HTTP method');
    expect(() => new Route("/x", handler, { methods: "GET" as unknown as string[] })).toThrow('Route "/x": methods is a list of HTTP methods (["GET", "POST"]), not "GET".');
    expect(new Route("/x", handler, { methods: ["get", "VERSION-CONTROL"] }).methods).toEqual(new Set(["GET", "VERSION-CONTROL"]));
  });

  it("a handlerMethod that is not a string", () => {
    expect(() => new Route("/x", handler, { handlerMethod: 3 as unknown as string })).toThrow(
      'Route "/x": handlerMethod names a method of the handler class, a string, not 3.',
    );
    expect(() => new Route("/x", handler, { handlerMethod: "" })).toThrow(/handlerMethod names a method/);
  });

  it("schemes other than http and https", () => {
    expect(() => new Route("/x", handler, { schemes: ["ftp"] })).toThrow('Route "/x": schemes may hold "http" and "https" only, not "ftp".');
    expect(() => new Route(/^\/x$/, handler, { schemes: ["https:"] })).toThrow('Route "/^\\\\/x$/": schemes may hold "http" and "https" only, not "https:".');
    expect(() => new Route("/x", handler, { schemes: "https" as unknown as string[] })).toThrow('Route "/x": schemes is a list (["https"]), not "https".');
    expect(new Route("/x", handler, { schemes: ["HTTPS"] }).schemes).toEqual(new Set(["https"]));
  });

  it("a template path-to-regexp refuses, naming the character and the template", () => {
    const cases: [string, string][] = [
      ["/users/:", 'Route template "/users/:" cannot be read (at its end, index 8): Missing parameter name.'],
      ["/a/:id?", 'Route template "/a/:id?" cannot be read (the character "?" at index 6): Unexpected ?.'],
      ["/a(b", 'Route template "/a(b" cannot be read (the character "(" at index 2): Unexpected (.'],
      ["/a/:id+", 'Route template "/a/:id+" cannot be read (the character "+" at index 6): Unexpected +.'],
      ["/a{b", 'Route template "/a{b" cannot be read (at its end, index 4): Unexpected end.'],
    ];
    for (const [template, message] of cases) {
      expect(() => new Route(template, handler)).toThrow(TypeError);
      expect(() => new Route(template, handler)).toThrow(message);
    }
  });

  it("through the application too, at registration", () => {
    const app = new Application();
    expect(() => app.route("/a/:id?")(handler)).toThrow('Route template "/a/:id?" cannot be read');
    expect(() => app.add(["/x", handler, { methods: ["BAD METHOD"] }])).toThrow('Route "/x": "BAD METHOD" in methods');
    expect(app.router.routes).toHaveLength(0);
  });
});

describe("route.served, route.allowed and route.answersOptions", () => {
  class Both extends RequestHandler {
    get() {}
    options() {}
  }

  it("are what the OPTIONS rule says, per handler shape", () => {
    const fn = new Route("/f", handler);
    expect([...fn.served!]).toEqual(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
    expect(fn.answersOptions).toBe(false);
    const listed = new Route("/f", handler, { methods: ["GET", "OPTIONS"] });
    expect(listed.answersOptions).toBe(true);
    expect([...listed.allowed!]).toEqual(["GET", "HEAD", "OPTIONS"]);
    const cls = new Route("/c", Both);
    expect(cls.served).toBeUndefined();
    expect(cls.answersOptions).toBe(true);
    expect(cls.allow).toBe("GET, HEAD, OPTIONS");
    const named = new Route("/c", Both, { handlerMethod: "get" });
    expect(named.answersOptions).toBe(false);
  });
});

describe("a template with no parameters", () => {
  it("matches its path exactly: case, trailing slash and encoding count", () => {
    const route = new Route("/about/caf%C3%A9", handler, { defaults: { lang: "en" } });
    expect(route.matchPath("/about/caf%C3%A9")).toEqual({ args: [], kwargs: { lang: "en" } });
    for (const path of ["/About/caf%C3%A9", "/about/caf%C3%A9/", "/about/café", "/about/caf%c3%a9", "/about"]) expect(route.matchPath(path)).toBeNull();
    // Each match has kwargs of its own: a change to one is not seen by the next.
    const first = route.matchPath("/about/caf%C3%A9")!;
    first.kwargs.lang = "fr";
    expect(route.matchPath("/about/caf%C3%A9")!.kwargs).toEqual({ lang: "en" });
  });
});
