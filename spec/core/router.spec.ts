import { describe, expect, it } from "vitest";
import { Application, Request, Response, Route, Router } from "../../lib/index.js";
import { runRouterContract } from "../support/router-contract.js";

runRouterContract((routes) => new Router(routes));

describe("Router", () => {
  it("accepts [pattern, handler] pairs and [pattern, handler, options] triples", () => {
    const router = new Router([["/a", () => "a"], ["/b/:id", () => "b", { name: "b" }]]);
    expect(router.routes.map((r) => r.pattern)).toEqual(["/a", "/b/:id"]);
    expect(router.getRoute("b")?.pattern).toBe("/b/:id");
  });

  it("refuses two routes with the same name", () => {
    const router = new Router([new Route("/a", () => "a", { name: "x" })]);
    expect(() => router.add(new Route("/b", () => "b", { name: "x" }))).toThrow('A route named "x" already exists.');
  });

  describe("setMatcher()", () => {
    it("replaces matching; defaultMatcher stays callable by wrappers", async () => {
      const app = new Application([["/real", () => "real"]]);
      const seen: string[] = [];
      app.router.setMatcher((router, request) => {
        seen.push(request.rawPath);
        if (request.rawPath === "/alias") return router.defaultMatcher(Request.blank("/real"));
        return router.defaultMatcher(request);
      });
      const res = await app.getResponse("/alias");
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("real");
      expect(seen).toEqual(["/alias"]);
    });
  });

  describe("setDispatcher()", () => {
    it("builds webapp2's micro-framework: strings and tuples become responses", async () => {
      const app = new Application([
        ["/text", () => "plain words"],
        ["/tuple", () => ["created", 201, { "x-made": "yes" }]],
        ["/response", () => new Response("as is", 202)],
      ]);
      app.router.setDispatcher(async (router, request, response) => {
        const result = await router.defaultDispatcher(request, response);
        if (typeof result === "string") return new Response(result, 200, { "content-type": "text/plain; charset=utf-8" });
        if (Array.isArray(result)) {
          const [body, status, headers] = result as [string, number, Record<string, string>];
          return new Response(body, status, { ...headers, "content-type": "text/plain; charset=utf-8" });
        }
        return result;
      });
      const text = await app.getResponse("/text");
      expect(text.status).toBe(200);
      expect(text.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(await text.text()).toBe("plain words");
      const tuple = await app.getResponse("/tuple");
      expect(tuple.status).toBe(201);
      expect(tuple.headers.get("x-made")).toBe("yes");
      expect(await tuple.text()).toBe("created");
      const res = await app.getResponse("/response");
      expect(res.status).toBe(202);
      expect(await res.text()).toBe("as is");
    });
  });

  describe("setBuilder()", () => {
    it("replaces URL building; defaultBuilder stays callable", () => {
      const app = new Application([new Route("/users/:id", () => "", { name: "user" })]);
      app.router.setBuilder((router, request, name, params, options) => `/v2${router.defaultBuilder(request, name, params, options)}`);
      expect(app.uriFor("user", { id: 3 })).toBe("/v2/users/3");
    });
  });

  describe("build()", () => {
    const router = new Router([
      new Route("/users/:id", () => "", { name: "user" }),
      new Route("/files/*path", () => "", { name: "file" }),
      new Route("/archive{/:year}", () => "", { name: "archive" }),
      new Route("/lang/:lang/home", () => "", { name: "home", defaults: { lang: "en" } }),
      new Route(/^\/re\/(\d+)$/, () => "", { name: "re" }),
    ]);

    it("fills the template and puts extra params in the query string", () => {
      expect(router.build(undefined, "user", { id: 7, tab: "posts", tag: ["a", "b"] })).toBe("/users/7?tab=posts&tag=a&tag=b");
    });

    it("encodes parameter values", () => {
      expect(router.build(undefined, "user", { id: "a/b c" })).toBe("/users/a%2Fb%20c");
    });

    it("joins splats and leaves out optional groups", () => {
      expect(router.build(undefined, "file", { path: ["docs", "a b.txt"] })).toBe("/files/docs/a%20b.txt");
      expect(router.build(undefined, "archive")).toBe("/archive");
      expect(router.build(undefined, "archive", { year: 2024 })).toBe("/archive/2024");
    });

    it("uses defaults for missing params", () => {
      expect(router.build(undefined, "home")).toBe("/lang/en/home");
      expect(router.build(undefined, "home", { lang: "fr" })).toBe("/lang/fr/home");
    });

    it("makes full URLs with scheme, host and fragment", () => {
      const request = Request.blank("https://shop.example/x");
      expect(router.build(request, "user", { id: 1 }, { full: true })).toBe("https://shop.example/users/1");
      expect(router.build(request, "user", { id: 1 }, { scheme: "http" })).toBe("http://shop.example/users/1");
      expect(router.build(undefined, "user", { id: 1 }, { full: true, host: "api.example" })).toBe("http://api.example/users/1");
      expect(router.build(undefined, "user", { id: 1 }, { fragment: "top", query: { q: "x" } })).toBe("/users/1?q=x#top");
    });

    it("throws clear errors: missing param, unknown name, RegExp route, full URL without host", () => {
      expect(() => router.build(undefined, "user")).toThrow('Missing parameter "id" to build route "user".');
      expect(() => router.build(undefined, "nope")).toThrow('No route named "nope" to build.');
      expect(() => router.build(undefined, "re", {})).toThrow('Route "re" has a RegExp pattern and cannot be built');
      expect(() => router.build(undefined, "user", { id: 1 }, { full: true })).toThrow('A full URL for route "user" needs a host');
    });
  });
});
