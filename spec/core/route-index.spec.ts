// The index under the default matcher must never change which route wins:
// random tables (shared prefixes, parameters, splats, optional groups,
// RegExps, custom matchers, methods, schemes, trailing-slash policies)
// against a plain scan of every route in order.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HttpError, Request, Route, Router, type PathMatch, type RouteOptions, type TrailingSlash } from "../../lib/index.js";
import { regexpPrefix, RouteIndex } from "../../lib/core/route-index.js";

const handler = () => "ok";

describe("Route.literalPrefix of a template", () => {
  it.each([
    ["/", [""]],
    ["/about", ["about"]],
    ["/a/", ["a", ""]],
    ["/api/v1/users/:id", ["api", "v1", "users"]],
    ["/api/v1/r:id", ["api", "v1"]],
    ["/api/v1/users{/:id}", ["api", "v1"]],
    ["/files/*path", ["files"]],
    ["/a/:b/c", ["a"]],
    ["/caf\u00e9/:x", ["caf%C3%A9"]],
    ["/a\\:b/x", ["a:b", "x"]],
    ["/:lang/about", []],
    ["/{a}/b", []],
  ])("%s → %j", (pattern, prefix) => {
    expect(new Route(pattern, handler).literalPrefix).toEqual(prefix);
  });
});

describe("Route.literalPrefix of a RegExp", () => {
  it.each([
    [/^\/api\/v1\/items\/(\d+)\/(csv|json)$/, ["api", "v1", "items"]],
    [/\/products\/(\d+)/, ["products"]],
    [/^\/$/, [""]],
    [/^\/about$/, ["about"]],
    [/^\/a\/$/, ["a", ""]],
    [/^\/a\.b\/x$/, ["a.b", "x"]],
    [/^\/a\$b\/x$/, ["a$b", "x"]],
    [/^\/a\/b(?:x|y)$/, ["a"]],
    [/^\/a\/bc?\/x$/, ["a"]],
    [/^\/a\/b\/?$/, ["a"]],
    [/^\/a\/?b$/, []],
    [/^\/a\/{0}b$/, []],
    [/^\/a\/*b\/c$/, []],
    [/^\/a\/[ab]\/x$/, ["a"]],
    [/^\/a\/b.c$/, ["a"]],
    [/^\/a\/b\d$/, ["a"]],
    [/^\/a\/b$c/, ["a"]],
    [/^\/+a\/x$/, []],
    [/^\/(?<id>\d+)$/, []],
    [/^\/a\/x|^\/b/, []],
    [/^\/a\/[|]$/, ["a"]],
    [/^\/a\/\|$/, ["a", "|"]],
    [/^\/a\/x$/i, []],
    [/^\/a\/x$/m, []],
    [/a\/x/, []],
    [/.*/, []],
  ])("%s → %j", (pattern, prefix) => {
    expect(new Route(pattern, handler).literalPrefix).toEqual(prefix);
    expect(regexpPrefix(pattern)).toEqual(prefix);
  });
});

describe("RouteIndex", () => {
  const table = ["root", "api", "api/v1", "api/v1/users", "api/v2", "none", "api/v1"];
  const prefixes: Record<string, string[] | undefined> = {
    root: [], api: ["api"], "api/v1": ["api", "v1"], "api/v1/users": ["api", "v1", "users"], "api/v2": ["api", "v2"], none: undefined,
  };
  const index = new RouteIndex(table, (name) => prefixes[name]);

  it("gives the routes of every node the path passes, in table order", () => {
    expect(index.candidates("/api/v1/users/7")).toEqual(["root", "api", "api/v1", "api/v1/users", "api/v1"]);
    expect(index.candidates("/api/v1")).toEqual(["root", "api", "api/v1", "api/v1"]);
    expect(index.candidates("/api/v2/x")).toEqual(["root", "api", "api/v2"]);
    expect(index.candidates("/api/v3")).toEqual(["root", "api"]);
  });

  it("gives the root's routes to a path that starts elsewhere, and leaves out what never matches", () => {
    expect(index.candidates("/elsewhere")).toEqual(["root"]);
    expect(index.candidates("*")).toEqual(["root"]);
    expect(index.candidates("")).toEqual(["root"]);
    expect(index.size).toBe(7);
  });

  it("compares raw segments exactly: no decoding, no case folding, empty segments kept", () => {
    const raw = new RouteIndex(["a", "A", "enc", "empty"], (name) => ({ a: ["a"], A: ["A"], enc: ["a%2Fb"], empty: ["", "a"] })[name]);
    expect(raw.candidates("/a/1")).toEqual(["a"]);
    expect(raw.candidates("/A")).toEqual(["A"]);
    expect(raw.candidates("/a%2Fb/1")).toEqual(["enc"]);
    expect(raw.candidates("//a")).toEqual(["empty"]);
    expect(raw.candidates("/a/b")).toEqual(["a"]);
  });
});

