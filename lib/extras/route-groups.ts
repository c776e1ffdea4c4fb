/**
 * Route groups in webapp2's manner: `PathPrefixRoute`, `NamePrefixRoute`,
 * `HandlerPrefixRoute` and `DomainRoute`. A group is flattened when it is
 * made: each of its routes is re-made as an ordinary `Route` with the
 * prefix, name, host and options applied, and the router adds those one by
 * one (`RouteGroup`), so first-match-wins and the router's index work as
 * for routes written flat, and a group costs nothing per request.
 */
import { pathToRegexp } from "path-to-regexp";
import { lazy } from "../core/handler.js";
import { Route, type Pattern, type RouteOptions } from "../core/route.js";
import type { RouteGroup, RouteLike } from "../core/router.js";

/**
 * Options a group lays under each of its routes' own: a route's own value
 * wins, except that `middleware` adds up (the group's outside the route's)
 * and `params` and `defaults` merge. A `params` constraint applies to the
 * routes that have that parameter.
 */
export type GroupOptions = Omit<RouteOptions, "name" | "handlerMethod" | "buildOnly">;

/** What a group changes in each route it re-makes. */
interface Change {
  prefix?: string;
  namePrefix?: string;
  host?: string;
  options?: GroupOptions;
}

/** The routes of a list of route likes, groups flattened, in order. */
function flatten(routes: Iterable<RouteLike>): Route[] {
  const flat: Route[] = [];
  for (const route of routes) {
    if (route instanceof Route) flat.push(route);
    else if (Array.isArray(route)) flat.push(new Route(route[0], route[1] as never, route[2]));
    else flat.push(...(route as RouteGroup).routes);
  }
  return flat;
}

/** Re-make every route of `routes` with `change` applied, refusing an empty group. */
function remakeAll(kind: string, routes: Iterable<RouteLike>, change: Change): Route[] {
  const flat = flatten(routes).map((route) => remake(kind, route, change));
  if (flat.length === 0) throw new TypeError(`A ${kind} needs at least one route.`);
  return flat;
}

function remake(kind: string, route: Route, change: Change): Route {
  const label = `${kind}: route ${typeof route.pattern === "string" ? JSON.stringify(route.pattern) : String(route.pattern)}`;
  // A subclass that matches in its own way would lose it as a plain Route.
  if ((Object.getPrototypeOf(route) as Route).matchPath !== Route.prototype.matchPath) {
    throw new TypeError(`${label} matches in its own way (${route.constructor.name}) and cannot be re-made in a group.`);
  }
  let pattern: Pattern = route.pattern;
  if (change.prefix !== undefined) {
    if (typeof pattern !== "string") throw new TypeError(`${label} is a RegExp; a path prefix applies to template routes only.`);
    pattern = change.prefix + pattern;
  }
  const own = definedOnly(route.options);
  if (change.host !== undefined && own.host !== undefined) throw new TypeError(`${label} already has the host "${own.host}"; a DomainRoute cannot give it another.`);
  const options: RouteOptions = { ...layUnder(change.options, own, typeof pattern === "string" ? pattern : undefined) };
  if (change.host !== undefined) options.host = change.host;
  if (change.namePrefix !== undefined && own.name !== undefined) options.name = change.namePrefix + own.name;
  return new Route(pattern, route.handler as never, options);
}

function definedOnly(options: Readonly<RouteOptions>): RouteOptions {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) if (value !== undefined) out[key] = value;
  return out as RouteOptions;
}

function layUnder(group: GroupOptions | undefined, own: RouteOptions, template: string | undefined): RouteOptions {
  if (group === undefined) return own;
  const merged: RouteOptions = { ...definedOnly(group), ...own };
  if (group.middleware !== undefined && own.middleware !== undefined) merged.middleware = [...group.middleware, ...own.middleware];
  if (group.defaults !== undefined && own.defaults !== undefined) merged.defaults = { ...group.defaults, ...own.defaults };
  if (group.params !== undefined) {
    // A group's constraint is for the routes that have the parameter.
    const names = new Set(template === undefined ? [] : pathToRegexp(template).keys.map((key) => key.name));
    const params = Object.fromEntries(Object.entries(group.params).filter(([name]) => names.has(name)));
    merged.params = { ...params, ...own.params };
    if (Object.keys(merged.params).length === 0) delete merged.params;
  }
  return merged;
}

