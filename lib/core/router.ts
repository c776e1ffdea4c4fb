/**
 * The router: an ordered list of routes, with four replaceable steps
 * (match, adapt, dispatch, build) in webapp2's manner.
 */
import { defaultAdapter, type Adapter } from "./adapters.js";
import { MethodNotAllowed, NotFound } from "../http/errors.js";
import { allowHeader } from "../http/methods.js";
import type { Request } from "./request.js";
import { Response } from "./response.js";
import { matchOtherSlash } from "./trailing-slash.js";
import { RouteIndex } from "./route-index.js";
import { schemaAdapter } from "./route-schema.js";
import { compose, handlerEndpoint, registerMiddleware } from "./middleware.js";
import { DEFAULT_SETTINGS, type Settings } from "./settings.js";
import { Route, type BuildOptions, type Handler, type PathMatch, type Pattern, type RouteMatch, type RouteOptions } from "./route.js";

export type { RouteMatch } from "./route.js";

/**
 * The dispatcher of `router.setDispatcher()`: route and call the handler for
 * a request, resolving to whatever should become the response. A custom one
 * usually wraps `router.defaultDispatcher(request, response)`.
 */
export type Dispatcher = (router: Router, request: Request, response: Response) => unknown;

/** The adapter hook of `router.setAdapter()`: make the adapter for a handler. */
export type AdapterFactory = (router: Router, handler: Handler) => Adapter;

/** The matcher of `router.setMatcher()`: find the route for a request, or throw 404/405. */
export type Matcher = (router: Router, request: Request) => RouteMatch;

/** The builder of `router.setBuilder()`: the URL of a named route. */
export type Builder = (
  router: Router,
  request: Request | undefined,
  name: string,
  params: Record<string, unknown>,
  options: BuildOptions,
) => string;

// Where the index files a route: under its literal prefix, or at the root
// (a candidate for every path) when it is a subclass that matches in its own
// way, since its pattern may not say what it matches. Build-only routes never match.
function prefixOf(route: Route): readonly string[] | undefined {
  if (route.buildOnly) return undefined;
  return route.matchPath === Route.prototype.matchPath ? route.literalPrefix : [];
}

/**
 * Routes that register as ordinary routes, in order (a route group such as
 * `PathPrefixRoute` or `DomainRoute`): the router adds `routes` one by one,
 * so a group costs nothing per request.
 */
export interface RouteGroup {
  readonly routes: readonly Route[];
}

/** A route as the application and router accept it: a `Route`, a `[pattern, handler]` pair, or a group of routes. */
export type RouteLike = Route | readonly [Pattern, Handler] | readonly [Pattern, Handler, RouteOptions] | RouteGroup;

/**
 * Maps requests to handlers. Routes are tried in order and the first match
 * wins. Each step can be replaced with a plain function, and the default
 * stays public by name for wrappers:
 *
 * - `setMatcher(fn)` / `defaultMatcher(request)`: find the route.
 * - `setAdapter(fn)` / `defaultAdapter`: turn a handler into `(request, response) => result`.
 * - `setDispatcher(fn)` / `defaultDispatcher(request, response)`: match, adapt, call.
 * - `setBuilder(fn)` / `defaultBuilder(...)`: build URLs.
 *
 * @example
 * // webapp2's "micro-framework" dispatcher: strings and tuples become responses.
 * app.router.setDispatcher(async (router, request, response) => {
 *   const result = await router.defaultDispatcher(request, response);
 *   return typeof result === "string" ? new Response(result, 200, { "content-type": "text/plain" }) : result;
 * });
 */
export class Router {
  /** The routes, in matching order. */
  readonly routes: Route[] = [];
  #byName = new Map<string, Route>();
  #index: RouteIndex<Route> | undefined;
  /**
   * The settings of requests before a route matches them (a 404 sees
   * these), and the base every added route's own options are laid over:
   * the application's, or the defaults for a router made on its own.
   */
  readonly settings: Settings;
  /** Whether some route's `trailingSlash` is not `strict` (the app's included, through its settings). */
  #slashPolicies = false;
  // perf: hello. `undefined` means the default, called directly rather than
  // through a wrapper function: one call less per request for each.
  #matcher: Matcher | undefined = undefined;
  #dispatcher: Dispatcher | undefined = undefined;
  #adapter: AdapterFactory = defaultAdapter;
  #builder: Builder = (router, request, name, params, options) => router.defaultBuilder(request, name, params, options);

  constructor(routes: Iterable<RouteLike> = [], settings: Settings = DEFAULT_SETTINGS) {
    this.settings = settings;
    for (const route of routes) this.add(route);
  }

