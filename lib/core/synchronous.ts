/**
 * Which handlers can be called with the request current for the
 * synchronous call only (see `runSync` in `context.ts`): those in which no
 * user code can go asynchronous, as far as can be told before calling them.
 */
import { isHandlerClass } from "./adapters.js";
import { isAsyncFunction } from "./context.js";
import { LazyHandler, type Handler } from "./handler.js";
import { methodName } from "./request-handler.js";

/**
 * Whether calling `handler` for a request can only run synchronous user
 * code, as far as can be told before calling it: a function that is not
 * `async`, or a class with `dispatch()` none of whose methods a dispatch
 * may call (`dispatch`, `handleException`, `initialize`, the verb methods
 * of `methods`, `handlerMethod`) is `async`. A lazy handler, an object for
 * a custom adapter, or a method behind a getter may be anything: `false`.
 */
export function runsSynchronously(handler: Handler, methods: Iterable<string>, handlerMethod?: string): boolean {
  if (handler instanceof LazyHandler) return false;
  if (isHandlerClass(handler)) {
    const names = ["dispatch", "handleException", "initialize"];
    for (const method of methods) names.push(methodName(method));
    if (handlerMethod !== undefined) names.push(handlerMethod);
    for (const name of names) {
      const found = lookup(handler.prototype as object, name);
      if (found === "getter" || isAsyncFunction(found)) return false;
    }
    return true;
  }
  return typeof handler === "function" && !isAsyncFunction(handler);
}

// A method as the prototype chain gives it, without running a getter.
function lookup(proto: object | null, name: string): unknown {
  for (; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, name);
    if (descriptor !== undefined) return "value" in descriptor ? descriptor.value : "getter";
  }
  return undefined;
}
