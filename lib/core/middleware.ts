/**
 * Middleware: code around the rest of the pipeline, in koa's onion shape
 * over handlerkit's own `Request` and `Response`, composed once when it is
 * registered.
 */
import { isThenable } from "./adapters.js";
import { toResponse } from "./dispatcher.js";
import type { Request } from "./request.js";
import { Response } from "./response.js";
import type { Settings } from "./settings.js";

/** What `next()` runs: the rest of the pipeline, always answered with a `Response`. */
export type Next = () => Promise<Response>;

/**
 * A middleware: called with the request and `next`. `await next()` runs the
 * rest of the pipeline (inner middleware, routing, the handler, the
 * return-value ladder) and resolves to its `Response`, error responses
 * included (errors inside are answered by the error views first), which the
 * middleware may change or replace. A middleware that returns without
 * calling `next()` answers the request itself: what it returns goes through
 * the same return-value ladder as a handler's result. What it throws is
 * answered by the error views. Calling `next()` twice is an error.
 *
 * @example
 * const timer: Middleware = async (request, next) => {
 *   const start = performance.now();
 *   const response = await next();
 *   response.headers.set("server-timing", `app;dur=${(performance.now() - start).toFixed(1)}`);
 *   return response;
 * };
 * app.use(timer);
 */
export interface Middleware {
  (request: Request, next: Next): unknown;
  /**
   * Called once when the middleware is registered (`app.use()`, or a route
   * carrying it being added to an app), with the settings it will run
   * under, so it can refuse a setup it cannot work in at that line rather
   * than at the first request: `sessions()` throws here on an app with no
   * `secrets`. Optional; most middleware has none.
   */
  register?(settings: Settings): void;
}

/** The inner pipeline a chain of middleware runs around: it answers with a `Response` and does not throw. */
export type Endpoint = (request: Request) => Response | Promise<Response>;

/** How a chain answers what a middleware throws: the error views (`app.handleError`). */
export type ErrorAnswer = (request: Request, error: unknown) => Response | Promise<Response>;

const NEXT_TWICE = "next() was called twice by one middleware: call it once, and await what it returns.";
const MIDDLEWARE_RETURNED_FUNCTION = "A middleware returned a function: was a factory registered without calling it (app.use(cors) instead of app.use(cors()))?";

/**
 * Compose `middleware` around `endpoint`, once: the first middleware is the
 * outermost. The result runs the chain for a request and always answers
 * with a `Response`; a throw anywhere is answered by `fail`, so an outer
 * middleware sees an inner one's error as the error response it became.
 * With no middleware, the endpoint itself is returned: no cost at all.
 *
 * @example
 * const run = compose([cors(), compress()], (request) => app.process(request), app.handleError.bind(app));
 */
export function compose(middleware: readonly Middleware[], endpoint: Endpoint, fail: ErrorAnswer): Endpoint {
  let inner = endpoint;
  for (let i = middleware.length - 1; i >= 0; i--) inner = layer(middleware[i]!, inner, fail);
  return inner;
}

// One middleware around the rest. Its `next` is the one closure a request
// pays for each middleware, as koa-compose's.
function layer(middleware: Middleware, rest: Endpoint, fail: ErrorAnswer): Endpoint {
  return function runMiddleware(request) {
    let pending: Promise<Response> | undefined;
    const next: Next = () => {
      if (pending !== undefined) return Promise.reject(new Error(NEXT_TWICE));
      pending = Promise.resolve(rest(request));
      return pending;
    };
    let out: unknown;
    try {
      out = middleware(request, next);
    } catch (error) {
      return fail(request, error);
    }
    // perf(bench: middleware5): a middleware that hands back next()'s own
    // promise, or a Response, needs no step (and no Response) of its own.
    if (out === pending && out !== undefined) return out as Promise<Response>;
    if (out instanceof Response) return out;
    if (!isThenable(out)) return answer(request, out, pending, fail);
    return Promise.resolve(out).then(
      (value) => (value instanceof Response ? value : answer(request, value, pending, fail)),
      (error: unknown) => fail(request, error),
    );
  };
}

// A middleware's result: nothing after `next()` is next's response;
// anything else goes through the return-value ladder.
function answer(request: Request, value: unknown, pending: Promise<Response> | undefined, fail: ErrorAnswer): Response | Promise<Response> {
  if (value === undefined && pending !== undefined) return pending;
  // A factory registered uncalled (`app.use(cors)`) is called as a
  // middleware and returns the middleware it makes: say so.
  if (typeof value === "function") return fail(request, new TypeError(MIDDLEWARE_RETURNED_FUNCTION));
  try {
    return toResponse(value, new Response(), request.settings.json);
  } catch (error) {
    return fail(request, error);
  }
}

/**
 * The endpoint a route's own middleware runs around: its handler, called
 * through its adapter with a fresh response, and what it returns turned into
 * a `Response` by the return-value ladder; a throw is answered by `fail`.
 */
export function handlerEndpoint(adapter: (request: Request, response: Response) => unknown, fail: ErrorAnswer): Endpoint {
  return function callHandler(request) {
    const response = new Response();
    let out: unknown;
    try {
      out = adapter(request, response);
      if (!isThenable(out)) return toResponse(out, response, request.settings.json);
    } catch (error) {
      return fail(request, error);
    }
    return Promise.resolve(out).then(
      (value) => toResponse(value, response, request.settings.json),
      (error: unknown) => fail(request, error),
    ).catch((error: unknown) => fail(request, error));
  };
}

/**
 * Check a list of middleware when it is registered: each must be a function
 * `(request, next) => ...`. `where` names the registration in the error.
 * With `settings` (those it will run under), each one's `register` is called.
 */
export function checkMiddleware(middleware: readonly unknown[], where: string, settings?: Settings): Middleware[] {
  const checked = middleware.map((m, i) => {
    if (typeof m !== "function") {
      throw new TypeError(`${where}: middleware #${i + 1} is ${m === null ? "null" : typeof m}, not a function (request, next) => ...; did you call a factory such as cors() without its parentheses, or pass an array?`);
    }
    return m as Middleware;
  });
  if (settings !== undefined) registerMiddleware(checked, settings);
  return checked;
}

/** Call each middleware's `register` with the settings it will run under (see `Middleware.register`). */
export function registerMiddleware(middleware: readonly Middleware[], settings: Settings): void {
  for (const m of middleware) m.register?.(settings);
}
