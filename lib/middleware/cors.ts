/**
 * CORS: let pages on other origins call the app from a browser, answering
 * preflights, in the manner of the `cors` package, `@fastify/cors` and
 * `hono/cors`.
 */
import type { Middleware } from "../core/middleware.js";
import type { Request } from "../core/request.js";
import { Response } from "../core/response.js";
import { unsafeRegExpReason } from "../security/redos.js";
import { vary } from "./vary.js";

/**
 * Which origins may read the app's answers: `"*"` (any, without
 * credentials), one origin (`"https://app.example"`), a RegExp that must
 * match the whole origin, a list of those, or a function given the origin
 * and the request that returns `true` (allow it), a string (the
 * `Access-Control-Allow-Origin` to send) or `false`, possibly as a promise.
 */
export type CorsOrigin =
  | string
  | RegExp
  | readonly (string | RegExp)[]
  | ((origin: string, request: Request) => boolean | string | undefined | Promise<boolean | string | undefined>);

/** Options of {@link cors}. */
export interface CorsOptions {
  /** The origins allowed (see {@link CorsOrigin}); `"*"` by default. */
  origin?: CorsOrigin;
  /** Send `Access-Control-Allow-Credentials: true` (cookies, HTTP auth); needs origins other than `"*"`. Default false. */
  credentials?: boolean;
  /** The methods a preflight allows; default `GET, HEAD, PUT, PATCH, POST, DELETE`. */
  methods?: readonly string[];
  /** The request headers a preflight allows; by default those it asks for (`Access-Control-Request-Headers`). */
  allowedHeaders?: readonly string[];
  /** The response headers a page may read beyond the safelisted ones (`Access-Control-Expose-Headers`). */
  exposedHeaders?: readonly string[];
  /** Seconds a browser may cache a preflight's answer (`Access-Control-Max-Age`); not sent by default. */
  maxAge?: number;
}

