/**
 * The application: routes, options, error views, and the one pipeline every
 * request goes through, from a socket or from `getResponse()`.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { logAccess, type AccessLogOption } from "./server/access-log.js";
import { isThenable } from "./core/adapters.js";
import { runsSynchronously } from "./core/synchronous.js";
import { DEFAULT_BODY_LIMIT } from "./http/body-reader.js";
import { callForRequest, runInContext, runSync } from "./core/context.js";
import { checkMiddleware, compose, type Endpoint, type Middleware } from "./core/middleware.js";
import { toResponse } from "./core/dispatcher.js";
import { errorPage, errorResponse } from "./views/error-page.js";
import { HttpError, NotImplemented, readableError, ServiceUnavailable } from "./http/errors.js";
import type { JsonOptions } from "./http/json-encoder.js";
import { watchUnhandledRejections } from "./server/fault-guard.js";
import { DEFAULT_MAX_PARAMS } from "./http/multi-dict.js";
import { Signer } from "./security/signer.js";
import { DEFAULT_MAX_PARAM_LENGTH, DEFAULT_MAX_PATH_LENGTH, guardPath } from "./security/path-guard.js";
import { guardHost, HostList } from "./security/host-guard.js";
import { Request, type RequestInit } from "./core/request.js";
import type { Logger } from "./core/logger.js";
import type { Settings } from "./core/settings.js";
import { Templates, type TemplateOptions } from "./core/templates.js";
import { nunjucksEngine } from "./extras/nunjucks-engine.js";
import { openApiDocument, type OpenApiDocument, type OpenApiOptions } from "./extras/openapi.js";
import { STANDARD_METHODS } from "./core/request-handler.js";
import { Response } from "./core/response.js";
import type { Converter } from "./core/converters.js";
import { Route, type BuildOptions, type HandlerFor, type HandlerParams, type Pattern, type RequestFor, type RouteOptions, type TrailingSlash } from "./core/route.js";
import type { CheckResult, RouteName, RouteParams, UriForArgs } from "./core/route-params.js";
import type { RouteSchema } from "./core/route-schema.js";
import { Router, type RouteLike } from "./core/router.js";
import { addRouteFolder, type LoadRoutesOptions } from "./routes/load-routes.js";
import { Health, type HealthChecks, type HealthOptions } from "./server/health.js";
import { ProxyTrust, type TrustProxyOption } from "./security/proxy-trust.js";
import { awaitsContinue } from "./http/body-reader.js";
import { endHttp2Upload } from "./server/http2-limits.js";
import { lingerOnClose } from "./server/linger.js";
import { answerRefused, endsConnection, refusedRequest } from "./server/protocol.js";
import { createNodeServer, GracefulServer, runApplication, type ListenOptions, type NodeServer, type RunOptions, type ServerSettings } from "./server/server.js";

export type { ServerSettings } from "./server/server.js";

export type { Logger } from "./core/logger.js";

declare module "./core/request.js" {
  // `request.app` and `handler.app` are the application (see `RequestApp`).
  interface RequestApp extends Application<any, any> {}
}

/** Options of `new Application(routes, options)`. */
export interface ApplicationOptions<Config = Record<string, unknown>> extends ServerSettings {
  /** Show stacks on 500 pages. Never in production. */
  debug?: boolean;
  /** A user object, available as `app.config`. */
  config?: Config;
  /** The methods served at all; others get 501 before routing. Default: the standard verbs. */
  allowedMethods?: Iterable<string>;
  /**
   * Believe `X-Forwarded-For/Proto/Host`, `Forwarded` and `X-Request-Id`
   * from the proxies in front: `true` from any peer (one hop), or only from
   * the peers in a list of addresses and CIDR ranges (`["10.0.0.0/8",
   * "fd00::/8"]`), whose hops a chain is walked past. Default false.
   */
  trustProxy?: TrustProxyOption;
  /**
   * The hosts requests may name (Django's `ALLOWED_HOSTS`): `example.com`,
   * `.example.com` for it and its subdomains, `*` for any. A request naming
   * another is a 400. Default: any valid host. See docs/security.md.
   */
  allowedHosts?: readonly string[];
  /**
   * Other hosts that redirects may go to without `allowOtherHost` (same
   * forms as `allowedHosts`). Default: none, only the request's own host.
   */
  redirectHosts?: readonly string[];
  /** The default body limit in bytes (1 MB). */
  bodyLimit?: number;
  /** Size limits of requests; see {@link Limits}. */
  limits?: Limits;
  /** @deprecated Use `limits.params`. */
  maxParams?: number;
  /** @deprecated Use `limits.path`. */
  maxPathLength?: number;
  /** @deprecated Use `limits.segment`. */
  maxParamLength?: number;
  /** Where errors are logged; `console` by default. */
  logger?: Logger;
  /** One line per request through `logger.info`: `true`/`"text"`, `"json"`, or a function given the record. Off by default. */
  accessLog?: AccessLogOption;
  /** How JSON is written (JSON views, JSON error bodies) and read (`request.json()`): `{ stringify, parse, indent, contentType }`. */
  json?: JsonOptions;
  /**
   * The trailing-slash policy of routes that set none: `strict` (default),
   * `redirect` (301, or 308 for other methods than GET/HEAD) or `ignore`.
   */
  trailingSlash?: TrailingSlash;
  /**
   * Milliseconds a handler may take (routes may set their own); past it
   * `request.signal` aborts and the client gets 503. Off by default.
   */
  timeout?: number;
  /**
   * Keep the request current so `getRequest()` and `getApp()` work anywhere
   * in its call chain: in an `AsyncLocalStorage` context, or, when every
   * handler is synchronous, for the synchronous call only (see
   * docs/handlers.md, "The current request, anywhere").
   * Default true.
   */
  context?: boolean;
  /** Answer JSON errors as RFC 9457 `application/problem+json` (`type`, `title`, `status`, `detail`, `instance`). Default false. */
  problemDetails?: boolean;
  /**
   * The keys that sign cookies (`response.setSignedCookie()`, sessions):
   * the current one first, older ones after it, still accepted, so a key
   * rotates without logging anyone out. Each at least 32 bytes; a shorter
   * one is a `TypeError` here. Keep them out of the source (an environment
   * variable, a secret store).
   *
   * @example
   * new Application(routes, { secrets: [process.env.SECRET!, process.env.PREVIOUS_SECRET!] });
   */
  secrets?: readonly string[];
  /** Render HTML pages from a template folder (`render()`, `handler.render()`, `404.html`); see docs/templates.md. */
  templates?: TemplateOptions;
}

