/**
 * The behaviour every router matcher must keep (STYLE example 9): run by
 * spec/core/router.spec.ts for the default matcher, and by the spec of any
 * alternative matcher.
 */
import { describe, expect, it } from "vitest";
import { HttpError, Request, Route, type Router } from "../../lib/index.js";

function matchOrError(router: Router, path: string, method = "GET") {
  try {
    return router.match(Request.blank(path, { method }));
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
}

const h = (name: string) => Object.assign(() => name, { label: name });

export function runRouterContract(makeRouter: (routes: Route[]) => Router): void {
  describe("router contract", () => {
    it("tries routes in order: the first match wins", () => {
      const router = makeRouter([
        new Route("/users/me", h("me")),
        new Route("/users/:id", h("user")),
        new Route(/^\/users\/(\d+)$/, h("digits")),
      ]);
      const me = matchOrError(router, "/users/me");
      expect(me).not.toBeInstanceOf(HttpError);
      expect(((me as { route: Route }).route.handler as { label: string }).label).toBe("me");
      const seven = matchOrError(router, "/users/7") as { route: Route; kwargs: object };
      expect((seven.route.handler as { label: string }).label).toBe("user");
      expect(seven.kwargs).toEqual({ id: "7" });
    });

    it("answers 404 when nothing matches", () => {
      const router = makeRouter([new Route("/a", h("a"))]);
      const error = matchOrError(router, "/b") as HttpError;
      expect(error).toBeInstanceOf(HttpError);
      expect(error.status).toBe(404);
    });

    it("answers 405 with Allow (the union, sorted) when only the method is wrong", () => {
      const router = makeRouter([
        new Route("/items", h("read"), { methods: ["GET"] }),
        new Route("/items", h("write"), { methods: ["put", "POST"] }),
        new Route("/other", h("other")),
      ]);
      const error = matchOrError(router, "/items", "DELETE") as HttpError;
      expect(error.status).toBe(405);
      expect(error.headers).toEqual({ allow: "GET, HEAD, OPTIONS, POST, PUT" });
    });

    it("keeps looking after a method mismatch: a later route for the method wins", () => {
      const router = makeRouter([
        new Route("/items", h("read"), { methods: ["GET"] }),
        new Route("/items", h("write"), { methods: ["POST"] }),
      ]);
      const match = matchOrError(router, "/items", "POST") as { route: Route };
      expect((match.route.handler as { label: string }).label).toBe("write");
    });

    it("serves HEAD on a GET-only route", () => {
      const router = makeRouter([new Route("/items", h("read"), { methods: ["GET"] })]);
      const match = matchOrError(router, "/items", "HEAD") as { route: Route };
      expect((match.route.handler as { label: string }).label).toBe("read");
    });

    it("skips buildOnly routes and routes of other schemes", () => {
      const router = makeRouter([
        new Route("/x", h("build"), { buildOnly: true, name: "build" }),
        new Route("/x", h("secure"), { schemes: ["https"] }),
        new Route("/x", h("plain")),
      ]);
      const plain = matchOrError(router, "http://example.com/x") as { route: Route };
      expect((plain.route.handler as { label: string }).label).toBe("plain");
      const secure = matchOrError(router, "https://example.com/x") as { route: Route };
      expect((secure.route.handler as { label: string }).label).toBe("secure");
    });

    it("matches the raw path: %2F inside a parameter is not a separator, and is decoded once", () => {
      const router = makeRouter([new Route("/files/:name", h("file")), new Route("/files/:dir/:name", h("nested"))]);
      const match = matchOrError(router, "/files/a%2Fb") as { route: Route; kwargs: object };
      expect((match.route.handler as { label: string }).label).toBe("file");
      expect(match.kwargs).toEqual({ name: "a/b" });
      const twice = matchOrError(router, "/files/%2541") as { kwargs: object };
      expect(twice.kwargs).toEqual({ name: "%41" });
    });

    it("answers 400 for invalid percent-encoding in a parameter", () => {
      const router = makeRouter([new Route("/files/:name", h("file"))]);
      const error = matchOrError(router, "/files/%E0%A4%A") as HttpError;
      expect(error.status).toBe(400);
      const bad = matchOrError(router, "/files/%ZZ") as HttpError;
      expect(bad.status).toBe(400);
    });

    it("passes unnamed RegExp groups as args and named ones as kwargs", () => {
      const router = makeRouter([
        new Route(/^\/p\/(\d+)\/(\w+)$/, h("positional")),
        new Route(/^\/n\/(?<year>\d{4})\/(?<slug>[\w-]+)$/, h("named")),
      ]);
      const p = matchOrError(router, "/p/12/abc") as { args: string[]; kwargs: object };
      expect(p.args).toEqual(["12", "abc"]);
      const n = matchOrError(router, "/n/2024/hello-world") as { args: string[]; kwargs: object };
      expect(n.kwargs).toEqual({ year: "2024", slug: "hello-world" });
      expect(n.args).toEqual([]);
    });

    it("anchors RegExp patterns on the whole path", () => {
      const router = makeRouter([new Route(/\/products\/(\d+)/, h("product"))]);
      expect((matchOrError(router, "/products/12") as { args: string[] }).args).toEqual(["12"]);
      expect((matchOrError(router, "/x/products/12") as HttpError).status).toBe(404);
      expect((matchOrError(router, "/products/12/more") as HttpError).status).toBe(404);
    });

    it("does not share state between matches of a global RegExp", () => {
      const router = makeRouter([new Route(/^\/g\/(\d+)$/g, h("g"))]);
      for (let i = 0; i < 3; i++) expect((matchOrError(router, `/g/${i}`) as { args: string[] }).args).toEqual([String(i)]);
    });

    it("applies parameter constraints: a failing value does not match", () => {
      const router = makeRouter([
        new Route("/users/:id", h("numeric"), { params: { id: /\d+/ } }),
        new Route("/users/:name", h("named")),
      ]);
      expect(((matchOrError(router, "/users/42") as { route: Route }).route.handler as { label: string }).label).toBe("numeric");
      expect(((matchOrError(router, "/users/ada") as { route: Route }).route.handler as { label: string }).label).toBe("named");
    });
  });
}
