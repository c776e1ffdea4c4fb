/**
 * The application: routes, options, error views, and the one pipeline every
 * request goes through, from a socket or from `getResponse()`.
 */
import { createServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { HandlerClass, HandlerFunction } from "./adapters.js";
import { DEFAULT_BODY_LIMIT } from "./body-reader.js";
import { toResponse } from "./dispatcher.js";
import { errorPage } from "./error-page.js";
import { HttpError, NotImplemented } from "./errors.js";
import { DEFAULT_MAX_PARAMS } from "./multi-dict.js";
import { Request, type RequestInit } from "./request.js";
import { STANDARD_METHODS } from "./request-handler.js";
import { Response } from "./response.js";
import { abandonResponse, writeResponse } from "./response-writer.js";
import { Route, type Pattern, type RouteOptions } from "./route.js";
import { Router, type RouteLike } from "./router.js";

/** Where the application writes errors (and, with other issues, access lines). `console` fits; so do pino and friends. */
export interface Logger {
  error(message: string, ...meta: unknown[]): void;
  warn?(message: string, ...meta: unknown[]): void;
  info?(message: string, ...meta: unknown[]): void;
}

/** The `node:http` server settings the application passes on, under their Node names. */
export interface ServerSettings {
  headersTimeout?: number;
  requestTimeout?: number;
  keepAliveTimeout?: number;
  maxHeaderSize?: number;
  maxRequestsPerSocket?: number;
}

/** Options of `new Application(routes, options)`. */
export interface ApplicationOptions<Config = Record<string, unknown>> extends ServerSettings {
  /** Show stacks on 500 pages. Never in production. */
  debug?: boolean;
  /** A user object, available as `app.config`. */
  config?: Config;
  /** The methods served at all; others get 501 before routing. Default: the standard verbs. */
  allowedMethods?: Iterable<string>;
  /** Honour `X-Forwarded-For/Proto/Host` (behind a proxy you control). Default false. */
  trustProxy?: boolean;
  /** The default body limit in bytes (1 MB). */
  bodyLimit?: number;
  /** The most pairs a query string or form may hold (1,000); more is a 400. */
  maxParams?: number;
  /** Where errors are logged; `console` by default. */
  logger?: Logger;
}

/**
 * A custom error view, like Django's `handler404`: called with the request,
 * a fresh response carrying the error's status and headers, and the error.
 * It may return anything a handler may return.
 */
export type ErrorHandler = (request: Request, response: Response, error: unknown) => unknown;

/**
 * What `app.route()` returns: register the given class or function and
 * return it unchanged. Works as a standard decorator (`(cls, context)`, what
 * `tsc` emits), a legacy one (`(cls)`), and a plain call.
 */
export type Registrar = <T extends HandlerClass | HandlerFunction>(target: T, context?: unknown) => T;

/** Options of `app.close()`. */
export interface CloseOptions {
  /** Milliseconds to let in-flight requests finish before their connections are cut (10 s). */
  timeout?: number;
}

/**
 * A handlerkit application: an ordered router of handlers, the options, the
 * error views, and a `node:http` listener.
 *
 * @example
 * const app = new Application([
 *   [/^\/products\/(\d+)$/, ProductHandler],
 *   ["/blog/:year/:slug", PostHandler],
 *   new Route("/users/:id", UserHandler, { name: "user" }),
 * ]);
 * app.route("/")((request) => "Hello, world!");
 * await app.listen(8080);
 */
export class Application<Config = Record<string, unknown>> {
  /** The class used for requests; override in a subclass to extend `Request`. */
  static requestClass: typeof Request = Request;
  /** The class used for routers. */
  static routerClass: typeof Router = Router;

  readonly router: Router;
  readonly config: Config;
  readonly debug: boolean;
  /** App-wide objects (pools, clients, caches), by name. */
  readonly registry = new Map<string, unknown>();
  /** The methods served at all; a request with another method gets 501. */
  readonly allowedMethods: Set<string>;
  /** Custom error views by status; `errorHandlers[500]` also catches uncaught errors. */
  readonly errorHandlers: Record<number, ErrorHandler> = Object.create(null) as Record<number, ErrorHandler>;
  readonly trustProxy: boolean;
  readonly bodyLimit: number;
  readonly maxParams: number;
  logger: Logger;
  readonly serverSettings: Readonly<ServerSettings>;

  #requestClass: typeof Request;
  #server: Server | undefined;
  #closing = false;

  constructor(routes: Iterable<RouteLike> = [], options: ApplicationOptions<Config> = {}) {
    if ("insecureHTTPParser" in options) {
      throw new TypeError("insecureHTTPParser is refused: it lets request smuggling through. Fix the client instead.");
    }
    const statics = new.target as unknown as typeof Application;
    this.#requestClass = statics.requestClass;
    this.router = new statics.routerClass(routes);
    this.config = options.config ?? ({} as Config);
    this.debug = options.debug ?? false;
    this.allowedMethods = new Set([...(options.allowedMethods ?? STANDARD_METHODS)].map((m) => m.toUpperCase()));
    this.trustProxy = options.trustProxy ?? false;
    this.bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
    this.maxParams = options.maxParams ?? DEFAULT_MAX_PARAMS;
    this.logger = options.logger ?? console;
    const { headersTimeout, requestTimeout, keepAliveTimeout, maxHeaderSize, maxRequestsPerSocket } = options;
    this.serverSettings = { headersTimeout, requestTimeout, keepAliveTimeout, maxHeaderSize, maxRequestsPerSocket };
  }

  /**
   * Register a handler for `pattern`: as a class decorator, or called on a
   * function. Returns what it was given.
   *
   * @example
   * @app.route("/health") class Health extends RequestHandler { get() { return 204; } }
   * app.route("/hello/:name")((request, params) => `Hello, ${params.name}!`);
   */
  route(pattern: Pattern, options?: RouteOptions): Registrar {
    const router = this.router;
    return function register<T extends HandlerClass | HandlerFunction>(target: T, _context?: unknown): T {
      router.add(new Route(pattern, target, options));
      return target;
    };
  }

  /** Add a route at the end (a `Route` or a `[pattern, handler, options?]` pair). */
  add(route: RouteLike): Route {
    return this.router.add(route);
  }

  /** The URL of a named route; params the template does not use become the query string. */
  uriFor(name: string, params?: Record<string, unknown>, options?: import("./route.js").BuildOptions): string {
    return this.router.build(undefined, name, params, options);
  }

  /**
   * The pipeline, the same for socket and in-process requests:
   * 1. refuse methods outside `allowedMethods` (501);
   * 2. dispatch: match the route, adapt and call the handler (`router.dispatch`);
   * 3. turn the result into a `Response` (`toResponse`);
   * 4. on any error: the error views, then the built-in page (`handleError`);
   * 5. settle headers and drop bodies for HEAD/204/304 (`response.prepare`).
   */
  async process(request: Request): Promise<Response> {
    request.app = this;
    const response = new Response();
    let result: Response;
    try {
      if (!this.allowedMethods.has(request.method)) throw new NotImplemented(`Method ${request.method} is not served.`);
      result = toResponse(await this.router.dispatch(request, response), response);
    } catch (error) {
      result = await this.handleError(request, error);
    }
    result.prepare(request.method === "HEAD");
    return result;
  }

  /**
   * Answer an error: log it if it was not raised on purpose (any non-
   * `HttpError`, and 5xx), then `errorHandlers[status]`, then the built-in
   * error page. An error view that throws is logged and the built-in page
   * answers instead.
   */
  async handleError(request: Request, error: unknown): Promise<Response> {
    const status = error instanceof HttpError ? error.status : 500;
    if (status >= 500) this.logError(request, error);
    const view = this.errorHandlers[status];
    if (view !== undefined) {
      const response = new Response(undefined, status);
      if (error instanceof HttpError) for (const [name, value] of Object.entries(error.headers)) response.headers.set(name, value);
      try {
        return toResponse(await view(request, response, error), response);
      } catch (viewError) {
        this.logError(request, viewError, `error view for ${status} failed`);
      }
    }
    return errorPage(request, error, this.debug);
  }

  /** Log an error once with the request's method and path. */
  logError(request: Request, error: unknown, what = "uncaught error"): void {
    try {
      this.logger.error(`${request.method} ${request.rawPath}: ${what}`, error);
    } catch {
      // A broken logger must not take the request down with it.
    }
  }

  /**
   * Run a request in process, through exactly the pipeline a socket request
   * takes, and resolve to the `Response`. `target` is a path, an absolute
   * URL, or a `Request`.
   *
   * @example
   * const res = await app.getResponse("/users/7", { headers: { accept: "application/json" } });
   * expect(res.status).toBe(200);
   * expect(await res.json()).toEqual({ id: "7" });
   */
  getResponse(target: string | Request, init?: RequestInit): Promise<Response> {
    const request = target instanceof Request ? target : this.#requestClass.blank(target, init);
    return this.process(request);
  }

  /** The `node:http` request listener: `http.createServer(app.handle)` works. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    void this.#serve(req, res);
  };

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let response: Response;
    try {
      response = await this.process(this.#requestClass.fromNode(req));
      if (this.#closing) response.headers.set("connection", "close");
      writeResponse(response, res);
    } catch (error) {
      // Only a fault in the framework itself gets here; never crash on it.
      this.logger.error(`${req.method} ${req.url}: could not write the response`, error);
      abandonResponse(res);
    }
  }

  /** Create (but do not start) a `node:http` server for this application, with its server settings. */
  createServer(): Server {
    const { maxHeaderSize, headersTimeout, requestTimeout, keepAliveTimeout, maxRequestsPerSocket } = this.serverSettings;
    const options: ServerOptions = {};
    if (maxHeaderSize !== undefined) options.maxHeaderSize = maxHeaderSize;
    const server = createServer(options, this.handle);
    if (headersTimeout !== undefined) server.headersTimeout = headersTimeout;
    if (requestTimeout !== undefined) server.requestTimeout = requestTimeout;
    if (keepAliveTimeout !== undefined) server.keepAliveTimeout = keepAliveTimeout;
    if (maxRequestsPerSocket !== undefined) server.maxRequestsPerSocket = maxRequestsPerSocket;
    return server;
  }

  /**
   * Start serving on `port` (0 picks a free one) and `host`; resolves to the
   * `http.Server` once it listens.
   */
  listen(port = 8080, host?: string): Promise<Server> {
    if (this.#server) return Promise.reject(new Error("This application is already listening; close() it first."));
    const server = this.createServer();
    this.#server = server;
    this.#closing = false;
    return new Promise((resolve, reject) => {
      server.once("error", (error) => {
        this.#server = undefined;
        reject(error);
      });
      server.listen(port, host, () => resolve(server));
    });
  }

  /** The address the server listens on, once `listen()` resolved. */
  get address(): AddressInfo | undefined {
    const address = this.#server?.address();
    return address && typeof address === "object" ? address : undefined;
  }

  /**
   * Stop serving: refuse new connections, close idle keep-alive ones at once,
   * let in-flight requests finish (answered with `Connection: close`), and
   * cut what is left after `timeout`. Resolves when the server is closed.
   */
  async close(options: CloseOptions = {}): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    this.#closing = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const timer = setTimeout(() => server.closeAllConnections(), options.timeout ?? 10_000);
    timer.unref();
    await closed;
    clearTimeout(timer);
  }
}