/**
 * The size limits of `ApplicationOptions.limits`. The body limit keeps its
 * flat name, `bodyLimit`, which routes and handler classes may override.
 *
 * @example
 * new Application(routes, { bodyLimit: 5_000_000, limits: { params: 200, path: 2048 } });
 */
export interface Limits {
  /** The most pairs a query string or form may hold (1,000); more is a 400. */
  params?: number;
  /** The longest raw path in bytes (8 KiB); longer is a 414. */
  path?: number;
  /** The longest path segment, and so route parameter, in bytes (1 KiB); longer is a 414. */
  segment?: number;
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
export type Registrar<P extends Pattern = Pattern, Params = P extends string ? RouteParams<P> : never, Req extends Request = Request> = <T extends HandlerFor<P, Params, Req>>(
  target: T & CheckResult<T>,
  context?: unknown,
) => T;

/** Options of `app.close()`. */
export interface CloseOptions {
  /** Milliseconds to let in-flight requests finish before their connections are cut (10 s). */
  timeout?: number;
  /**
   * Milliseconds to keep serving, with readiness answering 503 and responses
   * carrying `Connection: close`, before the drain starts (0). Behind a load
   * balancer, longer than its health-check interval times its failure count;
   * in Kubernetes, the pre-stop delay (`SHUTDOWN_DRAIN_MS` for `app.run()`).
   */
  drainDelay?: number;
}

/** A startup or shutdown hook (`app.onStartup`, `app.onShutdown`). */
export type LifecycleHook = (app: Application<any, any>) => unknown;

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
export class Application<Config = Record<string, unknown>, const Routes extends readonly RouteLike[] = RouteLike[]> {
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
  /** The `trustProxy` option as given. */
  readonly trustProxy: TrustProxyOption;
  readonly bodyLimit: number;
  readonly maxParams: number;
  readonly maxPathLength: number;
  readonly maxParamLength: number;
  logger: Logger;
  /** The app's JSON options (see `ApplicationOptions.json`); JSON views may override them. */
  readonly json: Readonly<JsonOptions>;
  /** Whether JSON errors are RFC 9457 problem details (routes may override). */
  readonly problemDetails: boolean;
  /** The trailing-slash policy of routes that set none. */
  readonly trailingSlash: TrailingSlash;
  /** The default handler timeout in milliseconds (`undefined`: none). */
  readonly timeout: number | undefined;
  /** Whether requests run in the `getRequest()` context. */
  readonly context: boolean;
  readonly serverSettings: Readonly<ServerSettings>;

