/**
 * A route: a pattern (a RegExp or a path-to-regexp template) bound to a
 * handler, compiled once when it is made.
 */
import { compile, parse, pathToRegexp, type Key, type Token } from "path-to-regexp";
import type { Handler, HandlerInstance, LazyHandler } from "./handler.js";
import { isHandlerClass } from "./adapters.js";
import { allowedSet, allowHeader, FUNCTION_METHODS, implementedMethods, isMethodToken } from "../http/methods.js";
import { isConverter, type Converter } from "./converters.js";
import { BadRequest, HttpError } from "../http/errors.js";
import { assertSafeRegExp } from "../security/redos.js";
import type { Request, RouteKwargs } from "./request.js";
import type { Response } from "./response.js";
import { checkMiddleware, type Middleware } from "./middleware.js";
import { HostPattern } from "./host-pattern.js";
import type { RouteParams } from "./route-params.js";
import type { StandardSchemaV1 } from "../http/standard-schema.js";
import { regexpPrefix, templatePrefix } from "./route-index.js";
import { checkRouteSchema, type RouteSchema, type ValidRequest } from "./route-schema.js";
import { DEFAULT_SETTINGS, resolveSettings, type Settings, type TrailingSlash } from "./settings.js";

export type { Handler } from "./handler.js";

/** What a route's pattern may be: a RegExp, or a path-to-regexp template string. */
export type Pattern = string | RegExp;

export type { TrailingSlash } from "./settings.js";

/** The HTTP verb methods a class handler may have. */
type VerbMethod = "get" | "post" | "put" | "patch" | "delete" | "head" | "options" | "trace";

/**
 * The handlers a route with pattern `P` accepts, checked at compile time:
 * for a template, a class whose verb methods take its params object (or
 * nothing), or a function `(request, params)`; for a RegExp, any class or
 * function. Lazy handlers, and objects for custom adapters, always pass.
 */
export type HandlerFor<P extends Pattern, Params = P extends string ? RouteParams<P> : never, Req extends Request = Request> =
  | (P extends string
      ? (new (request: Request, response: Response) => HandlerInstance & { [K in VerbMethod]?: (params: Params, ...rest: never[]) => unknown }) | ((request: Req, params: Params) => unknown)
      : (new (request: Request, response: Response) => HandlerInstance) | ((request: Req, ...args: any[]) => unknown))
  | LazyHandler
  // An object for a custom adapter: anything but a function.
  | { call?: never; apply?: never; bind?: never; [key: string]: unknown };

/**
 * The params a handler of pattern `P` gets: the `params` schema's output
 * when the route's `schema` has one, else the template's (with converters).
 */
export type HandlerParams<P extends Pattern, C, S> = S extends { params: StandardSchemaV1 } ? StandardSchemaV1.InferOutput<S["params"]> : P extends string ? RouteParams<P, C> : never;

/** The request a function handler gets: a `ValidRequest` on a route with a `schema`, else a `Request`. */
export type RequestFor<S> = S extends RouteSchema ? (RouteSchema extends S ? Request : ValidRequest<S>) : Request;