  /**
   * Add a route (a `Route` or a `[pattern, handler, options?]` pair) at the
   * end; a group adds its routes, and gives back the first.
   */
  add(route: RouteLike): Route {
    if (!(route instanceof Route) && !Array.isArray(route)) {
      for (const r of (route as RouteGroup).routes) this.add(r);
      return (route as RouteGroup).routes[0]!;
    }
    const r = route instanceof Route ? route : new Route(route[0], route[1] as never, route[2]);
    if (r.name !== undefined && this.#byName.has(r.name)) throw new TypeError(`A route named "${r.name}" already exists.`);
    r.settle(this.settings);
    if (r.middleware !== undefined) registerMiddleware(r.middleware, r.settings);
    if (r.name !== undefined) this.#byName.set(r.name, r);
    this.routes.push(r);
    this.#index = undefined;
    if (r.settings.trailingSlash !== "strict") this.#slashPolicies = true;
    return r;
  }

  /** The route with this name, if any. */
  getRoute(name: string): Route | undefined {
    return this.#byName.get(name);
  }

  /** Find the route for a request (through the matcher in force). */
  match(request: Request): RouteMatch {
    const matcher = this.#matcher;
    return matcher === undefined ? this.defaultMatcher(request) : matcher(this, request);
  }

  /**
   * The default matcher: the first route whose pattern, `schemes` and
   * methods (`route.served`) accept the request. A path that some route
   * matches but not for this method is a 405 whose `Allow` is the union of
   * those routes' `allowed` methods (as `OPTIONS` answers it); no path
   * match is a 404.
   *
   * Only the routes that can match are tried: those whose literal prefix
   * (`Route.literalPrefix`) the path starts with, found by walking the
   * path's segments down a trie (`RouteIndex`), and those that have none,
   * still in route order, so the first match is the same as trying every
   * route. The last of 1,000 `/api/v1/rN/:id` routes costs one pattern
   * test, as the first does.
   */
  defaultMatcher(request: Request): RouteMatch {
    const rawPath = request.rawPath;
    const method = request.method;
    let refused = false;
    for (const route of this.#candidates(rawPath)) {
      const m = route.matchPath(rawPath);
      if (m === null) continue;
      if (route.schemes !== undefined && !route.schemes.has(request.scheme)) continue;
      if (route.host !== undefined && !route.host.matchInto(request.hostname, m.kwargs)) continue;
      const served = route.served;
      if (served !== undefined && !served.has(method)) {
        refused = true;
        continue;
      }
      return { route, args: m.args, kwargs: m.kwargs };
    }
    // Only a refused method pays for the union of the routes' Allow.
    if (refused) throw new MethodNotAllowed(undefined, { headers: { allow: this.allow(request) } });
    // Only a path no route matched pays for the trailing-slash policy.
    if (this.#slashPolicies) {
      const other = matchOtherSlash(this.#currentIndex(), request);
      if (other !== undefined) return other;
    }
    throw new NotFound();
  }

  // perf(bench: prefixed1000): built once, on the first match after a change;
  // a route pushed onto `routes` behind add()'s back changes the length.
  #currentIndex(): RouteIndex<Route> {
    let index = this.#index;
    if (index === undefined || index.size !== this.routes.length) index = this.#index = new RouteIndex(this.routes, prefixOf);
    return index;
  }

  // The routes that can match a path, in route order (see `RouteIndex`).
  #candidates(rawPath: string): readonly Route[] {
    return this.#currentIndex().candidates(rawPath);
  }

  /**
   * The `Allow` header for a request's path: the union of the `allowed`
   * methods of the routes whose pattern (and `schemes`, `host`) match it, in route
   * order, up to the first route that takes every method (a class handler's,
   * which answers the rest itself). `OPTIONS` and the 405s of the router and
   * of `RequestHandler` all answer with it, so they always agree. `own` is
   * what a handler knows of itself, for a route that could not compute it
   * (a lazy handler). Costs a pattern test per candidate route: only
   * `OPTIONS` and 405 answers pay it.
   *
   * @example
   * app.router.allow(Request.blank("/users/7")); // "DELETE, GET, HEAD, OPTIONS, PUT"
   */
  allow(request: Request, own?: Iterable<string>): string {
    const rawPath = request.rawPath;
    const methods = new Set<string>();
    for (const route of this.#candidates(rawPath)) {
      let m: PathMatch | null;
      try {
        m = route.matchPath(rawPath);
      } catch {
        continue; // an undecodable or unconvertible parameter: not a match here
      }
      if (m === null) continue;
      if (route.schemes !== undefined && !route.schemes.has(request.scheme)) continue;
      if (route.host !== undefined && !route.host.matchInto(request.hostname, m.kwargs)) continue;
      for (const method of route.allowed ?? own ?? []) methods.add(method);
      if (route.served === undefined) break;
    }
    if (methods.size === 0 && own !== undefined) for (const method of own) methods.add(method);
    return allowHeader([...methods].sort());
  }

  /** Make the adapter for a handler (through the adapter factory in force). */
  adapt(handler: Handler): Adapter {
    return this.#adapter(this, handler);
  }

