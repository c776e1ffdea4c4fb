/**
 * The `sessions()` middleware, and `request.session`, which it fills.
 */
import { serializeCookie, type CookieOptions } from "../http/cookies.js";
import type { Middleware } from "../core/middleware.js";
import { Request } from "../core/request.js";
import { missingSecrets } from "../security/signer.js";
import { CookieStore } from "./cookie-store.js";
import { Session, type SessionConfig } from "./session.js";
import type { SessionStore } from "./session-store.js";

declare module "../core/request.js" {
  interface Request {
    /**
     * The request's session, from the `sessions()` middleware; reading it
     * on a request that did not pass through one is a `TypeError` saying
     * what to add. See `Session`.
     */
    readonly session: Session;
  }
}

/** Options of `sessions()`. Times are in seconds. */
export interface SessionOptions {
  /** Where sessions are kept: the signed cookie itself by default (`CookieStore`); `MemoryStore`, `RedisStore`, or your own `SessionStore`. */
  store?: SessionStore;
  /** The cookie's name (`"session"`); `__Host-session` pins it to this host over HTTPS. */
  cookieName?: string;
  /** A session unused for this long ends (14 days). */
  idleTimeout?: number;
  /** A session ends this long after it began, however much it is used (30 days). */
  absoluteTimeout?: number;
  /** An unchanged session is saved again, to restart its idle timer, once its last save is this old (60 s). */
  touchAfter?: number;
  /**
   * The cookie's attributes: `HttpOnly`, `SameSite=Lax` and `Path=/` by
   * default, and `Secure` when the request came over HTTPS (`secure:
   * "auto"`; `true` or `false` to decide yourself). Its `Max-Age` is the
   * time the session has left.
   */
  cookie?: Pick<CookieOptions, "path" | "domain" | "sameSite" | "httpOnly" | "partitioned"> & { secure?: boolean | "auto" };
}

const DAY = 86_400;

// One session per request, where `request.session` finds it.
const sessionsOf = new WeakMap<Request, Session>();

Object.defineProperty(Request.prototype, "session", {
  configurable: true,
  get(this: Request): Session {
    const session = sessionsOf.get(this);
    if (session === undefined) {
      throw new TypeError("request.session needs the sessions() middleware in front of this handler: app.use(sessions()), or the route option middleware: [sessions()].");
    }
    return session;
  },
});

/** The request's session, or `undefined` when no `sessions()` middleware runs for it (for the code around sessions, which must not throw). */
export function sessionOf(request: Request): Session | undefined {
  return sessionsOf.get(request);
}

/**
 * Sessions, as middleware: `request.session` for every request inside it,
 * loaded from its store on first use and saved after the handler when it
 * changed (see `Session`). The cookie is signed with the app's `secrets`:
 * an app without them is a `TypeError` when this is added. A tampered,
 * expired or unknown cookie is a new, empty session.
 *
 * @example
 * const app = new Application(routes, { secrets: [process.env.SECRET!] });
 * app.use(sessions({ store: new RedisStore({ client }), idleTimeout: 3600 }));
 * app.route("/")(async (request) => `Welcome back, ${(await request.session.get("name")) ?? "stranger"}`);
 */
export function sessions(options: SessionOptions = {}): Middleware {
  const config = resolveOptions(options);
  const middleware: Middleware = async (request, next) => {
    // A second sessions() (an app's and a route's) leaves the first in charge.
    if (sessionsOf.has(request)) return next();
    const signer = request.settings.signer;
    if (signer === undefined) throw missingSecrets("sessions()");
    const session = new Session(request, config, signer);
    sessionsOf.set(request, session);
    const response = await next();
    await session.commit(response);
    return response;
  };
  middleware.register = (settings) => {
    if (settings.signer === undefined) throw missingSecrets("sessions()");
  };
  return middleware;
}

function resolveOptions(options: SessionOptions): SessionConfig {
  const idleTimeout = duration("idleTimeout", options.idleTimeout, 14 * DAY);
  const absoluteTimeout = duration("absoluteTimeout", options.absoluteTimeout, 30 * DAY);
  const touchAfter = duration("touchAfter", options.touchAfter, Math.min(60, idleTimeout / 2));
  if (touchAfter >= idleTimeout) throw new RangeError(`sessions(): touchAfter (${touchAfter} s) must be shorter than idleTimeout (${idleTimeout} s), or no visit would keep a session alive.`);
  const cookie = { path: "/", sameSite: "Lax" as const, httpOnly: true, secure: "auto" as const, ...options.cookie };
  const cookieName = options.cookieName ?? "session";
  // The name and attributes are checked once, here, as every Set-Cookie will be.
  serializeCookie(cookieName, "x", { ...cookie, secure: cookie.secure !== false });
  const store = options.store ?? new CookieStore();
  for (const method of ["get", "set", "destroy"] as const) {
    if (typeof store[method] !== "function") throw new TypeError(`sessions(): the store has no ${method}() method; a store has get(id), set(id, record, ttlSeconds) and destroy(id) (see SessionStore).`);
  }
  return Object.freeze({ store, cookieName, idleTimeout, absoluteTimeout, touchAfter, cookie: Object.freeze(cookie) });
}

function duration(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) throw new RangeError(`sessions(): ${name} is a positive number of seconds, not ${String(value)}.`);
  return value;
}
