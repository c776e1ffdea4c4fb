// Issue 6: the router's cost must not grow with the table, and the index
// that makes it so must never change which route wins. Counts, not wall time.
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { HttpError, Request, Route, Router } from "../../lib/index.js";

const handler = () => "ok";

/** Count pattern tests (`route.matchPath` calls) and RegExp executions during one match. */
function costOf(router: Router, path: string, method = "GET"): { checks: number; execs: number; route: Route | undefined } {
  // The index is built on the first match: do one outside the count.
  expect(() => router.match(Request.blank("/warm-up"))).toThrow(HttpError);
  const request = Request.blank(path, { method });
  const checks = router.routes.map((route) => vi.spyOn(route, "matchPath"));
  const exec = vi.spyOn(RegExp.prototype, "exec");
  let route: Route | undefined;
  try {
    route = router.match(request).route;
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
  }
  const counts = { checks: checks.reduce((sum, spy) => sum + spy.mock.calls.length, 0), execs: exec.mock.calls.length, route };
  vi.restoreAllMocks();
  return counts;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("Router.defaultMatcher cost", () => {
  const templates = () => new Router(Array.from({ length: 1000 }, (_, i) => new Route(`/r${i}/:id`, handler)));
  const regexps = () => new Router(Array.from({ length: 1000 }, (_, i) => new Route(new RegExp(`^/r${i}/([^/]+)$`), handler)));

  it("tests one template route for the last of 1,000, as for the first", () => {
    const router = templates();
    const last = costOf(router, "/r999/12345");
    expect(last).toEqual({ checks: 1, execs: 1, route: router.routes[999] });
    const first = costOf(router, "/r0/12345");
    expect(first).toEqual({ checks: 1, execs: 1, route: router.routes[0] });
  });

  it("tests one RegExp route for the last of 1,000, as for the first", () => {
    const router = regexps();
    expect(costOf(router, "/r999/12345")).toEqual({ checks: 1, execs: 1, route: router.routes[999] });
    expect(costOf(router, "/r0/12345")).toEqual({ checks: 1, execs: 1, route: router.routes[0] });
  });

  it("tests one route for the last of 1,000 under a shared prefix, as for the first", () => {
    const router = new Router(Array.from({ length: 1000 }, (_, i) => new Route(`/api/v1/r${i}/:id`, handler)));
    expect(costOf(router, "/api/v1/r999/12345")).toEqual({ checks: 1, execs: 1, route: router.routes[999] });
    expect(costOf(router, "/api/v1/r0/12345")).toEqual({ checks: 1, execs: 1, route: router.routes[0] });
    expect(costOf(router, "/api/v1/r1000/12345")).toEqual({ checks: 0, execs: 0, route: undefined });
  });

  it("tests one RegExp route for the last of 1,000 under a shared prefix", () => {
    const router = new Router(Array.from({ length: 1000 }, (_, i) => new Route(new RegExp(`^/api/v1/r${i}/([^/]+)$`), handler)));
    expect(costOf(router, "/api/v1/r999/12345")).toEqual({ checks: 1, execs: 1, route: router.routes[999] });
  });

  it("tests only the routes of one resource in a REST table of nested resources", () => {
    // 100 resources of 7 routes under /api/v1/, the constrained one a RegExp with an alternation inside a group.
    const routes: Route[] = [new Route("/health", handler)];
    for (let i = 0; i < 100; i++) {
      const base = `/api/v1/res${i}`;
      routes.push(
        ...[base, `${base}/:id`, `${base}/:id/orders`, `${base}/:id/orders/:orderId`, `${base}/:id/orders/:orderId/items`, `${base}/:id/orders/:orderId/items/:itemId`].map((p) => new Route(p, handler)),
        new Route(new RegExp(`^/api/v1/res${i}/([^/]+)/export/(csv|json)$`), handler),
      );
    }
    routes.push(new Route("/api/v1/status", handler), new Route("/metrics", handler));
    const router = new Router(routes);
    // The resource's six routes before it, then the match: never more than the seven of one resource.
    // A static template (the collection, `/api/v1/status`, `/metrics`) is a string comparison, no RegExp.
    expect(costOf(router, "/api/v1/res99/1/orders/2/items/3")).toEqual({ checks: 6, execs: 5, route: router.routes[1 + 99 * 7 + 5] });
    expect(costOf(router, "/api/v1/res99/1/export/csv")).toEqual({ checks: 7, execs: 6, route: router.routes[1 + 99 * 7 + 6] });
    expect(costOf(router, "/api/v1/status")).toEqual({ checks: 1, execs: 0, route: router.routes[701] });
    expect(costOf(router, "/metrics")).toEqual({ checks: 1, execs: 0, route: router.routes[702] });
  });

  it("tests the other slash form against the same few routes under a trailing-slash policy", () => {
    const router = new Router(Array.from({ length: 1000 }, (_, i) => new Route(`/api/v1/r${i}/:id`, handler, { trailingSlash: "redirect" })));
    // "/api/v1/r999/1/" matches nothing, then "/api/v1/r999/1" is tried: one route each time
    // (the redirect target's leading slashes are collapsed by a loop, not a RegExp).
    expect(costOf(router, "/api/v1/r999/1/")).toEqual({ checks: 2, execs: 2, route: undefined });
  });

  it("tests no route for a path whose first segment no route has (404)", () => {
    const router = templates();
    expect(costOf(router, "/nowhere/1")).toEqual({ checks: 0, execs: 0, route: undefined });
  });

  it("still tests, in order, every route whose first segment is not literal", () => {
    const routes: Route[] = Array.from({ length: 1000 }, (_, i) => new Route(`/r${i}/:id`, handler));
    routes.splice(500, 0, new Route("/:any/:id", handler, { methods: ["POST"] }), new Route(/^\/r999\/(?:x|y)$/, handler));
    const router = new Router(routes);
    // The catch-all refuses GET (it only counts towards Allow), the alternation does not match: 3 tests.
    expect(costOf(router, "/r999/12345")).toEqual({ checks: 3, execs: 3, route: router.routes[1001] });
    expect(costOf(router, "/r999/12345", "POST")).toEqual({ checks: 1, execs: 1, route: router.routes[500] });
  });

  it("sees routes added after the first match", () => {
    const router = templates();
    router.match(Request.blank("/r1/1"));
    const added = router.add(new Route("/late/:id", handler));
    expect(router.match(Request.blank("/late/1")).route).toBe(added);
  });
});

describe("Route.firstSegment", () => {
  it.each([
    ["/", ""],
    ["/about", "about"],
    ["/users/:id", "users"],
    ["/files/*path", "files"],
    ["/caf\u00e9/:x", "caf%C3%A9"],
    ["/a{/:optional}", undefined],
    ["/r:id", undefined],
    ["/:id", undefined],
  ])("template %s → %s", (pattern, segment) => {
    expect(new Route(pattern, handler).firstSegment).toBe(segment);
  });

  it.each([
    [/^\/products\/(\d+)$/, "products"],
    [/\/products\/(\d+)/, "products"],
    [/^\/$/, ""],
    [/^\/about$/, "about"],
    [/^\/a\.b\/x$/, "a.b"],
    [/^\/(?<id>\d+)$/, undefined],
    [/^\/a|^\/b/, undefined],
    [/^\/ab?\/x$/, undefined],
    [/^\/a\/?$/, undefined],
    [/^\/[ab]\/x$/, undefined],
    [/^\/a\/x$/i, undefined],
    [/^\/a.c\/x$/, undefined],
    [/^\/a\d\/x$/, undefined],
    [/^\/a$b/, undefined],
  ])("RegExp %s → %s", (pattern, segment) => {
    expect(new Route(pattern, handler).firstSegment).toBe(segment);
  });
});

/** What the router did with a request: the winning route's position and parameters, or the error status and Allow. */
function outcome(router: Router, path: string, method: string): unknown {
  try {
    const { route, args, kwargs } = router.match(Request.blank(path, { method }));
    return { index: router.routes.indexOf(route), args, kwargs };
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return { status: error.status, allow: error.headers.allow };
  }
}

/** The matcher before the index: every route, in order. The reference the index must agree with. */
function linearOutcome(router: Router, path: string, method: string): unknown {
  const request = Request.blank(path, { method });
  let allowed: Set<string> | undefined;
  try {
    for (const [index, route] of router.routes.entries()) {
      if (route.buildOnly) continue;
      const m = route.matchPath(path);
      if (m === null) continue;
      if (route.schemes !== undefined && !route.schemes.has(request.scheme)) continue;
      if (route.served !== undefined && !route.served.has(method)) {
        allowed ??= new Set();
        for (const m of route.allowed!) allowed.add(m);
        continue;
      }
      return { index, args: m.args, kwargs: m.kwargs };
    }
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return { status: error.status, allow: error.headers.allow };
  }
  return allowed ? { status: 405, allow: [...allowed].sort().join(", ") } : { status: 404, allow: undefined };
}

const PATTERNS: (string | RegExp)[] = [
  "/", "/a", "/a/:id", "/a/x", "/b/:x/c", "/a{/:opt}", "/:any", "/:any/:id", "/files/*path", "/a.b", "/r:id", "/ab/x",
  /^\/a\/(\d+)$/, /^\/a/, /^\/(a|b)\/x$/, /^\/a\/x$/i, /^\/a\.b$/, /^\/ab?\/x$/, /^\/[ab]\/x$/, /^\/a\/?$/, /^\/(?<seg>[^/]+)$/, /^\/$/, /.*/,
];
const PATHS = ["/", "/a", "/a/", "/a/1", "/a/x", "/A/x", "/b/1/c", "/b/x", "/ab/x", "/a/x/y", "/a.b", "/aXb", "/r7", "/files/x/y", "/zzz", "*", "//a", "/a%2Fb/1"];
const METHODS = ["GET", "POST", "HEAD", "DELETE"];

describe("Router.defaultMatcher with the index", () => {
  it("picks the same route, parameters, 404 or 405/Allow as trying every route in order", () => {
    const routeArb = fc.record({
      pattern: fc.constantFrom(...PATTERNS),
      methods: fc.option(fc.subarray(["GET", "POST", "PUT"], { minLength: 1 }), { nil: undefined }),
      buildOnly: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(routeArb, { maxLength: 12 }), (specs) => {
        const router = new Router(
          specs.map((s, i) => {
            const buildOnly = s.buildOnly && Math.random() < 0.3;
            return new Route(s.pattern, handler, { methods: s.methods, buildOnly, name: buildOnly ? `build${i}` : undefined });
          }),
        );
        for (const path of PATHS) {
          for (const method of METHODS) expect(outcome(router, path, method)).toEqual(linearOutcome(router, path, method));
        }
      }),
      { numRuns: 150 },
    );
  });
});
