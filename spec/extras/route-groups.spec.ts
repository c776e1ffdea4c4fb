/**
 * lib/extras/route-groups.ts: each group compared with the same table
 * written flat, served in process and over a socket; the route option
 * `host` that `DomainRoute` gives its routes.
 */
import { describe, expect, it } from "vitest";
import {
  Application,
  DomainRoute,
  HandlerPrefixRoute,
  NamePrefixRoute,
  PathPrefixRoute,
  RedirectRoute,
  Request,
  Route,
  Router,
  converters,
  type Middleware,
} from "../../lib/index.js";
import { fetchResult } from "../support/socket-client.js";

const echo = (label: string) => (request: Request, params?: Record<string, unknown>) => ({ label, params: params ?? null });
const tag = (value: string): Middleware => async (request, next) => {
  const response = await next();
  response.headers.append("x-tag", value);
  return response;
};

/** What a router holds, route by route: what matching, naming and settings see. */
function table(router: Router) {
  return router.routes.map((r) => ({
    pattern: String(r.pattern),
    name: r.name,
    methods: r.methods && [...r.methods],
    host: r.host?.template,
    handler: r.handler,
    middleware: r.middleware,
    timeout: r.settings.timeout,
    firstSegment: r.firstSegment,
    named: r.named,
  }));
}

describe("PathPrefixRoute", () => {
  const user = echo("user");
  const profile = echo("profile");
  const auth = tag("auth");
  const own = tag("own");
  const grouped = new Router([
    new PathPrefixRoute("/users/:user", [
      new Route("/", user, { name: "user-overview" }),
      ["/profile", profile, { middleware: [own], timeout: 50 }],
    ], { middleware: [auth], timeout: 1000, params: { user: /\w+/ } }),
  ]);
  const flat = new Router([
    new Route("/users/:user/", user, { name: "user-overview", middleware: [auth], timeout: 1000, params: { user: /\w+/ } }),
    new Route("/users/:user/profile", profile, { middleware: [auth, own], timeout: 50, params: { user: /\w+/ } }),
  ]);

  it("is the table written flat: prefixed templates, the group's options under the route's, middleware outside", () => {
    expect(table(grouped)).toEqual(table(flat));
    expect(grouped.routes[1]!.middleware).toEqual([auth, own]);
  });

  it("serves the same answers, middleware included, in process and over a socket", async () => {
    const app = new Application([
      new PathPrefixRoute("/users/:user", [new Route("/", user, { name: "user-overview" }), ["/profile", profile, { middleware: [own] }]], { middleware: [auth] }),
    ]);
    const res = await app.getResponse("/users/ada/profile");
    expect([res.status, res.headers.get("x-tag"), await res.json()]).toEqual([200, "own, auth", { label: "profile", params: { user: "ada" } }]);
    expect(app.uriFor("user-overview", { user: "ada" })).toBe("/users/ada/");
    await app.listen(0, "127.0.0.1");
    try {
      const socket = await fetchResult(`http://127.0.0.1:${app.address!.port}/users/ada/`);
      expect([socket.status, socket.headers["x-tag"], socket.body]).toEqual([200, "auth", '{"label":"user","params":{"user":"ada"}}']);
    } finally {
      await app.close();
    }
  });

  it("applies a group's parameter constraint only to the routes with that parameter", () => {
    const router = new Router([new PathPrefixRoute("/v1", [["/items/:id", echo("item")], ["/health", echo("health")]], { params: { id: converters.int } })]);
    expect(router.match(Request.blank("/v1/items/7")).kwargs).toEqual({ id: 7 });
    expect(router.match(Request.blank("/v1/health")).route.pattern).toBe("/v1/health");
  });

  it("refuses a prefix that does not start with / or ends with one, a RegExp route and an empty group", () => {
    expect(() => new PathPrefixRoute("api", [["/a", echo("a")]])).toThrow('A path prefix starts with "/" and does not end with one: "api".');
    expect(() => new PathPrefixRoute("/api/", [["/a", echo("a")]])).toThrow('A path prefix starts with "/" and does not end with one: "/api/".');
    expect(() => new PathPrefixRoute("/api", [[/^\/a$/, echo("a")]])).toThrow('PathPrefixRoute: route /^\\/a$/ is a RegExp; a path prefix applies to template routes only.');
    expect(() => new PathPrefixRoute("/api", [])).toThrow("A PathPrefixRoute needs at least one route.");
  });
});

describe("NamePrefixRoute", () => {
  it("is the table written flat, with prefixed names; unnamed routes stay unnamed", () => {
    const list = echo("list");
    const detail = echo("detail");
    const grouped = new Router([new NamePrefixRoute("admin.", [new Route("/admin/users", list, { name: "users" }), ["/admin/users/:id", detail], ["/admin/x", list]])]);
    const flat = new Router([new Route("/admin/users", list, { name: "admin.users" }), new Route("/admin/users/:id", detail), new Route("/admin/x", list)]);
    expect(table(grouped)).toEqual(table(flat));
  });

  it("nests with PathPrefixRoute: one group mounted twice under two prefixes and two names", async () => {
    const routes = () => [new Route("/items/:id", (_r: Request, p: { id: string }) => p.id, { name: "item" })];
    const app = new Application([
      new NamePrefixRoute("v1.", [new PathPrefixRoute("/v1", routes())]),
      new NamePrefixRoute("v2.", [new PathPrefixRoute("/v2", routes(), { timeout: 5 })]),
    ]);
    expect(app.router.routes.map((r) => [r.pattern, r.name, r.settings.timeout])).toEqual([["/v1/items/:id", "v1.item", undefined], ["/v2/items/:id", "v2.item", 5]]);
    expect([app.uriFor("v1.item", { id: 3 }), app.uriFor("v2.item", { id: 4 })]).toEqual(["/v1/items/3", "/v2/items/4"]);
    expect(await (await app.getResponse("/v2/items/9")).text()).toBe("9");
  });
});