  #requestClass: typeof Request;
  #server: GracefulServer | undefined;
  #closing = false;
  #health: Health | undefined;
  #accessLog: Exclude<AccessLogOption, false> | undefined;
  #startupHooks: LifecycleHook[] = [];
  #shutdownHooks: LifecycleHook[] = [];
  #stopping: Promise<void> | undefined;
  // The server close() is draining, so `address` still answers during its drainDelay.
  #draining: GracefulServer | undefined;
  #unwatchFaults: (() => void) | undefined;

  constructor(routes: Routes | Iterable<RouteLike> = [], options: ApplicationOptions<Config> = {}) {
    if ("insecureHTTPParser" in options) {
      throw new TypeError("insecureHTTPParser is refused: it lets request smuggling through. Fix the client instead.");
    }
    const statics = new.target as unknown as typeof Application;
    this.#requestClass = statics.requestClass;
    this.config = options.config ?? ({} as Config);
    this.debug = options.debug ?? false;
    this.allowedMethods = new Set([...(options.allowedMethods ?? STANDARD_METHODS)].map((m) => m.toUpperCase()));
    this.trustProxy = options.trustProxy ?? false;
    this.bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
    this.maxParams = options.limits?.params ?? options.maxParams ?? DEFAULT_MAX_PARAMS;
    this.maxPathLength = options.limits?.path ?? options.maxPathLength ?? DEFAULT_MAX_PATH_LENGTH;
    this.maxParamLength = options.limits?.segment ?? options.maxParamLength ?? DEFAULT_MAX_PARAM_LENGTH;
    this.logger = options.logger ?? console;
    this.json = Object.freeze({ ...options.json });
    this.problemDetails = options.problemDetails ?? false;
    this.trailingSlash = options.trailingSlash ?? "strict";
    this.timeout = options.timeout;
    this.context = options.context ?? true;
    const templates = options.templates && new Templates({ ...options.templates, engine: options.templates.engine ?? nunjucksEngine({ dir: options.templates.dir, debug: this.debug }) }, this.debug);
    if (templates !== undefined) this.onStartup(() => templates.load());
    // Every setting the request path reads, resolved here once; routes lay
    // their own options over these when they are added.
    const settings: Settings = Object.freeze({
      debug: this.debug,
      bodyLimit: this.bodyLimit,
      maxParams: this.maxParams,
      trustProxy: ProxyTrust.from(this.trustProxy),
      jsonParse: this.json.parse ?? JSON.parse,
      json: this.json,
      jsonErrors: false,
      problemDetails: this.problemDetails,
      trailingSlash: this.trailingSlash,
      timeout: this.timeout,
      signer: options.secrets === undefined ? undefined : new Signer(options.secrets),
      allowedMethods: this.allowedMethods,
      allowedHosts: options.allowedHosts === undefined ? undefined : new HostList(options.allowedHosts, "allowedHosts"),
      redirectHosts: options.redirectHosts === undefined ? undefined : new HostList(options.redirectHosts, "redirectHosts"),
      templates,
    });
    this.router = new statics.routerClass(routes, settings);
    this.#processInContext = this.process.bind(this);
    this.#accessLog = options.accessLog === false ? undefined : options.accessLog;
    const { headersTimeout, requestTimeout, keepAliveTimeout, maxHeaderSize, maxRequestsPerSocket, sendTimeout, connectionsCheckingInterval } = options;
    this.serverSettings = { headersTimeout, requestTimeout, keepAliveTimeout, maxHeaderSize, maxRequestsPerSocket, sendTimeout, connectionsCheckingInterval };
  }

  /**
   * Register a handler for `pattern`: as a class decorator, or called on a
   * function. Returns what it was given.
   *
   * @example
   * @app.route("/health") class Health extends RequestHandler { get() { return 204; } }
   * app.route("/hello/:name")((request, params) => `Hello, ${params.name}!`);
   */
  route<const P extends Pattern, const C extends Record<string, RegExp | Converter<any>> = {}, const S extends RouteSchema = RouteSchema>(
    pattern: P,
    options?: RouteOptions & { params?: C; schema?: S },
  ): Registrar<P, HandlerParams<P, C, S>, RequestFor<S>> {
    const router = this.router;
    return function register<T>(target: T, _context?: unknown): T {
      router.add(new Route(pattern, target as never, options));
      return target;
    };
  }

