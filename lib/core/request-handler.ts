/**
 * The base class of class-based handlers, webapp2's `RequestHandler`.
 */
import { abort, type AbortOptions } from "../http/errors.js";
import { allowedSet, methodName, STANDARD_METHODS } from "../http/methods.js";
import { RETHROWING } from "./handler.js";
import type { Request, RequestApp } from "./request.js";
import { checkRedirectHost, Response, type RedirectPolicy } from "./response.js";
import type { BuildOptions } from "./route.js";
import { checkRedirectTarget, sameOriginPath } from "../security/safe-redirect.js";
import { renderInto } from "./templates.js";

export { methodName, STANDARD_METHODS } from "../http/methods.js";

// perf: once per class and set of allowed methods, not per request: a 405
// or OPTIONS reads the precomputed set. Keyed by the app's `allowedMethods`
// too, so a class mounted in two apps answers each with its own. Routes
// compute the same set when they are added (`route.allowed`); this is for a
// class the route could not see (a lazy handler) or one used without a route.
const implementedCache = new WeakMap<Iterable<string>, WeakMap<Function, ReadonlySet<string>>>();

function implemented(handler: RequestHandler): ReadonlySet<string> {
  const cls = handler.constructor;
  const allowed: Iterable<string> = handler.app?.allowedMethods ?? STANDARD_METHODS;
  let byClass = implementedCache.get(allowed);
  if (byClass === undefined) implementedCache.set(allowed, (byClass = new WeakMap()));
  let methods = byClass.get(cls);
  if (methods === undefined) {
    const found: string[] = [];
    for (const method of allowed) {
      if (typeof (handler as unknown as Record<string, unknown>)[methodName(method)] === "function") found.push(method);
    }
    methods = allowedSet(found, allowed);
    byClass.set(cls, methods);
  }
  return methods;
}

// The Allow of this handler's path: the router's union when there is one
// (so a 405 here and OPTIONS agree), else the class's own methods.
function allowOf(handler: RequestHandler): string {
  const own = implemented(handler);
  const router = handler.app?.router;
  return router !== undefined && handler.request.route !== undefined ? router.allow(handler.request, own) : [...own].join(", ");
}

/** Options of `handler.redirect()`; `allowOtherHost` lets the target leave this host. */
export interface RedirectOptions extends RedirectPolicy {
  /** A 301 instead of a 302. */
  permanent?: boolean;
  /** An explicit 3xx status (303, 307, 308, ...). */
  status?: number;
  /**
   * The target came from the client (`?next=`): keep it on this site. A
   * target that would leave it (`//evil.example`, `/\evil.example`, an
   * absolute URL, `javascript:`) goes to `fallback` instead, never to an
   * error; see `sameOriginPath`.
   */
  sameSite?: boolean;
  /** Where a refused `sameSite` target goes instead (`/`). */
  fallback?: string;
}

/**
 * The base class of class handlers. Name a method after each HTTP verb it
 * serves (`get`, `post`, ..., `propfind` for an allowed WebDAV verb); route
 * parameters arrive as positional strings (unnamed RegExp groups) or as one
 * params object (named parameters). Sync and async methods both work, and
 * whatever a method returns is turned into the response (see the dispatcher).
 *
 * @example
 * class UserHandler extends RequestHandler {
 *   async get(params: { id: string }) {
 *     const user = await db.find(params.id);
 *     if (!user) this.abort(404);
 *     return user;                       // sent as JSON
 *   }
 * }
 */
export class RequestHandler {
  /** The request being handled. */
  request!: Request;
  /** The response a method may write to (`write()`, headers, cookies); what it returns is written into it. */
  response!: Response;
  /** The application (`request.app`). */
  app!: RequestApp;

  constructor(request: Request, response: Response) {
    this.initialize(request, response);
  }

  /**
   * The request's `AbortSignal`: it fires when the client disconnects or
   * the route's `timeout` expires (see `request.signal`).
   */
  get signal(): AbortSignal {
    return this.request.signal;
  }

  /** Set `request`, `response` and `app`. Override to prepare per-request state (call `super`). */
  initialize(request: Request, response: Response): void {
    this.request = request;
    this.response = response;
    this.app = request.app;
  }

