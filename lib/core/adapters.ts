/**
 * Handler adapters: one small function per handler shape, made once per
 * route, that turns "call this handler" into `(request, response) => result`.
 */
import { LazyHandler, RETHROWING, type Handler, type HandlerClass, type HandlerFunction, type HandlerInstance } from "./handler.js";
import type { Request } from "./request.js";
import type { Response } from "./response.js";

/** An adapted handler: what the dispatcher calls for a matched route. */
export type Adapter = (request: Request, response: Response) => unknown;

/**
 * What an adapter factory needs of the router: a way to adapt another
 * handler (a lazy handler's, once loaded) through the factory in force.
 */
export interface AdapterHost {
  adapt(handler: Handler): Adapter;
}

/** Whether a handler's result is to be awaited: a promise, or any thenable. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === "function";
}

/** Whether a handler is a class with `dispatch()` on its prototype. */
export function isHandlerClass(handler: unknown): handler is HandlerClass {
  return typeof handler === "function" && typeof (handler.prototype as { dispatch?: unknown } | undefined)?.dispatch === "function";
}

/**
 * The adapter for class handlers: construct, `dispatch()`, and hand any
 * error to the instance's `handleException(error, debug)`, whose result
 * answers the request unless it throws. A method that returns a promise
 * gives a promise; a synchronous one gives its value as it is (await the
 * result either way).
 */
export function classAdapter(cls: HandlerClass): Adapter {
  return function adaptClass(request, response) {
    const handler = new cls(request, response);
    let result: unknown;
    try {
      result = handler.dispatch();
    } catch (error) {
      return rescue(handler, error, request);
    }
    // perf: hello. A synchronous method skips the promise machinery: no
    // async frame, no extra microtask before the response is written.
    return isThenable(result) ? settle(handler, result, request) : result;
  };
}

// perf(bench: json-post): one reaction, not an async frame awaiting the
// result: on Node 20 every promise made inside the request context runs the
// async hooks. A thenable that is not a promise is adopted, as `await` would.
// No reaction at all when `handleException` would only re-throw.
function settle(handler: HandlerInstance, result: PromiseLike<unknown>, request: Request): Promise<unknown> {
  const promise = result instanceof Promise ? result : Promise.resolve(result);
  const handleException = handler.handleException;
  if (typeof handleException !== "function" || RETHROWING.has(handleException)) return promise;
  return promise.then(undefined, (error: unknown) => rescue(handler, error, request));
}

function rescue(handler: HandlerInstance, error: unknown, request: Request): unknown {
  if (typeof handler.handleException !== "function") throw error;
  return handler.handleException(error, request.settings.debug);
}

/**
 * The adapter for function handlers: `fn(request, params)` when the route
 * has named parameters, else `fn(request, ...args)`.
 */
export function functionAdapter(fn: HandlerFunction): Adapter {
  return function adaptFunction(request) {
    if (request.route?.named) return fn(request, request.routeKwargs);
    const args = request.routeArgs;
    return args.length === 0 ? fn(request) : fn(request, ...args);
  };
}

/** The adapter for a lazy handler: load once, adapt what was loaded with the router, then delegate. */
export function lazyAdapter(router: AdapterHost, handler: LazyHandler): Adapter {
  let loading: Promise<Adapter> | undefined;
  let adapter: Adapter | undefined;
  return async function adaptLazy(request, response) {
    // A failed import is not cached: the next request tries again.
    adapter ??= await (loading ??= handler.load().then(
      (loaded) => router.adapt(loaded),
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    ));
    return adapter(request, response);
  };
}

/**
 * The default adapter factory: lazy handlers, classes with `dispatch()`, and
 * plain functions. Anything else is a registration error.
 */
export function defaultAdapter(router: AdapterHost, handler: Handler): Adapter {
  if (handler instanceof LazyHandler) return lazyAdapter(router, handler);
  if (isHandlerClass(handler)) return classAdapter(handler);
  if (typeof handler === "function") return functionAdapter(handler as HandlerFunction);
  throw new TypeError(
    `No adapter for handler ${String(handler)}: give a RequestHandler subclass, a function, or plug an adapter with router.setAdapter().`,
  );
}
