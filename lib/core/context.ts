/**
 * The current request, from anywhere in its call chain: a plain slot while
 * a synchronous handler runs, `AsyncLocalStorage` when anything in the
 * request may go asynchronous.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Request, RequestApp } from "./request.js";

/** The storage the application runs a request in when it may go asynchronous (see `runInContext`). */
export const requestContext = new AsyncLocalStorage<Request>();

// perf(bench: hello): on Node 20, AsyncLocalStorage turns on async_hooks for
// the whole process the first time it is entered, and from then on every
// promise, timer and socket write pays for it (about 5 µs per hello
// request). An application whose handlers are all synchronous never needs
// it: the request is current for exactly the synchronous call.
let current: Request | undefined;

/**
 * Call `fn(request)` with `request` current (for `getRequest()`) during
 * the synchronous call only, without `AsyncLocalStorage`. For pipelines in
 * which no user code can go asynchronous (see `runsSynchronously` in
 * `adapters.ts`).
 */
export function runSync<T>(request: Request, fn: (request: Request) => T): T {
  const previous = current;
  current = request;
  try {
    return fn(request);
  } finally {
    current = previous;
  }
}

/**
 * Call `fn(request)` inside the `AsyncLocalStorage` context of `request`,
 * so that `getRequest()` gives it anywhere in the async call chain that
 * starts there.
 */
export function runInContext<T>(request: Request, fn: (request: Request) => T): T {
  if (current === undefined) return requestContext.run(request, fn, request);
  // Inside another request's synchronous call (a handler calling
  // `app.getResponse()`): that request is not current in this one.
  const previous = current;
  current = undefined;
  try {
    return requestContext.run(request, fn, request);
  } finally {
    current = previous;
  }
}

/**
 * Call a user function for `request` (an error view, say) so that its
 * async call chain keeps the request: an `async` function called from a
 * synchronous pipeline (see {@link runSync}) is called inside the
 * `AsyncLocalStorage` context; anything else is called as it is.
 */
export function callForRequest<A extends unknown[], T>(request: Request, fn: (...args: A) => T, ...args: A): T {
  if (current !== request || !isAsyncFunction(fn)) return fn(...args);
  return runInContext(request, () => fn(...args));
}

/** Whether `fn` is an `async` function or async generator function (bound ones included). */
export function isAsyncFunction(fn: unknown): boolean {
  if (typeof fn !== "function") return false;
  const tag = (fn as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  return tag === "AsyncFunction" || tag === "AsyncGeneratorFunction";
}

/**
 * The request being handled, from anywhere in its call chain (a model, a
 * logger, a helper deep in a service), or `undefined` outside one. The
 * application keeps it on by default; turn it off with the application
 * option `context: false`, and this returns `undefined`.
 *
 * In an application whose handlers are all synchronous, the request is
 * current during the synchronous call only (no `AsyncLocalStorage`, which
 * Node 20 makes costly): asynchronous work such a handler starts and does
 * not return (a timer, a promise left running) does not see it. See
 * docs/handlers.md ("The current request, anywhere").
 *
 * @example
 * export function audit(action: string) {
 *   const request = getRequest();
 *   log.info({ action, path: request?.rawPath, id: request?.id });
 * }
 */
export function getRequest(): Request | undefined {
  return current ?? requestContext.getStore();
}

/** The application handling the current request (see {@link getRequest}). */
export function getApp(): RequestApp | undefined {
  return getRequest()?.app;
}