  /** Add a route at the end (a `Route` or a `[pattern, handler, options?]` pair). */
  add(route: RouteLike): Route {
    return this.router.add(route);
  }

  /**
   * Add the routes of a routes folder (`routes/todo/handlers.ts` serves
   * `/todo`; see docs/routes-and-cli.md) after the routes the app has.
   * Resolves to the app once every module is imported and every route
   * added; rejects, adding none, with an error naming the file when one
   * fails. `R` types `uriFor` (see `handlerkit routes --types`).
   *
   * @example
   * const app = await new Application([["/health", () => 204]]).loadRoutes("routes", { prefix: "/api" });
   */
  async loadRoutes<const R extends readonly RouteLike[] = []>(dir: string | URL, options?: LoadRoutesOptions): Promise<Application<Config, [...Routes, ...R]>> {
    await addRouteFolder(this.router, dir, options);
    return this as unknown as Application<Config, [...Routes, ...R]>;
  }

  /**
   * Make an application from a routes folder: `new Application([], options)`
   * (a subclass's own, called on it), then `loadRoutes(dir, options)`.
   *
   * @example
   * const app = await Application.fromRoutes(new URL("./routes", import.meta.url), { debug: true });
   */
  static async fromRoutes<const R extends readonly RouteLike[] = RouteLike[], Config = Record<string, unknown>>(
    dir: string | URL,
    options: ApplicationOptions<Config> & LoadRoutesOptions = {},
  ): Promise<Application<Config, R>> {
    const { prefix, namePrefix, ...appOptions } = options;
    const app = new this([], appOptions) as Application<Config, R>;
    await addRouteFolder(app.router, dir, { prefix, namePrefix });
    return app;
  }

  /**
   * An OpenAPI 3.1 document of the app's routes: paths, methods, names,
   * summaries, and parameters, bodies and responses from route schemas
   * (see `openApiDocument` for what is read and what is left out). Plain
   * JSON data: serve it, or write it with `handlerkit openapi`.
   *
   * @example
   * app.route("/openapi.json")(() => app.openapi({ info: { title: "Todos", version: "1.0.0" } }));
   */
  openapi(options: OpenApiOptions): OpenApiDocument {
    return openApiDocument(this.router.routes, options);
  }

  /** The URL of a named route; params the template does not use become the query string. */
  uriFor<Name extends RouteName<Routes>>(name: Name, ...[params, options]: UriForArgs<Routes, Name, BuildOptions>): string {
    return this.router.build(undefined, name, params, options);
  }

  /**
   * The pipeline: every request, from a socket or from `getResponse()`,
   * goes through this one method (inside the `getRequest()` context unless
   * `context: false`), so a subclass that overrides it changes both. It
   * returns the response itself when the handler was synchronous and a
   * promise otherwise: `await` it either way.
   *
   * 0. middleware: the app's (`use()`), outermost first, around 1 to 5 and 7;
   * 1. guard: methods outside `allowedMethods` are a 501, paths the router
   *    must not see a 400/414 (`guardPath`), `OPTIONS *` answered here;
   * 2. route: match the request (`router.match`, through `router.dispatch`);
   * 3. adapt: the route's handler, adapted once and cached on the route
   *    (with the route's own middleware around it, if it has any);
   * 4. call: the handler (a timeout, when set, races an async one);
   * 5. convert: what it returned, into a `Response` (`toResponse`);
   * 6. prepare: default headers, no body for HEAD/204/304 (`response.prepare`),
   *    once, after every middleware;
   * 7. error: anything thrown in 1 to 5 goes to the error views, then the
   *    built-in error page (`handleError`).
   */
  process(request: Request): Response | Promise<Response> {
    request.app = this;
    request.settings = this.router.settings;
    const chain = this.#chain;
    // perf(bench: hello): with no middleware, one field test and the core
    // steps, which prepare a synchronous answer in the same tick.
    if (chain === undefined) return this.#core(request, true);
    // 0. middleware
    const out = chain(request);
    return isThenable(out) ? out.then((response) => this.#prepare(request, response)) : this.#prepare(request, out);
  }

  // Steps 1 to 5 and 7 (and 6 when `prepare`: no middleware comes after).
  #core(request: Request, prepare: boolean): Response | Promise<Response> {
    const response = new Response();
    try {
      // 1. guard
      if (!this.allowedMethods.has(request.method)) throw deliberate(new NotImplemented(`Method ${request.method} is not served.`));
      guardHost(request, request.settings.allowedHosts);
      if (guardPath(request.method, request.rawPath, this)) {
        const star = new Response(undefined, 204, { allow: [...this.allowedMethods].sort().join(", ") });
        return prepare ? this.#prepare(request, star) : star;
      }
      // 2, 3 and 4: route, adapt, call
      const out = this.router.dispatch(request, response);
      // 5. convert: a synchronous handler's result at once, with no promise made for it.
      if (!isThenable(out)) {
        const result = toResponse(out, response, request.settings.json, request);
        return prepare ? this.#prepare(request, result) : result;
      }
      // A handler thought synchronous returned a promise: what it started
      // needs the context, from the next request on.
      this.#sawPromise = true;
      const timeout = request.settings.timeout;
      return this.#settle(request, response, timeout === undefined ? out : withTimeout(request, out, timeout), prepare);
    } catch (error) {
      return this.#fail(request, error, prepare);
    }
  }