/** Options of a route, the webapp2 set plus limits. */
export interface RouteOptions {
  /** A name for URL building (`app.uriFor(name)`). */
  name?: string;
  /**
   * The methods this route serves (HTTP tokens); others get 405 with
   * `Allow`. `HEAD` is served wherever `GET` is, and `OPTIONS` is always
   * answered (see the OPTIONS rule in docs/routing.md). When absent: for a class
   * handler, the methods it implements; for a function, `GET`, `HEAD`,
   * `POST`, `PUT`, `PATCH`, `DELETE` and `OPTIONS` (`TRACE` and extension
   * methods only when listed here).
   */
  methods?: readonly string[];
  /** The schemes this route serves (`["https"]`, `http` or `https` only); others do not match. */
  schemes?: readonly string[];
  /**
   * The host this route serves, a template with `.` as the separator
   * (`"api.example.com"`, `":tenant.example.com"`); other hosts do not
   * match. Its variables join the params. See `HostPattern`.
   */
  host?: string;
  /** Values for parameters absent from the path, passed to the handler and used when building. */
  defaults?: Record<string, string | number>;
  /** A route only for URL building: it never matches a request, so it needs a `name`. */
  buildOnly?: boolean;
  /** The handler method to call instead of the one named after the HTTP verb. */
  handlerMethod?: string;
  /**
   * Constraints and converters for parameters. A RegExp constrains: a
   * decoded value that does not match it (whole value) makes the route not
   * match. A `Converter` (such as `converters.int`) constrains by its
   * `pattern` too, then hands the handler its parsed value (a throw there is
   * a 400) and formats values when building URLs.
   *
   * @example
   * new Route("/users/:id", UserHandler, { params: { id: /\d+/ } });
   * new Route("/orders/:id", OrderHandler, { params: { id: converters.int } });
   */
  params?: Record<string, RegExp | Converter<any>>;
  /** The body limit in bytes for requests to this route, in place of the app's. */
  bodyLimit?: number;
  /**
   * Milliseconds the handler may take; past it `request.signal` aborts and
   * the client gets 503 (in place of the app's `timeout`).
   */
  timeout?: number;
  /** A JSON route: its errors (404 and 405 included) are answered as JSON whatever the client accepts. */
  jsonErrors?: boolean;
  /** @deprecated The old name of `jsonErrors`, kept working; `json` elsewhere means the app's JSON encoder options. */
  json?: boolean;
  /** Accept a RegExp (pattern or `params` constraint) that can backtrack catastrophically; refused by default (see `lib/security/redos.ts`). */
  allowUnsafeRegExp?: boolean;
  /**
   * `strict` (the default): `/a/` and `/a` are different paths. `ignore`:
   * the other form matches too. `redirect`: the other form is redirected to
   * the template's (301 for GET and HEAD, 308 otherwise, so a POST keeps its
   * body). In place of the app's `trailingSlash`.
   */
  trailingSlash?: TrailingSlash;
  /** Answer this route's errors as RFC 9457 `application/problem+json` (in place of the app's choice). */
  problemDetails?: boolean;
  /**
   * Middleware around this route's handler only, inside the app's
   * (`app.use()`), first the outermost; see `Middleware`.
   *
   * @example
   * new Route("/admin", AdminHandler, { middleware: [requireStaff] });
   */
  middleware?: readonly Middleware[];
  /**
   * Standard Schemas (zod, valibot, ...) for the path parameters, query and
   * body, checked before the handler runs (a 422 on failure), and for the
   * answer; read them with `request.valid(part)`. See `RouteSchema` and
   * docs/validation.md.
   *
   * @example
   * new Route("/todos", TodoList, { schema: { body: z.object({ title: z.string().min(1) }) } });
   */
  schema?: RouteSchema;
}

/** A successful match of a route against a path: positional and named parameters, decoded. */
export interface PathMatch {
  args: string[];
  kwargs: RouteKwargs;
}

/** A route that matched a request, with its decoded parameters. */
export interface RouteMatch {
  route: Route;
  args: string[];
  kwargs: RouteKwargs;
}

declare module "./request.js" {
  // `request.route` is the matched `Route` (see `MatchedRoute`).
  interface MatchedRoute extends Route {}
}

/** Options of URL building. */
export interface BuildOptions {
  /** An absolute URL (`scheme://host/path`) rather than a path. */
  full?: boolean;
  /** The scheme of a full URL; implies `full`. */
  scheme?: string;
  /** The host of a full URL, in place of the request's. */
  host?: string;
  /** A fragment, added after `#`. */
  fragment?: string;
  /** Query parameters, added to those made from params the template does not use. */
  query?: Record<string, unknown>;
}

const EMPTY_ARGS: string[] = [];

/**
 * A route. Routes are tried in the order they were added; the first whose
 * pattern matches the path (and whose `methods` and `schemes` accept the
 * request) wins.
 *
 * A string pattern is a path-to-regexp template: `/users/:id`,
 * `/files/*path` (a splat, given as an array of segments), `/a{/:optional}`.
 * A RegExp is matched against the whole path: unnamed groups become
 * positional arguments, named groups one params object. Both match the raw
 * (still encoded) path and decode each parameter once, so `%2F` in a
 * parameter is never a separator.
 *
 * @example
 * new Route("/users/:id", UserHandler, { name: "user", methods: ["GET", "PUT"] });
 * new Route(/^\/products\/(\d+)$/, ProductHandler);
 */
