/**
 * Cross-site request forgery protection, in the manner of Django's
 * `CsrfViewMiddleware` and the OWASP CSRF cheat sheet: a synchronizer token
 * kept in the session, and the browser's own `Origin` and `Sec-Fetch-Site`
 * headers, checked on every request that may change something.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { Forbidden } from "../http/errors.js";
import type { Middleware } from "../core/middleware.js";
import { Request } from "../core/request.js";
import { CSRF_KEY } from "./session.js";
import { sessionOf } from "./sessions.js";

declare module "../core/request.js" {
  interface Request {
    /**
     * The CSRF token for this session, to put in a form's `csrf_token`
     * field or send back in the `X-CSRF-Token` header (the names `csrf()`
     * checks by default). Masked afresh on every call (so a compressed page
     * never repeats it, against BREACH); every one is valid as long as the
     * session's secret, which `login()` renews. Needs `sessions()`; the
     * first call on a session stores its secret there.
     *
     * @example
     * `<input type="hidden" name="csrf_token" value="${await request.csrfToken()}">`
     */
    csrfToken(): Promise<string>;
  }
}

/** Options of `csrf()`. */
export interface CsrfOptions {
  /** The form field that carries the token (`"csrf_token"`), read from urlencoded and multipart bodies. */
  field?: string;
  /** The header that carries the token (`"X-CSRF-Token"`), for scripts and JSON bodies. */
  header?: string;
  /**
   * Origins besides this one allowed to send unsafe requests, exactly as
   * browsers send `Origin` (`"https://app.example.com"`): a front end on
   * another subdomain, say.
   */
  trustedOrigins?: readonly string[];
}

const SECRET_BYTES = 32;
const TOKEN = /^[A-Za-z0-9_-]{86}$/;
// RFC 9110's safe methods: they must not change anything, so they are not checked.
const SAFE = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);
const BEARER = /^bearer\s/i;
// Handlers and routes that opted out (`csrfExempt`).
const exempt = new WeakSet<object>();

Object.defineProperty(Request.prototype, "csrfToken", {
  configurable: true,
  writable: true,
  value: async function csrfToken(this: Request): Promise<string> {
    const session = sessionOf(this);
    if (session === undefined) throw new TypeError("request.csrfToken() keeps its secret in the session: put the sessions() middleware in front of this handler.");
    let secret = await session.get<string>(CSRF_KEY);
    if (typeof secret !== "string" || Buffer.from(secret, "base64url").length !== SECRET_BYTES) {
      secret = randomBytes(SECRET_BYTES).toString("base64url");
      await session.set(CSRF_KEY, secret);
    }
    const mask = randomBytes(SECRET_BYTES);
    return Buffer.concat([mask, xor(mask, Buffer.from(secret, "base64url"))]).toString("base64url");
  },
});

/**
 * Mark a handler (a function or class, or a `Route`) as exempt from
 * `csrf()`: a webhook that other sites post to, say, which authenticates
 * its callers in its own way. Returns what it was given, so it works as a
 * call and as a class decorator.
 *
 * @example
 * app.route("/hooks/payments", { methods: ["POST"] })(csrfExempt(paymentWebhook));
 * @csrfExempt class Hook extends RequestHandler { post() { ... } }
 */
export function csrfExempt<T extends object>(target: T, _context?: unknown): T {
  exempt.add(target);
  return target;
}

/**
 * CSRF protection, as middleware after `sessions()`: a request with an
 * unsafe method (anything but GET, HEAD, OPTIONS and TRACE) is refused
 * with a 403, in the client's format, saying why, when
 *
 * 1. it is cross-site: its `Origin` is neither this origin nor a trusted
 *    one, or (with no `Origin`) `Sec-Fetch-Site` says `cross-site` or
 *    `same-site`; this is checked first, whatever the token;
 * 2. it carries no token (the `csrf_token` form field or the
 *    `X-CSRF-Token` header), or not one of this session's
 *    (`request.csrfToken()`).
 *
 * Requests with `Authorization: Bearer` are not checked: a browser never
 * adds that header by itself, so whoever sent it holds the token, and no
 * other site can forge it. Handlers and routes marked with `csrfExempt`
 * are not refused. Behind a TLS-terminating proxy, set `trustProxy` so the
 * request's origin is the one browsers see.
 *
 * @example
 * app.use(sessions(), csrf());
 * app.route("/form")(async (request) => `<form method="post"><input type="hidden" name="csrf_token" value="${await request.csrfToken()}">…</form>`);
 */