const DEFAULT_METHODS = ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"];
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// A comma-separated list of tokens: one character class, linear.
const TOKEN_LIST = /^[\t !#$%&'*+,.^_`|~0-9A-Za-z-]*$/;

/**
 * CORS middleware. A preflight (`OPTIONS` with `Origin` and
 * `Access-Control-Request-Method`) is answered here with 204, whatever the
 * routes; other requests run as usual and get `Access-Control-Allow-Origin`
 * (and `-Credentials`, `-Expose-Headers`) when their origin is allowed.
 * An origin that is not allowed gets no CORS headers at all (the browser
 * then refuses the page the answer), never an error page. `Vary: Origin` is
 * added whenever the answer depends on the origin (any `origin` but `"*"`).
 * `"*"` is never sent with credentials: that combination is refused here,
 * when the middleware is made. Origins are compared exactly, as browsers
 * send them (lower-case scheme and host, no path); `Origin: null` is allowed
 * only by `"*"` or a list or function that names `"null"`.
 *
 * @example
 * app.use(cors({ origin: ["https://app.example", /^https:\/\/[a-z0-9-]+\.preview\.example$/], credentials: true, maxAge: 600 }));
 */
export function cors(options: CorsOptions = {}): Middleware {
  const credentials = options.credentials === true;
  const allow = originRule(options.origin ?? "*", credentials);
  const methods = tokens(options.methods ?? DEFAULT_METHODS, "methods").map((m) => m.toUpperCase()).join(", ");
  const allowedHeaders = options.allowedHeaders === undefined ? undefined : tokens(options.allowedHeaders, "allowedHeaders").join(", ");
  const exposed = options.exposedHeaders === undefined || options.exposedHeaders.length === 0 ? undefined : tokens(options.exposedHeaders, "exposedHeaders").join(", ");
  const maxAge = options.maxAge === undefined ? undefined : String(checkMaxAge(options.maxAge));
  const any = allow === "*";

  // The headers every allowed answer carries.
  const allowed = (response: Response, value: string) => {
    const headers = response.headers;
    headers.set("access-control-allow-origin", value);
    if (credentials) headers.set("access-control-allow-credentials", "true");
    return headers;
  };

  return async function corsMiddleware(request, next) {
    const origin = request.headers.get("origin");
    if (request.method === "OPTIONS" && origin !== undefined && request.headers.has("access-control-request-method")) {
      const response = new Response(undefined, 204);
      if (!any) vary(response.headers, "Origin");
      const value = any ? "*" : await allow(origin, request);
      if (value === undefined) return response;
      const headers = allowed(response, value);
      headers.set("access-control-allow-methods", methods);
      if (allowedHeaders !== undefined) {
        headers.set("access-control-allow-headers", allowedHeaders);
      } else {
        // Reflect what the preflight asks for, when it is a list of header names.
        vary(headers, "Access-Control-Request-Headers");
        const asked = request.headers.get("access-control-request-headers");
        if (asked !== undefined && asked.trim() !== "" && TOKEN_LIST.test(asked)) headers.set("access-control-allow-headers", asked);
      }
      if (maxAge !== undefined) headers.set("access-control-max-age", maxAge);
      return response;
    }
    const response = await next();
    if (!any) vary(response.headers, "Origin");
    if (origin === undefined && !any) return response;
    const value = any ? "*" : await allow(origin!, request);
    if (value === undefined) return response;
    const headers = allowed(response, value);
    if (exposed !== undefined) headers.set("access-control-expose-headers", exposed);
    return response;
  };
}

// What to send as Access-Control-Allow-Origin for an origin (`undefined`:
// not allowed); `"*"` when any origin is allowed without credentials.
type OriginRule = "*" | ((origin: string, request: Request) => string | undefined | Promise<string | undefined>);

function originRule(origin: CorsOrigin, credentials: boolean): OriginRule {
  if (origin === "*") {
    if (credentials) {
      throw new TypeError('cors(): origin "*" cannot go with credentials: true (browsers refuse it, and reflecting every origin would let any site read authenticated answers). List the origins allowed.');
    }
    return "*";
  }
  if (typeof origin === "function") {
    return async (value, request) => {
      const verdict = await origin(value, request);
      if (verdict === true) return value;
      if (typeof verdict === "string" && verdict !== "" && !(verdict === "*" && credentials)) return verdict;
      return undefined;
    };
  }
  const list = typeof origin === "string" || origin instanceof RegExp ? [origin] : origin;
  if (!Array.isArray(list)) throw new TypeError(`cors(): origin must be "*", a string, a RegExp, a list of those or a function, not ${typeof origin}.`);
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const entry of list as readonly unknown[]) {
    if (typeof entry === "string") exact.add(checkOrigin(entry));
    else if (entry instanceof RegExp) patterns.push(wholeMatch(entry));
    else throw new TypeError(`cors(): an origin in the list is ${typeof entry}, not a string or a RegExp.`);
  }
  return (value) => {
    if (exact.has(value)) return value;
    for (const pattern of patterns) if (pattern.test(value)) return value;
    return undefined;
  };
}

// A configured origin is what a browser sends: scheme://host[:port], no
// path, no trailing slash (or "null"); anything else could never match.
function checkOrigin(origin: string): string {
  if (origin === "null") return origin;
  const at = origin.indexOf("://");
  if (origin === "*" || at <= 0 || origin.indexOf("/", at + 3) !== -1 || origin.length === at + 3) {
    throw new TypeError(`cors(): ${JSON.stringify(origin)} is not an origin: write it as a browser sends it, scheme://host[:port] with no path or trailing slash (a list takes "*" only on its own).`);
  }
  return origin;
}

// A RegExp must match the whole origin: unanchored, /trusted\.example/
// would also allow https://trusted.example.evil.example. Its
// global and sticky flags would make test() stateful; they are dropped.
function wholeMatch(pattern: RegExp): RegExp {
  const whole = new RegExp(`^(?:${pattern.source})$`, pattern.flags.replace(/[gy]/g, ""));
  const reason = unsafeRegExpReason(whole);
  if (reason !== undefined) throw new TypeError(`cors(): the origin pattern ${String(pattern)} can backtrack catastrophically: ${reason}.`);
  return whole;
}

function tokens(names: readonly string[], what: string): string[] {
  if (!Array.isArray(names)) throw new TypeError(`cors(): ${what} must be a list of names.`);
  for (const name of names) {
    if (typeof name !== "string" || !TOKEN.test(name)) throw new TypeError(`cors(): ${what} holds ${JSON.stringify(name)}, which is not a header or method name.`);
  }
  return [...names];
}

function checkMaxAge(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < 0) throw new TypeError(`cors(): maxAge is a whole number of seconds, not ${seconds}.`);
  return seconds;
}