/** Matches every path under `/b` whatever its pattern says: the index must try it for every path. */
class AnywhereRoute extends Route {
  override matchPath(rawPath: string): PathMatch | null {
    return rawPath.startsWith("/b") ? { args: [rawPath], kwargs: {} } : null;
  }
}

type Outcome = { index: number; args: unknown; kwargs: unknown } | { status: number; allow?: string; location?: string };

/** What the router did with a request: the winning route's position and parameters, or the error status, Allow and Location. */
function outcome(router: Router, request: Request): Outcome {
  try {
    const { route, args, kwargs } = router.match(request);
    return { index: router.routes.indexOf(route), args, kwargs };
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return { status: error.status, allow: error.headers.allow, location: error.headers.location };
  }
}

const serves = (route: Route, method: string) => route.methods === undefined || route.methods.has(method) || (method === "HEAD" && route.methods.has("GET"));

/** Every route, in order, then the trailing-slash policy over every route: the reference the index must agree with. */
function linearOutcome(routes: readonly Route[], request: Request): Outcome {
  const path = request.rawPath;
  const method = request.method;
  let allowed: Set<string> | undefined;
  try {
    for (const [index, route] of routes.entries()) {
      if (route.buildOnly) continue;
      const m = route.matchPath(path);
      if (m === null || (route.schemes !== undefined && !route.schemes.has(request.scheme))) continue;
      if (!serves(route, method)) {
        allowed ??= new Set();
        // The same Allow rule as the router: each route's precomputed list (HEAD with GET, OPTIONS).
        for (const m of route.allowed ?? route.methods!) allowed.add(m);
        continue;
      }
      return { index, args: m.args, kwargs: m.kwargs };
    }
    if (allowed !== undefined) return { status: 405, allow: [...allowed].sort().join(", "), location: undefined };
    if (path === "/" || path === "") return { status: 404, allow: undefined, location: undefined };
    const other = path.endsWith("/") ? path.slice(0, -1) : `${path}/`;
    for (const [index, route] of routes.entries()) {
      const policy = route.settings.trailingSlash;
      if (route.buildOnly || policy === "strict") continue;
      const m = route.matchPath(other);
      if (m === null || (route.schemes !== undefined && !route.schemes.has(request.scheme)) || !serves(route, method)) continue;
      if (policy === "ignore") return { index, args: m.args, kwargs: m.kwargs };
      const location = other.replace(/^\/+/, "/") + (request.queryString ? `?${request.queryString}` : "");
      return { status: method === "GET" || method === "HEAD" ? 301 : 308, allow: undefined, location };
    }
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return { status: error.status, allow: error.headers.allow, location: error.headers.location };
  }
  return { status: 404, allow: undefined, location: undefined };
}

// The pieces tables and paths are made of: few enough that routes share
// prefixes and paths hit them.
const WORDS = ["api", "v1", "a", "b", "x", "a.b", "caf%C3%A9"];
const escape = (word: string) => word.replace(/[.]/g, "\\.");

type Piece = { kind: "word" | "glued"; word: string } | { kind: "param" | "optional" | "partial" | "splat" | "slash" | "class" | "choice" | "maybe" };
const pieceArb: fc.Arbitrary<Piece> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...WORDS).map((word) => ({ kind: "word" as const, word })) },
  // Text with no slash before it: glued to what precedes (`/a` + `b`).
  { weight: 2, arbitrary: fc.constantFrom("b", "x").map((word) => ({ kind: "glued" as const, word })) },
  { weight: 4, arbitrary: fc.constantFrom("param", "optional", "partial", "splat", "slash", "class", "choice", "maybe").map((kind) => ({ kind }) as Piece) },
);

/** A template from pieces; parameters are named by position. */
function template(pieces: readonly Piece[]): string {
  let out = "";
  pieces.forEach((piece, i) => {
    if (piece.kind === "word") out += `/${piece.word}`;
    else if (piece.kind === "glued") out += piece.word;
    else if (piece.kind === "optional") out += i % 2 === 0 ? `{/:p${i}}` : "{/x}";
    else if (piece.kind === "partial") out += `/r:p${i}`;
    else if (piece.kind === "splat") out += `/*p${i}`;
    else if (piece.kind === "slash") out += "/";
    else out += `/:p${i}`;
  });
  return out.startsWith("/") ? out : `/${out}`;
}

/** A RegExp from the same pieces, sometimes anchored, sometimes with a top-level alternation or the `i` flag. */
function regexp(pieces: readonly Piece[], variant: number): RegExp {
  let source = "";
  pieces.forEach((piece, i) => {
    if (piece.kind === "word") source += `\\/${escape(piece.word)}`;
    else if (piece.kind === "glued") source += piece.word;
    else if (piece.kind === "maybe") source += "\\/?";
    else if (piece.kind === "optional") source += "(?:\\/x)?";
    else if (piece.kind === "partial") source += "\\/r([^/]+)";
    else if (piece.kind === "splat") source += "\\/(.+)";
    else if (piece.kind === "slash") source += "\\/";
    else if (piece.kind === "class") source += "\\/[ab]";
    else if (piece.kind === "choice") source += "\\/(a|x)";
    else source += i % 3 === 0 ? `\\/(?<g${i}>[^/]+)` : "\\/([^/]+)";
  });
  if (source === "") source = "\\/";
  if (variant === 1) return new RegExp(`^${source}$`);
  if (variant === 2) return new RegExp(`${source}|^\\/(?:b|x)(?:\\/.*)?$`);
  if (variant === 3) return new RegExp(source, "i");
  return new RegExp(source);
}