  /** The default adapter factory: classes with `dispatch()`, functions, and lazy handlers. */
  defaultAdapter(handler: Handler): Adapter {
    return defaultAdapter(this, handler);
  }

  /** Route and call the handler for a request (through the dispatcher in force). */
  dispatch(request: Request, response: Response): unknown {
    const dispatcher = this.#dispatcher;
    return dispatcher === undefined ? this.defaultDispatcher(request, response) : dispatcher(this, request, response);
  }

  /**
   * The default dispatcher: match, record the match on the request
   * (`route`, `routeArgs`, `routeKwargs`), adapt the handler (once per
   * route) and call it. Resolves to whatever the handler returned. An
   * `OPTIONS` request to a route whose handler does not answer it
   * (`route.answersOptions`) is answered here, inside the route's
   * middleware: 204 with `Allow` (see `allow`).
   */
  defaultDispatcher(request: Request, response: Response): unknown {
    const { route, args, kwargs } = this.match(request);
    request.route = route;
    request.settings = route.settings;
    request.routeArgs = args;
    request.routeKwargs = kwargs;
    const adapter = (route.adapter ??= this.#adaptRoute(route)) as Adapter;
    if (route.middleware === undefined) {
      return request.method === "OPTIONS" && !route.answersOptions ? this.#answerOptions(request) : adapter(request, response);
    }
    // The route's own middleware, around its handler: composed once, with the adapter.
    route.chain ??= compose(route.middleware, handlerEndpoint(route.answersOptions ? adapter : this.#withOptions(adapter), answerError), answerError);
    return route.chain(request);
  }

  // A route's adapter, once: with its schema checked first when it has one,
  // so a route without a schema runs its handler's adapter as it is.
  #adaptRoute(route: Route): Adapter {
    const adapter = this.adapt(route.handler);
    return route.schema === undefined ? adapter : schemaAdapter(route.schema, adapter, route.settings.debug);
  }

  // OPTIONS on a route whose handler does not answer it: 204 with Allow.
  #answerOptions(request: Request): Response {
    return new Response(undefined, 204, { allow: this.allow(request) });
  }

  // The adapter of such a route as its middleware's endpoint, made once per route.
  #withOptions(adapter: Adapter): Adapter {
    return (request, response) => (request.method === "OPTIONS" ? this.#answerOptions(request) : adapter(request, response));
  }

  /**
   * Build the URL of a named route (through the builder in force). Params
   * the template uses fill it; the others become the query string.
   */
  build(request: Request | undefined, name: string, params: Record<string, unknown> = {}, options: BuildOptions = {}): string {
    return this.#builder(this, request, name, params, options);
  }

  /** The default builder: a path, or a full URL with `full`, `scheme` or `host`, plus `fragment`. */
  defaultBuilder(request: Request | undefined, name: string, params: Record<string, unknown>, options: BuildOptions): string {
    const route = this.#byName.get(name);
    if (route === undefined) throw new TypeError(`No route named "${name}" to build.`);
    let url = route.buildPath(params, options.query);
    if (options.full || options.scheme !== undefined || options.host !== undefined) {
      const scheme = options.scheme ?? request?.scheme ?? "http";
      const host = options.host ?? request?.host;
      if (host === undefined) throw new TypeError(`A full URL for route "${name}" needs a host: pass { host } or build it within a request.`);
      url = `${scheme}://${host}${url}`;
    }
    if (options.fragment !== undefined) url += `#${encodeURI(options.fragment)}`;
    return url;
  }

  /**
   * Whether `setDispatcher()` or `setAdapter()` replaced a default: code
   * the router cannot see into then runs around every handler (the
   * application then keeps every request in the `getRequest()` context).
   */
  get customized(): boolean {
    return this.#dispatcher !== undefined || this.#adapter !== defaultAdapter;
  }

  /** Replace the matcher. */
  setMatcher(matcher: Matcher): void {
    this.#matcher = matcher;
  }

  /** Replace the dispatcher. */
  setDispatcher(dispatcher: Dispatcher): void {
    this.#dispatcher = dispatcher;
  }

  /** Replace the adapter factory; every route is adapted anew on its next request. */
  setAdapter(factory: AdapterFactory): void {
    this.#adapter = factory;
    for (const route of this.routes) {
      route.adapter = undefined;
      route.chain = undefined;
    }
  }

  /** Replace the URL builder. */
  setBuilder(builder: Builder): void {
    this.#builder = builder;
  }
}

// What a route's middleware chain does with an error: the application's
// error views, as for any error; a router used on its own passes it on.
function answerError(request: Request, error: unknown): Response | Promise<Response> {
  const app = request.app as { handleError?: (request: Request, error: unknown) => Promise<Response> } | undefined;
  if (typeof app?.handleError !== "function") return Promise.reject(error);
  return app.handleError(request, error);
}