  // 7 for an error thrown in 1 to 5: the error views are called in the same
  // tick, inside a synchronous pipeline's current request (`runSync`).
  async #fail(request: Request, error: unknown, prepare: boolean): Promise<Response> {
    const result = await this.handleError(request, error);
    return prepare ? this.#prepare(request, result) : result;
  }

  // 5 and 7 for an asynchronous handler: the same conversion as the
  // synchronous path, once its result is in.
  // perf(bench: json-post): two reactions rather than an async frame and its
  // await, each a promise more for Node 20's async hooks in the request context.
  #settle(request: Request, response: Response, out: PromiseLike<unknown>, prepare: boolean): Promise<Response> {
    return Promise.resolve(out).then(
      (value) => this.#convert(request, response, value, prepare),
      (error: unknown) => this.#fail(request, error, prepare),
    );
  }

  // 5 for a result that is in; an error converting it goes to 7.
  #convert(request: Request, response: Response, value: unknown, prepare: boolean): Response | Promise<Response> {
    let result: Response;
    try {
      result = toResponse(value, response, request.settings.json, request);
    } catch (error) {
      return this.#fail(request, error, prepare);
    }
    return prepare ? this.#prepare(request, result) : result;
  }

  // 6. prepare
  #prepare(request: Request, result: Response): Response {
    result.prepare(request.method === "HEAD", request);
    return result;
  }

  /**
   * Add middleware around every request, in registration order (the first
   * added is the outermost), including requests no route matches, so a
   * CORS preflight or a static file needs no route. The chain is composed
   * here, once, never per request; an app with no middleware pays nothing.
   * Route middleware (the route option `middleware`) runs inside these.
   * Returns the application.
   *
   * @example
   * app.use(securityHeaders(), cors({ origin: "https://app.example" }), compress());
   */
  use(...middleware: Middleware[]): this {
    this.#middleware.push(...checkMiddleware(middleware, "app.use()", this.router.settings));
    this.#checkedRoutes = -1;
    this.#chain = compose(this.#middleware, (request) => this.#core(request, false), (request, error) => this.handleError(request, error));
    return this;
  }

  #middleware: Middleware[] = [];
  #chain: Endpoint | undefined = undefined;

  // The pipeline with the request current for getRequest() (unless `context: false`).
  // perf(bench: hello): `process` bound once per app, not a closure per request.
  #processInContext: (request: Request) => Response | Promise<Response>;
  #enter(request: Request): Response | Promise<Response> {
    if (!this.context) return this.process(request);
    return this.#synchronous() ? runSync(request, this.#processInContext) : runInContext(request, this.#processInContext);
  }

  // Whether no user code in the pipeline can go asynchronous, as far as can
  // be told before running it: then the request is current for the
  // synchronous call (`runSync`) and AsyncLocalStorage, costly on Node 20,
  // is never entered. Worked out again when routes or middleware are added.
  #synchronous(): boolean {
    if (this.#sawPromise || this.router.customized) return false;
    const routes = this.router.routes;
    if (this.#checkedRoutes !== routes.length) {
      this.#checkedRoutes = routes.length;
      this.#allSynchronous =
        this.#chain === undefined &&
        this.process === Application.prototype.process &&
        this.handleError === Application.prototype.handleError &&
        // A route schema may read the body or validate asynchronously before its handler.
        routes.every((route) => route.buildOnly || (route.middleware === undefined && route.schema === undefined && runsSynchronously(route.handler, this.allowedMethods, route.handlerMethod)));
    }
    return this.#allSynchronous;
  }

  #checkedRoutes = -1;
  #allSynchronous = false;
  #sawPromise = false;

  /**
   * Answer an error: log it, then `errorHandlers[status]`, then the
   * built-in error page. What is logged: anything a handler threw that is
   * not an `HttpError`, and a 5xx `HttpError`, as errors with their stack;
   * a 5xx the framework raises on purpose (501 for a method not served, 503
   * on timeout) as one `warn` line without a stack; a 4xx, the client's
   * mistake, not at all. An error view that throws (or returns what cannot
   * be sent) is logged and the built-in page answers instead; any thrown
   * value, a `Proxy` whose traps throw included, gets an answer.
   */
  async handleError(request: Request, error: unknown): Promise<Response> {
    error = readableError(error);
    const status = error instanceof HttpError ? error.status : 500;
    if (status >= 500) {
      if (deliberateErrors.has(error as object)) this.#warn(request, `${status} ${(error as HttpError).message}`);
      else this.logError(request, error);
    }
    const view = this.errorHandlers[status];
    if (view !== undefined) {
      try {
        const response = errorResponse(error, status);
        return toResponse(await callForRequest(request, view, request, response, error), response, request.settings.json, request);
      } catch (viewError) {
        this.logError(request, viewError, `error view for ${status} failed`);
      }
    }
    try {
      return errorPage(request, error, this.debug);
    } catch (pageError) {
      // A thrown value whose properties throw when read: answered as a bare 500.
      this.logError(request, pageError, "the error page failed");
      return errorPage(request, new Error("An error that could not be read was thrown."), false);
    }
  }

  // One line at warn level, without a stack: an answer the framework gave on purpose.
  #warn(request: Request, what: string): void {
    try {
      this.logger.warn?.(`${request.method} ${request.rawPath}${logTag(request)}: ${what}`);
    } catch {
      // A broken logger must not take the request down with it.
    }
  }

  /**
   * Log an error once with the request's method, path and, when it has one,
   * its id: `GET /users/7 [req-42]: uncaught error`, with the error as the
   * second argument (`console.error`'s shape; docs/errors.md shows pino's).
   */
  logError(request: Request, error: unknown, what = "uncaught error"): void {
    try {
      this.logger.error(`${request.method} ${request.rawPath}${logTag(request)}: ${what}`, error);
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
    // onEnd() callbacks (uploaded temporary files) run once the response is built.
    return Promise.resolve(this.#enter(request)).finally(() => request.close());
  }

  /** The `node:http` request listener: `http.createServer(app.handle)` works. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.#serve(req, res);
  };

  // perf: hello. Not an async function: a synchronous handler's response is
  // written in the same tick, with no promise made for it. Only an
  // asynchronous one waits (and pays for one small closure).
  #serve(req: IncomingMessage, res: ServerResponse): void {
    // A request pipelined behind a response not yet sent has no socket yet:
    // it runs when Node hands it the socket, which Node never does once a
    // response before it closed the connection (RFC 9112 §9.6: no further
    // request on it is processed).
    const socket = res.socket;
    if (socket === null) {
      res.once("socket", () => this.#serve(req, res));
      return;
    }
    // Nor is one read on a connection closing after its last answer (a
    // lingering close reads on only to drop what the client still sends).
    if (socket.writableEnded) return;
    // perf(bench: hello): HTTP/1.1 is two tests; anything else is looked at.
    if (req.httpVersionMinor !== 1 || req.httpVersionMajor !== 1) {
      const refused = refusedRequest(req);
      if (refused !== undefined) return answerRefused(req, res, ...refused);
    }
    try {
      const request = this.#requestClass.fromNode(req, res);
      // perf: the access log costs two field tests when it is off.
      const start = this.#accessLog === undefined ? 0 : performance.now();
      const pending = this.#enter(request);
      if (!isThenable(pending)) return this.#send(req, res, request, pending, start);
      pending.then(
        (response) => this.#send(req, res, request, response, start),
        (error: unknown) => this.#abandon(req, res, error),
      );
    } catch (error) {
      this.#abandon(req, res, error);
    }
  }

  #send(req: IncomingMessage, res: ServerResponse, request: Request, response: Response, start: number): void {
    try {
      // HTTP/2 has no Connection header: its sessions get a GOAWAY and its
      // streams a reset instead (endHttp2Upload).
      const http1 = req.httpVersionMajor === 1;
      if (http1 && (this.#closing || (req.headers.upgrade !== undefined && endsConnection(req)))) response.headers.set("connection", "close");
      if (http1 && !req.complete) this.#closeIfUploading(req, response);
      if (this.#accessLog !== undefined && (this.#health === undefined || this.#health.logged(request))) logAccess(this.#accessLog, this, { request, response, res, start });
      // perf(bench: hello): a buffered body over HTTP/1 needs no word of
      // its end; a stream may fail after the head, and an HTTP/2 stream
      // still uploading is reset once the body is out.
      if (response.isStreaming) response.writeTo(res, (error) => this.#sent(req, request, error));
      else if (http1) response.writeTo(res);
      else response.writeTo(res, () => endHttp2Upload(req));
    } catch (error) {
      this.#abandon(req, res, error);
    }
  }

  // The request is not all in (a GET answered at once is not, yet).
  #closeIfUploading(req: IncomingMessage, response: Response): void {
    if (!hasBody(req)) return;
    // A body abandoned half-read (a form refused mid-stream) is neither
    // drained by Node nor safe to drain, and one the client was never told
    // to send (`Expect: 100-continue`) may or may not come: close rather
    // than read what follows out of step.
    if (req.readableDidRead || awaitsContinue(req)) response.headers.set("connection", "close");
    // Closing while the client still uploads: linger, so the answer is not
    // lost to a reset.
    if (response.headers.get("connection") === "close") lingerOnClose(req);
  }

  // A streamed response body has been handed over whole, or failed.
  #sent(req: IncomingMessage, request: Request, error: Error | undefined): void {
    // The client going away is not a fault; anything else failed after the head was sent.
    if (error !== undefined && (error as { code?: string }).code !== "ERR_STREAM_PREMATURE_CLOSE") {
      this.logError(request, error, "the response stream failed after the head was sent");
    }
    endHttp2Upload(req);
  }

  // Only a fault in the framework itself gets here; never crash on it.
  #abandon(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    try {
      this.logger.error(`${req.method} ${req.url}: could not write the response`, error);
    } finally {
      // An error after the head was sent: end the connection rather than write a second head.
      if (!res.destroyed) res.destroy();
    }
  }

  /** Create (but do not start) a `node:http` server for this application, with its hardened server settings. */
  createServer(): Server {
    return createNodeServer(this.handle, this.serverSettings) as Server;
  }

  /**
   * Register a hook run by `listen()` before the server starts, in
   * registration order: open pools and clients here (into `app.registry`).
   * A hook that throws makes `listen()` reject.
   *
   * @example
   * app.onStartup(async (app) => app.registry.set("db", await createPool()));
   */
  onStartup(hook: LifecycleHook): void {
    this.#startupHooks.push(hook);
  }

  /**
   * Register a hook run by `close()` once the last request is done, in
   * reverse registration order: close what the startup hooks opened. Also
   * run when `listen()` fails, so a hook must cope with a half-done startup.
   * An error is logged and the other hooks still run.
   *
   * @example
   * app.onShutdown(async (app) => (app.registry.get("db") as Pool).end());
   */
  onShutdown(hook: LifecycleHook): void {
    this.#shutdownHooks.push(hook);
  }

  /**
   * Start serving; resolves to the server once it listens. Called as
   * `listen(port?, host?)` (port 8080 by default, 0 picks a free one) or
   * with options: `{ port, host, signal, tls, http2, backlog }`. With `tls`
   * it serves HTTPS, with `http2` too HTTP/2 with HTTP/1.1 fallback; a
   * `signal` closes the app gracefully when it aborts. Startup hooks run
   * first.
   *
   * @example
   * await app.listen(8080);
   * await app.listen({ port: 8443, tls: { key, cert }, http2: true, signal: controller.signal });
   */
  listen(port?: number, host?: string): Promise<Server>;
  listen(options: ListenOptions): Promise<NodeServer>;
  async listen(portOrOptions: number | ListenOptions = {}, host?: string): Promise<NodeServer> {
    const options: ListenOptions = typeof portOrOptions === "object" ? portOrOptions : { port: portOrOptions, host };
    if (this.#server) throw new Error("This application is already listening; close() it first.");
    options.signal?.throwIfAborted();
    const server = new GracefulServer(this.handle, this.serverSettings, options, (error) => this.logger.error("server error", error));
    this.#server = server;
    try {
      await this.#stopping; // a previous close() may still be draining
      this.#closing = false;
      for (const hook of this.#startupHooks) await hook(this);
      if (this.#server === server) await server.listen(options);
      // close() during startup has already stopped the server and run the shutdown hooks.
      if (this.#server !== server) throw new Error("The application was closed while it was starting.");
    } catch (error) {
      if (this.#server === server) {
        this.#server = undefined;
        await this.#shutdown();
      }
      throw error;
    }
    options.signal?.addEventListener("abort", () => void this.close(), { once: true });
    // A handler's forgotten rejected promise is logged, not a crash.
    this.#unwatchFaults = watchUnhandledRejections({ error: (message, ...meta) => this.logger.error(message, ...meta) });
    return server.node;
  }

  /**
   * Run as a production process: listen on `PORT` and `HOST` from the
   * environment (unless given), print the address, and on SIGINT or SIGTERM
   * close gracefully and exit. With `workers: N` a primary process forks N
   * workers (`node:cluster`) that each run this same script, and restarts
   * any that dies.
   *
   * @example
   * await app.run();                 // PORT=3000 node server.js
   * await app.run({ workers: os.availableParallelism() });
   */
  run(options: RunOptions = {}): Promise<NodeServer | undefined> {
    return runApplication(this, options);
  }

  /** The address the server listens on, once `listen()` resolved (and while `close()` waits out its `drainDelay`). */
  get address(): AddressInfo | undefined {
    return (this.#server ?? this.#draining)?.address;
  }

  /** Whether `close()` has begun (and `listen()` not been called since): readiness answers 503. */
  get closing(): boolean {
    return this.#closing;
  }

  /**
   * Serve a liveness path (`path`, `/healthz` by default: 200 while the
   * process serves) and a readiness path (`options.readiness`, `/readyz`:
   * 200 when every check passes within `options.timeout`, else 503 with a
   * JSON body naming the failing checks, and 503 as soon as `close()`
   * begins). Both answer GET and HEAD, with JSON and `Cache-Control:
   * no-store`, and stay out of the access log unless `options.accessLog`.
   * Call it once, before any catch-all route. Returns the application.
   *
   * @example
   * app.health("/healthz", { db: (signal) => pool.query({ text: "select 1", signal }) }, { timeout: 1_000 });
   */
  health(path = "/healthz", checks: HealthChecks = {}, options: HealthOptions = {}): this {
    if (this.#health !== undefined) throw new Error("app.health() was already called; give it every check at once.");
    const health = new Health(this, path, checks, options);
    this.router.add(health.liveness);
    this.router.add(health.readiness);
    this.#health = health;
    return this;
  }

  /**
   * Stop serving: readiness turns 503 at once; after `drainDelay` (none by
   * default) of serving as before, refuse new connections, close idle
   * keep-alive ones at once, let in-flight requests finish (answered with
   * `Connection: close`), cut what is left after `timeout`, then run the
   * shutdown hooks. Resolves when all is done.
   *
   * @example
   * await app.close({ drainDelay: 5_000, timeout: 20_000 });
   */
  close(options: CloseOptions = {}): Promise<void> {
    const server = this.#server;
    if (!server) return this.#stopping ?? Promise.resolve();
    this.#server = undefined;
    this.#draining = server;
    this.#closing = true;
    this.#unwatchFaults?.();
    this.#stopping = server.close(options.timeout ?? 10_000, options.drainDelay ?? 0).then(() => {
      if (this.#draining === server) this.#draining = undefined;
      return this.#shutdown();
    });
    return this.#stopping;
  }

  async #shutdown(): Promise<void> {
    for (const hook of this.#shutdownHooks.toReversed()) {
      try {
        await hook(this);
      } catch (error) {
        this.logger.error("a shutdown hook failed", error);
      }
    }
  }
}

// The 5xx errors the framework raises on purpose, logged as warnings
// without a stack (see `handleError`).
const deliberateErrors = new WeakSet<object>();
function deliberate<E extends HttpError>(error: E): E {
  deliberateErrors.add(error);
  return error;
}

// ` [request-id]` for a log line, or nothing when the request has no id.
function logTag(request: Request): string {
  const id = (request as { id?: unknown }).id;
  return id === undefined || id === null || id === "" ? "" : ` [${String(id)}]`;
}

// Whether a request has a body (which may still be arriving).
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

/**
 * Settle with `work`, or after `ms` abort the request's signal and reject
 * with a 503 (`Retry-After: 1`). A late result is dropped; a late rejection
 * is caught here (the request was answered), never left unhandled.
 */
function withTimeout(request: Request, work: PromiseLike<unknown>, ms: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      request.cancel(new DOMException(`The handler took longer than ${ms} ms.`, "TimeoutError"));
      reject(deliberate(new ServiceUnavailable("The request took too long and was abandoned.", { expose: true, headers: { "retry-after": "1" } })));
    }, ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
