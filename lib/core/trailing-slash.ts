/**
 * The trailing-slash policy: what a path gets when only its trailing slash
 * keeps it from a route. Consulted only after nothing matched, so matching
 * itself pays nothing for it.
 */
import { redirectError } from "../http/errors.js";
import { encodeNonAscii } from "../security/safe-redirect.js";
import type { Request } from "./request.js";
import type { Route, RouteMatch, TrailingSlash } from "./route.js";

/** The policy in force for a route: its own `trailingSlash`, else the app's, else `strict` (resolved in `route.settings`). */
export function slashPolicy(route: Route): TrailingSlash {
  return route.settings.trailingSlash;
}

/**
 * After no route matched: try the path with its trailing slash toggled
 * (`/docs` ↔ `/docs/`) against the routes that can match it (`index`, the
 * router's: build-only routes left out), in order. The first route that
 * matches the other form, serves the method, and is not `strict` decides:
 * `ignore` answers as if it had matched; `redirect` throws a redirect to the
 * other form (301 for GET and HEAD, 308 otherwise, so a POST is re-sent with
 * its body), with the query string kept. The target is always a path on
 * this site: leading slashes are collapsed, so `//evil.example/` can never
 * become a host.
 */
export function matchOtherSlash(index: { candidates(rawPath: string): readonly Route[] }, request: Request): RouteMatch | undefined {
  const raw = request.rawPath;
  if (raw === "/" || raw === "") return undefined;
  const other = raw.endsWith("/") ? raw.slice(0, -1) : `${raw}/`;
  for (const route of index.candidates(other)) {
    if (route.buildOnly || slashPolicy(route) === "strict") continue;
    const m = route.matchPath(other);
    if (m === null) continue;
    if (route.schemes !== undefined && !route.schemes.has(request.scheme)) continue;
    if (route.host !== undefined && !route.host.matchInto(request.hostname, m.kwargs)) continue;
    const method = request.method;
    if (route.served !== undefined && !route.served.has(method)) continue;
    if (slashPolicy(route) === "ignore") return { route, args: m.args, kwargs: m.kwargs };
    // Non-ASCII (raw UTF-8 over HTTP/2) is encoded: a header cannot carry it.
    const location = encodeNonAscii(collapseLeadingSlashes(other) + (request.queryString ? `?${request.queryString}` : ""));
    const status = method === "GET" || method === "HEAD" ? 301 : 308;
    throw redirectError(status, location);
  }
  return undefined;
}

// `//evil.example/` as a path: one leading slash, counted rather than matched.
function collapseLeadingSlashes(path: string): string {
  let i = 0;
  while (path.charCodeAt(i) === 47 /* / */) i++;
  return i <= 1 ? path : path.slice(i - 1);
}