export function csrf(options: CsrfOptions = {}): Middleware {
  const field = options.field ?? "csrf_token";
  const header = (options.header ?? "x-csrf-token").toLowerCase();
  const trusted = new Set((options.trustedOrigins ?? []).map((origin) => normalizeOrigin(origin, true)!));
  return async (request, next) => {
    if (SAFE.has(request.method) || BEARER.test(request.headers.get("authorization") ?? "")) return next();
    const problem = crossSite(request, trusted) ?? (await tokenProblem(request, field, header));
    if (problem !== undefined && !isExempt(request)) throw new Forbidden(`CSRF check failed: ${problem}`);
    return next();
  };
}

function crossSite(request: Request, trusted: ReadonlySet<string>): string | undefined {
  const origin = request.headers.get("origin");
  if (origin !== undefined) {
    const normalized = normalizeOrigin(origin, false);
    if (normalized !== undefined && (normalized === normalizeOrigin(`${request.scheme}://${request.host}`, false) || trusted.has(normalized))) return undefined;
    return `this is a cross-site request (Origin ${JSON.stringify(origin.slice(0, 100))}), which may not change anything here.`;
  }
  const site = request.headers.get("sec-fetch-site");
  if (site === "cross-site" || site === "same-site") return `this is a cross-site request (Sec-Fetch-Site: ${site}), which may not change anything here.`;
  return undefined;
}

async function tokenProblem(request: Request, field: string, header: string): Promise<string | undefined> {
  const session = sessionOf(request);
  if (session === undefined) throw new TypeError("csrf() checks tokens kept in the session: put sessions() in front of it, app.use(sessions(), csrf()).");
  let token = request.headers.get(header);
  if (token === undefined && (request.contentType === "application/x-www-form-urlencoded" || request.contentType === "multipart/form-data")) {
    const value = (await request.form()).get(field);
    if (typeof value === "string") token = value;
  }
  if (token === undefined || token === "") return `the form's ${field} field (or the ${header} header) is missing.`;
  const secret = await session.get<string>(CSRF_KEY);
  if (typeof secret !== "string" || !matches(token, Buffer.from(secret, "base64url"))) {
    return "the token is not this session's (the page may be older than the session: reload it and try again).";
  }
  return undefined;
}

// A token is a mask and the secret masked with it: unmask and compare in constant time.
function matches(token: string, secret: Buffer): boolean {
  if (!TOKEN.test(token) || secret.length !== SECRET_BYTES) return false;
  const bytes = Buffer.from(token, "base64url");
  if (bytes.length !== 2 * SECRET_BYTES) return false;
  return timingSafeEqual(xor(bytes.subarray(0, SECRET_BYTES), bytes.subarray(SECRET_BYTES)), secret);
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

// `scheme://host[:port]` as `URL` writes it (lower case, no default port), or undefined.
function normalizeOrigin(origin: string, strict: boolean): string | undefined {
  let url: URL | undefined;
  try {
    url = new URL(origin);
  } catch {
    url = undefined;
  }
  const normalized = url !== undefined && (url.protocol === "https:" || url.protocol === "http:") ? url.origin : undefined;
  if (strict && (normalized === undefined || url!.pathname !== "/" || url!.search !== "")) {
    throw new TypeError(`csrf(): trustedOrigins holds origins such as "https://app.example.com", not ${JSON.stringify(origin)}.`);
  }
  return normalized;
}

// Only a request that failed a check pays for finding its route.
function isExempt(request: Request): boolean {
  let route = request.route;
  if (route === undefined) {
    try {
      route = request.app?.router.match(request).route;
    } catch {
      return false;
    }
  }
  return route !== undefined && (exempt.has(route) || exempt.has(route.handler as object));
}