const routeArb = fc.record({
  pieces: fc.array(pieceArb, { maxLength: 5 }),
  kind: fc.constantFrom("template", "template", "template", "regexp", "anywhere"),
  variant: fc.integer({ min: 0, max: 4 }),
  methods: fc.option(fc.subarray(["GET", "POST", "PUT"], { minLength: 1 }), { nil: undefined }),
  schemes: fc.option(fc.constant(["https"]), { nil: undefined, freq: 6 }),
  buildOnly: fc.boolean().map((b) => b && Math.random() < 0.2),
  trailingSlash: fc.option(fc.constantFrom<TrailingSlash>("strict", "redirect", "ignore"), { nil: undefined }),
});

type RouteSpec = typeof routeArb extends fc.Arbitrary<infer T> ? T : never;

// A build-only route must have a name (it can never be used otherwise).
let built = 0;

function makeRoute(spec: RouteSpec): Route {
  const name = spec.buildOnly ? `built${++built}` : undefined;
  const options: RouteOptions = { name, methods: spec.methods, schemes: spec.schemes, buildOnly: spec.buildOnly, trailingSlash: spec.trailingSlash, allowUnsafeRegExp: true };
  // A splat may only end a template.
  const pieces = spec.pieces.filter((p, i) => p.kind !== "splat" || i === spec.pieces.length - 1);
  if (spec.kind === "regexp") return new Route(regexp(spec.pieces, spec.variant), handler, options);
  if (spec.kind === "anywhere") return new AnywhereRoute(template(pieces), handler, options);
  return new Route(template(pieces), handler, options);
}

/** A path the pieces' template or RegExp may match, with the optional parts left out or put in. */
function samplePath(pieces: readonly Piece[], full: boolean): string {
  let out = "";
  for (const piece of pieces) {
    if (piece.kind === "word") out += `/${piece.word}`;
    else if (piece.kind === "glued") out += piece.word;
    else if (piece.kind === "optional" || piece.kind === "maybe") out += full ? "/x" : "";
    else if (piece.kind === "partial") out += "/r1";
    else if (piece.kind === "splat") out += full ? "/1/2" : "/1";
    else if (piece.kind === "slash") out += "/";
    else if (piece.kind === "class") out += "/a";
    else if (piece.kind === "choice") out += "/x";
    else out += "/1";
  }
  return out.startsWith("/") ? out : `/${out}`;
}

const segmentArb = fc.oneof(fc.constantFrom(...WORDS, "A", "API", "V1", "1", "r7", "", "%zz", "a%2Fb"), fc.string({ maxLength: 3, unit: fc.constantFrom("a", "b", "x", "/") }));
const pathArb = fc.oneof(
  { weight: 9, arbitrary: fc.array(segmentArb, { maxLength: 5 }).map((segments) => `/${segments.join("/")}`) },
  { weight: 1, arbitrary: fc.constantFrom("/", "//", "/a/", "/api/v1/", "/b") },
);

describe("Router.defaultMatcher over the index", () => {
  it("picks the same route, parameters, 404, 405/Allow or slash redirect as trying every route in order", () => {
    fc.assert(
      fc.property(
        fc.array(routeArb, { maxLength: 14 }),
        fc.array(fc.tuple(pathArb, fc.constantFrom("GET", "POST", "HEAD", "DELETE"), fc.constantFrom("http", "https")), { minLength: 1, maxLength: 30 }),
        (specs, requests) => {
          const routes = specs.map(makeRoute);
          const router = new Router(routes);
          // Paths of the routes' own shapes too, upper case and with the
          // trailing slash toggled, so that many requests match something.
          const own = specs.flatMap((s) => [samplePath(s.pieces, false), samplePath(s.pieces, true)]);
          const variants = own.flatMap((p) => [p, p.toUpperCase(), p.endsWith("/") ? p.slice(0, -1) : `${p}/`]);
          for (const [path, method, scheme] of [...requests, ...variants.map((p) => [p, "GET", "http"] as const)]) {
            const request = () => Request.blank(`${scheme}://localhost${path}`, { method });
            expect(outcome(router, request())).toEqual(linearOutcome(routes, request()));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("answers OPTIONS * from the routes with no literal prefix only", () => {
    const router = new Router([new Route("/a", handler), new Route(/.*/, handler, { allowUnsafeRegExp: true })]);
    expect(router.match(Request.blank("*", { method: "OPTIONS" })).route).toBe(router.routes[1]);
  });
});
