/**
 * The base class of class-based handlers, webapp2's `RequestHandler`.
 */
import { abort, type AbortOptions } from "../http/errors.js";
import type { Request, RequestApp } from "./request.js";
import { Response } from "./response.js";
import type { BuildOptions } from "./route.js";
import { checkRedirectTarget, sameOriginPath } from "../security/safe-redirect.js";

/** The HTTP verbs a handler method may be named after (lower case), webapp2's standard set. */
export const STANDARD_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"] as const;

// perf: hello. The same method always gives the same name: computed once
// (only methods in `allowedMethods` get this far, so the map stays small).
const methodNames = new Map<string, string>();

/** The handler method name for an HTTP method: `GET` → `get`, `VERSION-CONTROL` → `version_control`. */
export function methodName(method: string): string {
  let name = methodNames.get(method);
  if (name === undefined) {
    name = method.toLowerCase().replace(/-/g, "_");
    methodNames.set(method, name);
  }
  return name;
}

/** What a handler class implements, computed once per class. */
interface Implemented {
  /** The implemented methods, sorted and `, `-joined, for `Allow`. */
  allow: string;
}

// perf: once per class and set of allowed methods, not per request: a 405
// or OPTIONS reads the precomputed `Allow` string. Keyed by the app's
// `allowedMethods` too, so a class mounted in two apps answers each with
// its own.
const implementedCache = new WeakMap<Iterable<string>, WeakMap<Function, Implemented>>();

function implemented(handler: RequestHandler): Implemented {
  const cls = handler.constructor;
  const allowed: Iterable<string> = handler.app?.allowedMethods ?? STANDARD_METHODS;
  let byClass = implementedCache.get(allowed);
  if (byClass === undefined) implementedCache.set(allowed, (byClass = new WeakMap()));
  let info = byClass.get(cls);
  if (info === undefined) {
    const methods = new Set<string>();
    for (const method of allowed) {
      if (typeof (handler as unknown as Record<string, unknown>)[methodName(method)] === "function") methods.add(method);
    }
    info = { allow: [...methods].sort().join(", ") };
    byClass.set(cls, info);
  }
  return info;
}

/** Options of `handler.redirect()`. */
export interface RedirectOptions {
  /** A 301 instead of a 302. */
  permanent?: boolean;
  /** An explicit 3xx status (303, 307, 308, ...). */
  status?: number;
  /**
   * The target came from the client (`?next=`): keep it on this site. A
   * target that would leave it (`//evil.example`, `/\evil.example`, an
   * absolute URL) goes to `fallback` instead; see `sameOriginPath`.
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
  request!: Request;
  response!: Response;
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
   * `Allow`; any other missing method is a 405 with `Allow`.
   */
  dispatch(): unknown {
    const request = this.request;
    const name = request.route?.handlerMethod ?? methodName(request.method);
    let method = (this as unknown as Record<string, unknown>)[name];
    if (typeof method !== "function") {
      if (request.method === "HEAD" && typeof (this as { get?: unknown }).get === "function") {
        method = (this as unknown as { get: Function }).get;
      } else if (request.method === "OPTIONS" && name === "options") {
        this.response.setStatus(204).headers.set("allow", implemented(this).allow);
        return undefined;
      } else {
        abort(405, { headers: { allow: implemented(this).allow } });
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
   * return the response, so `return this.redirect("/")` reads well. With
   * `sameSite`, a target from the client is kept on this site. A
   * `javascript:` (or `data:`, `vbscript:`) target is refused with a
   * `TypeError`, never sent.
   *
   * @example
   * return this.redirect(this.request.get("next") ?? "/", { sameSite: true });
   */
  redirect(uri: string, options: RedirectOptions = {}): Response {
    const status = options.status ?? (options.permanent ? 301 : 302);
    if (status < 300 || status > 399) throw new RangeError(`A redirect status is 3xx, not ${status}.`);
    const target = options.sameSite ? (sameOriginPath(uri) ?? options.fallback ?? "/") : uri;
    this.response.clear();
    this.response.setStatus(status);
    this.response.headers.set("location", checkRedirectTarget(target));
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
   * Called with any error from `dispatch()`. Return a value to answer the
   * request with it; the default re-throws, passing the error on to
   * `app.errorHandlers` and the built-in error page.
   */
  handleException(error: unknown, _debug: boolean): unknown {
    throw error;
  }
}
