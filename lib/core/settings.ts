/**
 * Settings: what the request path reads, resolved once. The application's
 * options and a route's options are merged when the route is added, frozen
 * on the route (`route.settings`), and handed to the request that matches
 * it, so nothing on the request path reaches back into the application or
 * cascades through `??` chains per request.
 */
import { DEFAULT_BODY_LIMIT } from "../http/body-reader.js";
import type { JsonOptions, JsonParse } from "../http/json-encoder.js";
import { STANDARD_METHODS } from "../http/methods.js";
import { DEFAULT_MAX_PARAMS } from "../http/multi-dict.js";
import type { ProxyTrust } from "../security/proxy-trust.js";
import type { Signer } from "../security/signer.js";
import type { HostList } from "../security/host-guard.js";

/** How a route treats a trailing slash the template does not have (or lacks one it has). */
export type TrailingSlash = "strict" | "redirect" | "ignore";

/**
 * The settings in force for a request, frozen: the application's defaults
 * (`router.settings`, before any route matched, so a 404 sees them too), or
 * the matched route's (`route.settings`), which are the defaults with the
 * route's own options laid over them.
 */
export interface Settings {
  /** Show stacks on 500 pages and the debug page. */
  readonly debug: boolean;
  /** The body limit in bytes (route, else handler class `static bodyLimit`, else app). */
  readonly bodyLimit: number;
  /** The most pairs a query string or form may hold. */
  readonly maxParams: number;
  /**
   * The proxies whose `X-Forwarded-*`, `Forwarded` and `X-Request-Id` are
   * believed (the `trustProxy` option, resolved once), or `undefined` for none.
   */
  readonly trustProxy: ProxyTrust | undefined;
  /** The JSON parser behind `request.json()`. */
  readonly jsonParse: JsonParse;
  /** How JSON bodies are written (the app's `json` option). */
  readonly json: Readonly<JsonOptions>;
  /** Whether errors are answered as JSON whatever the client accepts (a JSON route). */
  readonly jsonErrors: boolean;
  /** Whether JSON errors are RFC 9457 problem details. */
  readonly problemDetails: boolean;
  /** The trailing-slash policy. */
  readonly trailingSlash: TrailingSlash;
  /** Milliseconds a handler may take, or `undefined` for no limit. */
  readonly timeout: number | undefined;
  /**
   * What signs cookies, from the app's `secrets` (checked and keyed once,
   * in the constructor), or `undefined` when it has none: signed cookies
   * and sessions then refuse to run.
   */
  readonly signer: Signer | undefined;
  /** The methods served at all (the app's `allowedMethods`); `Allow` lists only these. */
  readonly allowedMethods: ReadonlySet<string>;
  /** The hosts requests may name (the app's `allowedHosts`), or `undefined` for any valid host. */
  readonly allowedHosts: HostList | undefined;
  /** The other hosts redirects may go to without `allowOtherHost` (the app's `redirectHosts`). */
  readonly redirectHosts: HostList | undefined;
  /** The app's templates (the `templates` option), or `undefined` when it renders none. */
  readonly templates: TemplateSettings | undefined;
}

/**
 * The app's templates as the request path sees them: `Templates` from
 * `core/templates.ts`, merged in there (this file imports nothing above it).
 */
export interface TemplateSettings {}

/** The settings of an application given no options, and of requests made outside one. */
export const DEFAULT_SETTINGS: Settings = Object.freeze({
  debug: false,
  bodyLimit: DEFAULT_BODY_LIMIT,
  maxParams: DEFAULT_MAX_PARAMS,
  trustProxy: undefined,
  jsonParse: JSON.parse,
  json: Object.freeze({}),
  jsonErrors: false,
  problemDetails: false,
  trailingSlash: "strict",
  timeout: undefined,
  signer: undefined,
  allowedMethods: new Set(STANDARD_METHODS),
  allowedHosts: undefined,
  redirectHosts: undefined,
  templates: undefined,
});

/** What a route may set over the application's settings (a subset of `RouteOptions`). */
export interface RouteOverrides {
  bodyLimit?: number;
  timeout?: number;
  trailingSlash?: TrailingSlash;
  problemDetails?: boolean;
  jsonErrors?: boolean;
}

/**
 * Lay a route's options (and its handler's `static bodyLimit`) over the
 * application's settings, once, when the route is added. The result is
 * frozen: change a route's options by adding a new route.
 *
 * @example
 * resolveSettings(app.router.settings, { timeout: 500 }, Handler).timeout; // 500
 */
export function resolveSettings(base: Settings, route: RouteOverrides, handler?: unknown): Settings {
  const handlerLimit = (handler as { bodyLimit?: unknown } | null | undefined)?.bodyLimit;
  // A JSON view (`jsonView()`, `JsonHandler`) says so with `jsonErrors`:
  // its route's errors, the router's 404 and 405 included, are JSON.
  const handlerJson = (handler as { jsonErrors?: unknown } | null | undefined)?.jsonErrors === true;
  return Object.freeze({
    ...base,
    bodyLimit: route.bodyLimit ?? (typeof handlerLimit === "number" ? handlerLimit : base.bodyLimit),
    timeout: route.timeout ?? base.timeout,
    trailingSlash: route.trailingSlash ?? base.trailingSlash,
    problemDetails: route.problemDetails ?? base.problemDetails,
    jsonErrors: route.jsonErrors ?? (handlerJson || base.jsonErrors),
  });
}