export class Route<const P extends Pattern = Pattern, const N extends string = string, const C extends Record<string, RegExp | Converter<any>> = {}, const S extends RouteSchema = RouteSchema> {
  readonly pattern: P;
  readonly handler: Handler;
  readonly name: N | undefined;
  readonly methods: ReadonlySet<string> | undefined;
  readonly schemes: ReadonlySet<string> | undefined;
  /** The compiled `host` option, tested by the matcher after the path; `undefined` for a route of any host. */
  readonly host: HostPattern | undefined;
  readonly defaults: Readonly<Record<string, string | number>> | undefined;
  readonly buildOnly: boolean;
  readonly handlerMethod: string | undefined;
  /** The route's own `bodyLimit` option (the limit in force is `settings.bodyLimit`). */
  readonly bodyLimit: number | undefined;
  /** Whether the handler gets one params object (named parameters or defaults) rather than positional args. */
  readonly named: boolean;
  /**
   * The raw segments every path this route can match starts with, read from
   * its pattern once: `["api", "v1", "users"]` for `/api/v1/users/:id` and
   * for `/^\/api\/v1\/users\/(\d+)$/`, `[""]` for `/`, `[]` when the
   * pattern does not pin the first segment down (`/:lang/about`). The
   * router's index files the route under it; see `Router.defaultMatcher`.
   */
  readonly literalPrefix: readonly string[];
  /** The literal first segment of every path this route can match (`literalPrefix[0]`), or `undefined`. */
  get firstSegment(): string | undefined {
    return this.literalPrefix[0];
  }
  /** The route's options as given. */
  readonly options: Readonly<RouteOptions>;
  #settings: Settings;
  /**
   * The adapter made for this route's handler, cached by the router on first
   * use (adapters are made once per route).
   */
  adapter: ((request: never, response: never) => unknown) | undefined = undefined;
  /** The route's `schema` option, checked, or `undefined` when it checks nothing (see `RouteSchema`). */
  readonly schema: S | undefined;
  /** The route's own middleware (`middleware` option), checked, or `undefined` when it has none. */
  readonly middleware: readonly Middleware[] | undefined;
  /** The route's middleware composed around its adapted handler, cached by the router with the adapter. */
  chain: ((request: Request) => unknown) | undefined = undefined;
  #served: ReadonlySet<string> | undefined;
  #allowed: ReadonlySet<string> | undefined;
  #allow: string | undefined;
  #answersOptions = true;

  readonly #regexp: RegExp;
  // A template with no parameters: matched by comparing the path to it.
  readonly #literal: string | undefined;
  readonly #keys: readonly Key[] | undefined;
  readonly #constraints: [string, RegExp | undefined, Converter | undefined][] | undefined;
  readonly #tokens: readonly Token[] | undefined;
  #compiled: ((params?: Record<string, string | string[]>) => string) | undefined;

  /** The params type of the handler (type-level only: see `RouteParams`). */
  declare readonly paramsType: P extends string ? RouteParams<P, C> : Record<string, unknown>;

