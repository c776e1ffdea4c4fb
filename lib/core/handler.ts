/**
 * The shapes of handlers a route may hold: classes with `dispatch()`, plain
 * functions, and handlers loaded lazily on first use. Adapters
 * (`adapters.ts`) decide how each shape is called.
 */
import type { Request } from "./request.js";
import type { Response } from "./response.js";

/**
 * A handler as routes hold it: a class with `dispatch()`, a function, a
 * lazy handler, or any other object for an adapter plugged in with
 * `router.setAdapter()`. The router's adapters decide which are callable.
 */
export type Handler = HandlerClass | HandlerFunction | LazyHandler | object;

/** A class handler: constructed with `(request, response)`, answering through `dispatch()`. */
export interface HandlerInstance {
  dispatch(): unknown;
  handleException?(error: unknown, debug: boolean): unknown;
}

/**
 * The `handleException` methods that only re-throw, as `RequestHandler`'s
 * own does: the class adapter need not catch for them what an asynchronous
 * method throws, since the application's error handling gets it anyway.
 */
export const RETHROWING = new WeakSet<Function>();

/** The constructor of a class handler (`RequestHandler` subclasses, or any class with `dispatch()`). */
export type HandlerClass = new (request: Request, response: Response) => HandlerInstance;

/**
 * A function handler: called with the request, then the positional route
 * arguments, or one params object when the route has named parameters.
 */
export type HandlerFunction = (request: Request, ...argsOrParams: any[]) => unknown;

/**
 * A handler given lazily: its module is imported on first use and the
 * export cached, as webapp2 did with dotted strings. Made by {@link lazy}.
 */
export class LazyHandler {
  readonly loader: () => Promise<unknown>;
  readonly exportName: string;

  constructor(loader: () => Promise<unknown>, exportName = "default") {
    this.loader = loader;
    this.exportName = exportName;
  }

  /** Import the module and return the named export, or a clear error if it is missing. */
  async load(): Promise<Handler> {
    const module = (await this.loader()) as Record<string, unknown>;
    const handler = module?.[this.exportName];
    if (handler === undefined) throw new TypeError(`The lazily loaded module has no export "${this.exportName}".`);
    // Whatever it is, the adapter factory decides whether it can be called.
    return handler as Handler;
  }
}

/**
 * Give a handler lazily: `loader` is called (once) when the route is first
 * dispatched, and the export `exportName` of what it resolves to is used.
 *
 * @example
 * new Route("/products/:id", lazy(() => import("../handlers/product.js"), "ProductHandler"));
 */
export function lazy(loader: () => Promise<unknown>, exportName = "default"): LazyHandler {
  return new LazyHandler(loader, exportName);
}