/**
 * webapp2's `PathPrefixRoute`: the prefix (a template, parameters welcome)
 * goes before each route's template. Its routes are template routes; a
 * RegExp route is refused.
 *
 * @example
 * new PathPrefixRoute("/users/:user", [
 *   new Route("/", UserOverview, { name: "user-overview" }),   // /users/:user/
 *   new Route("/profile", UserProfile),                        // /users/:user/profile
 * ], { middleware: [requireLogin] });
 */
export class PathPrefixRoute implements RouteGroup {
  readonly prefix: string;
  readonly routes: readonly Route[];

  constructor(prefix: string, routes: Iterable<RouteLike>, options?: GroupOptions) {
    if (!prefix.startsWith("/") || prefix.endsWith("/")) throw new TypeError(`A path prefix starts with "/" and does not end with one: ${JSON.stringify(prefix)}.`);
    this.prefix = prefix;
    this.routes = remakeAll("PathPrefixRoute", routes, { prefix, options });
  }
}

/**
 * webapp2's `NamePrefixRoute`: the prefix goes before each route's name
 * (unnamed routes stay unnamed), so a group can be mounted twice under two
 * names.
 *
 * @example
 * new NamePrefixRoute("admin.", [new Route("/admin/users", AdminUsers, { name: "users" })]); // "admin.users"
 */
export class NamePrefixRoute implements RouteGroup {
  readonly prefix: string;
  readonly routes: readonly Route[];

  constructor(prefix: string, routes: Iterable<RouteLike>, options?: GroupOptions) {
    this.prefix = prefix;
    this.routes = remakeAll("NamePrefixRoute", routes, { namePrefix: prefix, options });
  }
}

/** A route of a `HandlerPrefixRoute`: a route, or a pair whose handler is an export name of the group's module. */
export type LazyRouteLike = RouteLike | readonly [Pattern, string] | readonly [Pattern, string, RouteOptions];

/**
 * webapp2's `HandlerPrefixRoute`, for lazy handlers: the routes name their
 * handler by its export from one module, imported on the first request to
 * any of them (see `lazy`).
 *
 * @example
 * new HandlerPrefixRoute(() => import("./handlers/users.js"), [
 *   ["/users", "UserList"],
 *   ["/users/:id", "UserDetail", { name: "user" }],
 * ]);
 */
export class HandlerPrefixRoute implements RouteGroup {
  readonly routes: readonly Route[];

  constructor(loader: () => Promise<unknown>, routes: Iterable<LazyRouteLike>, options?: GroupOptions) {
    const resolved: RouteLike[] = [];
    for (const route of routes) {
      if (Array.isArray(route) && typeof route[1] === "string") resolved.push(new Route(route[0] as Pattern, lazy(loader, route[1]), route[2] as RouteOptions | undefined));
      else resolved.push(route as RouteLike);
    }
    this.routes = remakeAll("HandlerPrefixRoute", resolved, { options });
  }
}

/**
 * webapp2's `DomainRoute`: its routes match only requests for a host that
 * fits the template (our template syntax, `.` as the separator), and the
 * host's variables join the params. Checked after the path, and only on
 * routes that have a host: apps without one pay nothing.
 *
 * @example
 * new DomainRoute(":tenant.example.com", [
 *   ["/", (request, params) => `Welcome, ${params.tenant}`],
 * ]);
 */
export class DomainRoute implements RouteGroup {
  readonly host: string;
  readonly routes: readonly Route[];

  constructor(host: string, routes: Iterable<RouteLike>, options?: GroupOptions) {
    this.host = host;
    this.routes = remakeAll("DomainRoute", routes, { host, options });
  }
}