  constructor(pattern: P, handler: HandlerFor<P, HandlerParams<P, C, S>, RequestFor<S>>, options: RouteOptions & { name?: N; params?: C; schema?: S } = {}) {
    this.pattern = pattern;
    this.handler = handler;
    this.options = options;
    this.name = options.name;
    const label = `Route ${JSON.stringify(String(pattern))}`;
    checkDefinition(label, options);
    this.methods = options.methods ? new Set(options.methods.map((m) => m.toUpperCase())) : undefined;
    this.schemes = options.schemes ? new Set(options.schemes.map((s) => s.toLowerCase())) : undefined;
    this.host = options.host === undefined ? undefined : new HostPattern(options.host);
    const hostParams = this.host !== undefined && this.host.names.length > 0;
    this.defaults = options.defaults;
    this.buildOnly = options.buildOnly ?? false;
    this.handlerMethod = options.handlerMethod;
    this.bodyLimit = options.bodyLimit;
    this.#settings = resolveSettings(DEFAULT_SETTINGS, overridesOf(options), handler);
    this.schema = checkRouteSchema(options.schema, label) as S | undefined;
    this.middleware = options.middleware !== undefined && options.middleware.length > 0 ? checkMiddleware(options.middleware, `Route ${String(pattern)}`) : undefined;
    this.#settleMethods(DEFAULT_SETTINGS.allowedMethods);
    if (typeof pattern === "string") {
      if (!pattern.startsWith("/")) throw new TypeError(`A route template must start with "/": ${JSON.stringify(pattern)}`);
      const data = parseTemplate(pattern);
      const { regexp, keys } = pathToRegexp(data, { trailing: false, sensitive: true });
      this.#regexp = regexp;
      this.#literal = data.tokens.every((t) => t.type === "text") ? data.tokens.map((t) => (t as { value: string }).value).join("") : undefined;
      this.#keys = keys;
      this.#tokens = data.tokens;
      this.named = keys.length > 0 || options.defaults !== undefined || hostParams;
      this.literalPrefix = Object.freeze(templatePrefix(data.tokens));
    } else {
      // Anchor on the whole path, and drop the stateful flags: a shared
      // `g`/`y` RegExp would carry `lastIndex` from one request to the next.
      const flags = pattern.flags.replace(/[gy]/g, "");
      this.#regexp = new RegExp(`^(?:${pattern.source})$`, flags);
      this.#literal = undefined;
      this.#keys = undefined;
      this.#tokens = undefined;
      this.named = /\(\?<[^=!]/.test(pattern.source) || options.defaults !== undefined || hostParams;
      this.literalPrefix = Object.freeze(regexpPrefix(pattern));
    }
    for (const name of this.host?.names ?? []) {
      if (this.#keys?.some((k) => k.name === name)) throw new TypeError(`Route ${JSON.stringify(String(pattern))} has "${name}" in both its host and its path: rename one.`);
    }
    if (options.params) {
      this.#constraints = Object.entries(options.params).map(([name, spec]) => {
        if (this.#keys && !this.#keys.some((k) => k.name === name)) {
          throw new TypeError(`Route ${JSON.stringify(String(pattern))} has no parameter "${name}" to constrain.`);
        }
        const converter = isConverter(spec) ? spec : undefined;
        const re = converter ? converter.pattern : (spec as RegExp);
        return [name, re && new RegExp(`^(?:${re.source})$`, re.flags.replace(/[gy]/g, "")), converter];
      });
    }
    // ReDoS: each route regex is checked once, here, never per request.
    if (!options.allowUnsafeRegExp) {
      assertSafeRegExp(this.#regexp, String(pattern));
      for (const [name, re] of this.#constraints ?? []) if (re) assertSafeRegExp(re, `params.${name} of ${String(pattern)}`);
    }
  }

  /**
   * The settings in force for requests this route matches, frozen: the
   * router's (the application's) with this route's options laid over them,
   * resolved when the route is added (see `settle`).
   */
  get settings(): Settings {
    return this.#settings;
  }

  /**
   * Resolve this route's settings over `base` (the router's). The router
   * calls it once, when the route is added; a route is configured by the
   * last router it was added to.
   */
  settle(base: Settings): void {
    this.#settings = resolveSettings(base, overridesOf(this.options), this.handler);
    this.#settleMethods(base.allowedMethods);
  }

  /**
   * The methods the matcher lets through to this route, or `undefined` for
   * all (a class handler then answers what it does not implement with 405):
   * `methods` with `HEAD` beside `GET` and `OPTIONS`; for a function (or a
   * `handlerMethod`) without `methods`, `GET`, `HEAD`, `POST`, `PUT`,
   * `PATCH`, `DELETE` and `OPTIONS`.
   */
  get served(): ReadonlySet<string> | undefined {
    return this.#served;
  }

  /**
   * The methods this route answers, as `Allow` lists them, computed when
   * the route is added (see `allowedSet`): `methods` when given, else what
   * a class handler implements or what a function serves; `HEAD` with
   * `GET`, and `OPTIONS`, among the app's `allowedMethods`, sorted.
   * `undefined` for a lazy handler, whose class is known only once loaded.
   */
  get allowed(): ReadonlySet<string> | undefined {
    return this.#allowed;
  }

  /** {@link allowed} as an `Allow` header value (`"GET, HEAD, OPTIONS"`), or `undefined`. */
  get allow(): string | undefined {
    return this.#allow;
  }

  /**
   * Whether the handler answers `OPTIONS` itself: a class handler (its
   * `options()`, or `RequestHandler`'s 204 with `Allow`), a lazy one, or a
   * function whose route lists `OPTIONS` in `methods`. When false, the
   * router answers it: 204 with `Allow`.
   */
  get answersOptions(): boolean {
    return this.#answersOptions;
  }

  // What the route serves and allows, for the app's `allowedMethods`: once
  // when made, again when added to a router (see `served` and `allowed`).
  #settleMethods(allowedMethods: ReadonlySet<string>): void {
    const handler = this.handler;
    const isClass = isHandlerClass(handler);
    // One callable for every verb: a function, or a class's handlerMethod.
    const single = (typeof handler === "function" && !isClass) || (isClass && this.handlerMethod !== undefined);
    let served: Set<string> | undefined;
    let declared: Iterable<string> | undefined;
    if (this.methods !== undefined) {
      declared = this.methods;
      served = new Set(this.methods);
      if (served.has("GET")) served.add("HEAD");
      served.add("OPTIONS");
    } else if (single) {
      declared = served = new Set(FUNCTION_METHODS);
    } else if (isClass) {
      declared = implementedMethods(handler.prototype as object, allowedMethods);
    }
    this.#served = served;
    this.#allowed = declared === undefined ? undefined : allowedSet(declared, allowedMethods);
    this.#allow = this.#allowed === undefined ? undefined : allowHeader(this.#allowed);
    this.#answersOptions = single ? this.methods?.has("OPTIONS") === true : true;
  }

  /** Whether this is a JSON route (`jsonErrors: true`): its errors are answered as JSON. */
  get json(): boolean {
    return this.#settings.jsonErrors;
  }

  /** The parameter names of a template route, in order (`[]` for a RegExp route). */
  get paramNames(): string[] {
    return this.#keys ? [...new Set(this.#keys.map((k) => k.name))] : [];
  }

  /**
   * Match a raw path. Returns the decoded parameters, or `null` when the
   * pattern does not match (or a constraint fails). A parameter with
   * invalid percent-encoding is a `BadRequest` (400).
   */
  matchPath(rawPath: string): PathMatch | null {
    // perf(bench: hello): a static path is a string comparison, and has no
    // parameters to decode or constrain.
    const literal = this.#literal;
    if (literal !== undefined) return rawPath === literal ? { args: EMPTY_ARGS, kwargs: this.defaults ? ({ ...this.defaults } as RouteKwargs) : {} } : null;
    const m = this.#regexp.exec(rawPath);
    if (m === null) return null;
    let kwargs: RouteKwargs;
    let args = EMPTY_ARGS;
    const keys = this.#keys;
    if (keys !== undefined) {
      kwargs = this.defaults ? { ...this.defaults } as RouteKwargs : {};
      for (let i = 1; i < m.length; i++) {
        const value = m[i];
        if (value === undefined) continue;
        const key = keys[i - 1]!;
        kwargs[key.name] = key.type === "wildcard" ? value.split("/").map(decodeParam) : decodeParam(value);
      }
    } else if (m.groups !== undefined) {
      kwargs = this.defaults ? { ...this.defaults } as RouteKwargs : {};
      for (const name of Object.keys(m.groups)) {
        const value = m.groups[name];
        if (value !== undefined) kwargs[name] = decodeParam(value);
      }
    } else {
      kwargs = this.defaults ? { ...this.defaults } as RouteKwargs : {};
      if (m.length > 1) {
        args = [];
        for (let i = 1; i < m.length; i++) args.push(m[i] === undefined ? "" : decodeParam(m[i]!));
      }
    }
    if (this.#constraints !== undefined) {
      for (const [name, re, converter] of this.#constraints) {
        const value = kwargs[name];
        if (value === undefined) continue;
        const text = Array.isArray(value) ? value.join("/") : String(value);
        if (re !== undefined && !re.test(text)) return null;
        if (converter !== undefined) kwargs[name] = convert(converter, name, text);
      }
    }
    return { args, kwargs };
  }

  /**
   * Build this route's path from params: those the template uses fill it
   * (missing required ones are an error naming the route and the param),
   * the rest become the query string.
   */
  buildPath(params: Record<string, unknown> = {}, query?: Record<string, unknown>): string {
    const label = this.name ?? String(this.pattern);
    if (this.#tokens === undefined) {
      throw new TypeError(`Route "${label}" has a RegExp pattern and cannot be built; give it a template string.`);
    }
    const values: Record<string, unknown> = { ...this.defaults, ...params };
    const used: Record<string, string | string[]> = {};
    const names = new Set(this.paramNames);
    const converters = new Map(this.#constraints?.filter(([, , c]) => c?.format).map(([name, , c]) => [name, c!]));
    for (const name of names) {
      const value = values[name];
      if (value === undefined || value === null) continue;
      const converter = converters.get(name);
      used[name] = converter ? converter.format!(value) : Array.isArray(value) ? value.map(String) : String(value);
    }
    for (const name of requiredParams(this.#tokens)) {
      if (!(name in used)) throw new TypeError(`Missing parameter "${name}" to build route "${label}".`);
    }
    this.#compiled ??= compile({ tokens: this.#tokens as Token[] }, { encode: encodeURIComponent });
    let path = this.#compiled(used);
    const search = new URLSearchParams();
    const hostNames = this.host?.names;
    for (const [name, value] of Object.entries(params)) {
      if (names.has(name) || hostNames?.includes(name) || value === undefined || value === null) continue;
      appendQuery(search, name, value);
    }
    if (query) for (const [name, value] of Object.entries(query)) appendQuery(search, name, value);
    const qs = search.toString();
    if (qs) path += `?${qs}`;
    return path;
  }
}

// Definitions that can never work are errors when the route is made, naming
// the route, rather than a route that silently never matches.
function checkDefinition(label: string, options: RouteOptions): void {
  if (options.buildOnly && options.name === undefined) {
    throw new TypeError(`${label} is buildOnly but has no name: it never matches a request, so it can only be used by name (give it one).`);
  }
  if (options.methods !== undefined) {
    if (typeof options.methods === "string" || !Array.isArray(options.methods)) {
      throw new TypeError(`${label}: methods is a list of HTTP methods (["GET", "POST"]), not ${JSON.stringify(options.methods)}.`);
    }
    for (const method of options.methods) {
      if (!isMethodToken(method)) throw new TypeError(`${label}: ${JSON.stringify(method)} in methods is not an HTTP method (a token such as "GET" or "PROPFIND").`);
    }
  }
  if (options.handlerMethod !== undefined && (typeof options.handlerMethod !== "string" || options.handlerMethod === "")) {
    throw new TypeError(`${label}: handlerMethod names a method of the handler class, a string, not ${JSON.stringify(options.handlerMethod)}.`);
  }
  if (options.schemes !== undefined) {
    if (typeof options.schemes === "string" || !Array.isArray(options.schemes)) throw new TypeError(`${label}: schemes is a list (["https"]), not ${JSON.stringify(options.schemes)}.`);
    for (const scheme of options.schemes) {
      if (typeof scheme !== "string" || !/^https?$/i.test(scheme)) throw new TypeError(`${label}: schemes may hold "http" and "https" only, not ${JSON.stringify(scheme)}.`);
    }
  }
}

// path-to-regexp's own error names an index; say which character it is,
// with the template, so the mistake is found without counting.
function parseTemplate(template: string): ReturnType<typeof parse> {
  try {
    return parse(template, { encodePath: encodeLiteral });
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    const at = /at index (\d+)/.exec(message);
    const index = at === null ? undefined : Number(at[1]);
    const char = index === undefined ? undefined : template[index];
    const where = index === undefined ? "" : char === undefined ? ` (at its end, index ${index})` : ` (the character ${JSON.stringify(char)} at index ${index})`;
    const reason = message.replace(/; visit https?:\/\/\S+ for info$/, "").replace(/ at index \d+.*$/, "");
    throw new TypeError(
      `Route template ${JSON.stringify(template)} cannot be read${where}: ${reason}. Parameters are :name, wildcards *name, optional parts {...}; escape other special characters with a backslash.`,
      { cause: error },
    );
  }
}

// What of a route's options overrides the application's settings.
function overridesOf(options: RouteOptions): { bodyLimit?: number; timeout?: number; trailingSlash?: TrailingSlash; problemDetails?: boolean; jsonErrors?: boolean } {
  return {
    bodyLimit: options.bodyLimit,
    timeout: options.timeout,
    trailingSlash: options.trailingSlash,
    problemDetails: options.problemDetails,
    jsonErrors: options.jsonErrors ?? options.json,
  };
}

// A converter's parse error is the client's fault (400), unless it already
// chose a status.
function convert(converter: Converter, name: string, text: string): unknown {
  try {
    return converter.parse(text);
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new BadRequest(`Invalid value for parameter "${name}".`, { cause: error });
  }
}

function appendQuery(search: URLSearchParams, name: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) for (const v of value) search.append(name, String(v));
  else search.append(name, String(value));
}

function requiredParams(tokens: readonly Token[]): string[] {
  const names: string[] = [];
  for (const token of tokens) if (token.type === "param" || token.type === "wildcard") names.push(token.name);
  return names;
}

/** Decode one parameter; invalid percent-encoding is a 400. */
export function decodeParam(value: string): string {
  if (value.indexOf("%") === -1) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    throw new BadRequest("A path parameter has invalid percent-encoding.");
  }
}

// Template text is compared with the raw path, so it is stored encoded as a
// client would send it (`/café` matches `/caf%C3%A9`). Characters that are
// legal in a path are left alone.
function encodeLiteral(text: string): string {
  return text.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]+/g, (s) => encodeURIComponent(s));
}