  /**
   * Call the method for the request's verb (or the route's `handlerMethod`)
   * and return what it returned. Override to act before and after, or to
   * refuse with `this.abort(403)`. `HEAD` falls back to `get` (the body is
   * dropped when sending); `OPTIONS` without a method answers 204 with
   * `Allow`; any other missing method is a 405 with `Allow`. `Allow` lists
   * the methods of every route serving this path (`router.allow()`), `HEAD`
   * beside `GET`, and `OPTIONS`.
   */
  dispatch(): unknown {
    const request = this.request;
    const name = request.route?.handlerMethod ?? methodName(request.method);
    let method = (this as unknown as Record<string, unknown>)[name];
    if (typeof method !== "function") {
      if (request.method === "HEAD" && typeof (this as { get?: unknown }).get === "function") {
        method = (this as unknown as { get: Function }).get;
      } else if (request.method === "OPTIONS" && name === "options") {
        this.response.setStatus(204).headers.set("allow", allowOf(this));
        return undefined;
      } else {
        abort(405, { headers: { allow: allowOf(this) } });
      }
    }
    if (request.route?.named) return (method as Function).call(this, request.routeKwargs);
    const args = request.routeArgs;
    return args.length === 0 ? (method as Function).call(this) : (method as Function).apply(this, args);
  }

  /** Throw the `HttpError` for `status` (404 → `NotFound`), ending the request. */
  abort(status: number, options?: AbortOptions): never {
    abort(status, options);
  }

  /** Set the status and clear what was written, without stopping the method (webapp2's `error()`). */
  error(status: number): void {
    this.response.setStatus(status);
    this.response.clear();
  }

  /**
   * Answer with a redirect to `uri` (302, or 301 when `permanent`) and
   * return the response, so `return this.redirect("/")` reads well. The
   * target stays on this site unless told otherwise:
   *
   * - a path-like target is normalized to a path here (`//evil.example`
   *   goes to `/evil.example`);
   * - a target on another host (`https://other.example`) throws a
   *   `TypeError` naming the options (a logged 500, no `Location`), unless
   *   `allowOtherHost` is set or the host is in the app's `redirectHosts`;
   * - with `sameSite`, a target from the client that would leave the site
   *   goes to `fallback` (`/`) instead, never to an error;
   * - `javascript:`, `data:` and `vbscript:` are refused whatever the options.
   *
   * @example
   * return this.redirect(this.request.get("next") ?? "/", { sameSite: true });
   * return this.redirect("https://id.example/login", { allowOtherHost: true });
   */
  redirect(uri: string, options: RedirectOptions = {}): Response {
    const status = options.status ?? (options.permanent ? 301 : 302);
    if (!Number.isInteger(status) || status < 300 || status > 399) throw new RangeError(`A redirect status is 3xx, not ${status}.`);
    const target = options.sameSite ? (sameOriginPath(uri) ?? options.fallback ?? "/") : uri;
    const location = checkRedirectTarget(target);
    if (options.allowOtherHost !== true) checkRedirectHost(location, this.request);
    this.response.clear();
    this.response.setStatus(status);
    this.response.headers.set("location", location);
    return this.response;
  }

  /** Redirect to a named route (see `uriFor`). */
  redirectTo(name: string, params?: Record<string, unknown>, options: RedirectOptions & BuildOptions = {}): Response {
    return this.redirect(this.uriFor(name, params, options), options);
  }

  /** Build the URL of a named route, relative to this request (for `full` URLs). */
  uriFor(name: string, params?: Record<string, unknown>, options?: BuildOptions): string {
    return this.app.router.build(this.request, name, params, options);
  }

  /**
   * Render the template `name` into this handler's response and return it,
   * so `return this.render(...)` reads well: the body, `text/html;
   * charset=utf-8`, and `status` when given; headers and cookies already
   * set are kept. The context also holds `request`, `uriFor` and what the
   * context providers give. The app needs the `templates` option.
   *
   * @example
   * async get(params: { id: string }) {
   *   return this.render("todos/detail.html", { todo: await db.todo(params.id) });
   * }
   */
  render(name: string, context?: Record<string, unknown>, status?: number): Promise<Response> {
    return renderInto(this.request, name, context, status, this.response);
  }

  /**
   * Called with any error from `dispatch()`. Return a value to answer the
   * request with it; the default re-throws, passing the error on to
   * `app.errorHandlers` and the built-in error page.
   */
  handleException(error: unknown, _debug: boolean): unknown {
    throw error;
  }
}

RETHROWING.add(RequestHandler.prototype.handleException);