describe("HandlerPrefixRoute", () => {
  it("names handlers by their export from one lazily imported module", async () => {
    let imports = 0;
    const loader = async () => {
      imports++;
      return import("../support/lazy-handlers.js");
    };
    const app = new Application([new HandlerPrefixRoute(loader, [["/products/:id", "ProductHandler", { name: "product" }], ["/", "default"]])]);
    expect(imports).toBe(0);
    expect(await (await app.getResponse("/products/5")).text()).toBe("lazy product 5");
    expect(await (await app.getResponse("/")).text()).toBe("lazy default");
    expect(app.uriFor("product", { id: 5 })).toBe("/products/5");
  });
});

describe("DomainRoute and the route option host", () => {
  const tenant = echo("tenant");
  const www = echo("www");
  const app = new Application([
    new Route("/", www, { host: "www.example.com" }),
    new DomainRoute(":tenant.example.com", [new Route("/", tenant, { name: "tenant-home" }), ["/users/:id", tenant]]),
    ["/", echo("any host")],
  ]);

  it("is the table written flat with the host option", () => {
    const flat = new Router([new Route("/", tenant, { name: "tenant-home", host: ":tenant.example.com" }), new Route("/users/:id", tenant, { host: ":tenant.example.com" })]);
    expect(table(new Router([app.router.routes[1]!, app.router.routes[2]!]))).toEqual(table(flat));
  });

  it("matches the host after the path, host variables in the params, then falls through to other hosts' routes", async () => {
    const answer = async (url: string) => (await app.getResponse(url)).json();
    expect(await answer("http://acme.example.com/")).toEqual({ label: "tenant", params: { tenant: "acme" } });
    expect(await answer("http://ACME.Example.com:8080/users/7")).toEqual({ label: "tenant", params: { id: "7", tenant: "acme" } });
    expect(await answer("http://a.b.example.com/")).toEqual({ label: "any host", params: null });
    expect(await answer("http://other.test/")).toEqual({ label: "any host", params: null });
    expect((await app.getResponse("http://other.test/users/7")).status).toBe(404);
  });

  it("reads the Host header of a socket request, and a trailing dot", async () => {
    await app.listen(0, "127.0.0.1");
    try {
      const url = `http://127.0.0.1:${app.address!.port}/`;
      expect((await fetchResult(url, { headers: { host: "acme.example.com." } })).body).toBe('{"label":"tenant","params":{"tenant":"acme"}}');
      expect((await fetchResult(url, { headers: { host: "www.example.com" } })).body).toBe('{"label":"www","params":null}');
      expect((await fetchResult(url)).body).toBe('{"label":"any host","params":null}');
    } finally {
      await app.close();
    }
  });

  it("gives host labels of a splat as an array, and never puts host variables in a built query", async () => {
    const router = new Router([new Route("/", echo("deep"), { host: "*labels.example.com", name: "deep" })]);
    expect(router.match(Request.blank("http://a.b.example.com/")).kwargs).toEqual({ labels: ["a", "b"] });
    expect(router.build(undefined, "deep", { labels: ["a"], page: 2 })).toBe("/?page=2");
  });

  it("keeps 405 and the trailing-slash policy to routes of the request's host", async () => {
    const strict = new Application([
      new Route("/docs", echo("docs"), { host: "docs.example.com", methods: ["GET"], trailingSlash: "redirect" }),
      new Route("/docs", echo("other"), { methods: ["POST"] }),
    ]);
    expect((await strict.getResponse("http://docs.example.com/docs/")).headers.get("location")).toBe("/docs");
    expect((await strict.getResponse("http://other.test/docs/")).status).toBe(404);
    const wrong = await strict.getResponse("http://other.test/docs");
    expect([wrong.status, wrong.headers.get("allow")]).toEqual([405, "OPTIONS, POST"]);
  });

  it("refuses a nested DomainRoute, a host variable named like a path one, and a host that is not a name", () => {
    expect(() => new DomainRoute("a.test", [new DomainRoute("b.test", [["/", www]])])).toThrow('DomainRoute: route "/" already has the host "b.test"; a DomainRoute cannot give it another.');
    expect(() => new Route("/:sub", www, { host: ":sub.example.com" })).toThrow('Route "/:sub" has "sub" in both its host and its path: rename one.');
    expect(() => new Route("/", www, { host: "example.com/x" })).toThrow('A host template is a host name such as ":sub.example.com", not "example.com/x".');
  });

  it("re-makes a RedirectRoute as a plain route that still redirects, and refuses a route that matches in its own way", async () => {
    const redirects = new Application([new DomainRoute("old.example.com", [new RedirectRoute("/", "https://new.example.com/", { allowOtherHost: true })])]);
    const res = await redirects.getResponse("http://old.example.com/");
    expect([res.status, res.headers.get("location")]).toEqual([301, "https://new.example.com/"]);
    class Anything extends Route {
      override matchPath() {
        return { args: [], kwargs: {} };
      }
    }
    expect(() => new PathPrefixRoute("/x", [new Anything("/", www)])).toThrow('PathPrefixRoute: route "/" matches in its own way (Anything) and cannot be re-made in a group.');
  });
});
