/**
 * One request's session: loaded from its store on first use, changed in
 * memory, and saved once after the handler, only if it changed.
 */
import type { CookieOptions } from "../http/cookies.js";
import type { Request } from "../core/request.js";
import { checkCookieSize, type Response } from "../core/response.js";
import { randomToken } from "../security/random-token.js";
import type { Signer } from "../security/signer.js";
import { isSessionRecord, type SessionRecord, type SessionStore } from "./session-store.js";

/** The signing purpose of session cookies, apart from `setSignedCookie`'s. */
const SESSION = "session";
const FLASHES = "_flashes";
/** The session key of the logged-in user's id (`login()`). */
export const USER_KEY = "_user";
/** The session key of the CSRF secret (`request.csrfToken()`). */
export const CSRF_KEY = "_csrf";

/** A flash message: shown once, on the next page that reads `session.flashes()`. */
export interface Flash {
  message: string;
  /** `"info"` unless given: `"error"`, `"success"`, whatever the templates style. */
  category: string;
}

/** How the sessions of one `sessions()` middleware behave, its options resolved (see `SessionOptions`). */
export interface SessionConfig {
  readonly store: SessionStore;
  readonly cookieName: string;
  readonly idleTimeout: number;
  readonly absoluteTimeout: number;
  readonly touchAfter: number;
  readonly cookie: Readonly<Pick<CookieOptions, "path" | "domain" | "sameSite" | "httpOnly" | "partitioned">> & { readonly secure: boolean | "auto" };
}

/**
 * A request's session, as `request.session` (from the `sessions()`
 * middleware). Every method is asynchronous, because the first one to run
 * loads the session from its store (a request that never touches its
 * session costs its store nothing). Values are JSON values: what
 * `JSON.stringify` keeps is what comes back. The keys `_user`, `_csrf` and
 * `_flashes` are the login's, the CSRF token's and the flash messages'.
 *
 * The session is saved once, after the handler and the middleware inside
 * `sessions()`, if it changed and the response is not a 5xx, and its
 * cookie sent (`HttpOnly`, `SameSite=Lax`, `Path=/`, `Secure` over HTTPS,
 * by default). Two concurrent requests of one session each save what they
 * loaded and changed: the last to finish wins, whole. `save()` writes at
 * once, for a long request that must not lose to a short one.
 *
 * @example
 * const count = ((await request.session.get<number>("visits")) ?? 0) + 1;
 * await request.session.set("visits", count);
 */
export class Session {
  readonly #request: Request;
  readonly #config: SessionConfig;
  readonly #signer: Signer;
  #data: Map<string, unknown> | undefined;
  #loading: Promise<void> | undefined;
  #id: string | undefined;
  #created = 0;
  // When the cookie that brought the session was signed, in seconds: its last save.
  #issuedAt = 0;
  #changed = false;
  // A cookie to send after the handler (save() already stored the session).
  #outgoing: string | undefined;

  constructor(request: Request, config: SessionConfig, signer: Signer) {
    this.#request = request;
    this.#config = config;
    this.#signer = signer;
  }

  /** The value under `key`, or `undefined`. */
  async get<T = unknown>(key: string): Promise<T | undefined> {
    return (await this.#load()).get(key) as T | undefined;
  }

  /** Set `key` to a JSON value (`undefined` deletes it). */
  async set(key: string, value: unknown): Promise<void> {
    const data = await this.#load();
    if (value === undefined) data.delete(key);
    else data.set(key, value);
    this.#changed = true;
  }

  /** Delete `key`. */
  async delete(key: string): Promise<void> {
    if ((await this.#load()).delete(key)) this.#changed = true;
  }

  /** Delete every value, the login, the CSRF secret and the flash messages included; the id stays. */
  async clear(): Promise<void> {
    const data = await this.#load();
    if (data.size > 0) this.#changed = true;
    data.clear();
  }

  /**
   * Give the session a new id, keeping its data, and drop the old id from
   * the store: call it whenever the session's privilege changes (`login()`
   * does), so an id an attacker planted before the login (session
   * fixation) is worth nothing after it.
   */
  async regenerate(): Promise<void> {
    await this.#load();
    await this.#forget();
    this.#changed = true;
  }

  /** End the session: its data and its id are dropped from the store and its cookie deleted (`logout()` does this). */
  async destroy(): Promise<void> {
    const data = await this.#load();
    await this.#forget();
    data.clear();
    this.#created = Date.now();
    this.#changed = true;
  }

  /**
   * Add a message for the next page to show once (after a redirect, say).
   *
   * @example
   * await request.session.flash("Saved.", "success");
   * return Response.redirect("/items");
   */
  async flash(message: string, category = "info"): Promise<void> {
    const data = await this.#load();
    const flashes = Array.isArray(data.get(FLASHES)) ? (data.get(FLASHES) as Flash[]) : [];
    data.set(FLASHES, [...flashes, { message: String(message), category: String(category) }]);
    this.#changed = true;
  }

  /** The flash messages, oldest first, removed from the session as they are read. */
  async flashes(): Promise<Flash[]> {
    const data = await this.#load();
    const flashes = data.get(FLASHES);
    if (flashes === undefined) return [];
    data.delete(FLASHES);
    this.#changed = true;
    return Array.isArray(flashes) ? (flashes as Flash[]) : [];
  }

  /**
   * Write the session to its store now, rather than after the handler (its
   * cookie still goes out with the response). Later changes are saved
   * after the handler as usual.
   */
  async save(): Promise<void> {
    await this.#load();
    await this.#write();
  }

  /**
   * Send what the request did to its session, once, after the handler (the
   * `sessions()` middleware calls it): save a changed session and set its
   * cookie, extend an unchanged one that has not been saved for
   * `touchAfter` seconds, delete the cookie of one that ended or expired.
   * Nothing for a session never read, or after a 5xx.
   */
  async commit(response: Response): Promise<void> {
    if (this.#data === undefined) return;
    addVaryCookie(response);
    if (response.status >= 500) return;
    if (this.#changed) await this.#write();
    else if (this.#id !== undefined && Date.now() / 1000 - this.#issuedAt >= this.#config.touchAfter) await this.#touch();
    const name = this.#config.cookieName;
    if (this.#outgoing !== undefined) response.setCookie(name, this.#outgoing, this.#cookieOptions(this.#lifetime()));
    else if (this.#id === undefined && this.#request.cookies[name] !== undefined) response.deleteCookie(name, this.#cookieOptions(undefined));
  }

  #load(): Promise<Map<string, unknown>> | Map<string, unknown> {
    if (this.#data !== undefined) return this.#data;
    this.#loading ??= this.#read();
    return this.#loading.then(() => this.#data!);
  }

  async #read(): Promise<void> {
    const config = this.#config;
    const now = Date.now();
    const cookie = this.#request.cookies[config.cookieName];
    const unsigned = cookie === undefined ? undefined : this.#signer.unsign(SESSION, config.cookieName, cookie, config.idleTimeout, now);
    if (unsigned !== undefined) {
      const record = await config.store.get(unsigned.value);
      if (isSessionRecord(record) && now - record.created <= config.absoluteTimeout * 1000) {
        this.#id = unsigned.value;
        this.#issuedAt = unsigned.issuedAt;
        this.#created = record.created;
        this.#data = new Map(Object.entries(record.data));
        return;
      }
      // Past the absolute timeout: gone for good, whatever the idle timer says.
      if (record !== undefined) await config.store.destroy(unsigned.value);
    }
    this.#created = now;
    this.#data = new Map();
  }

  // Drop the current id from the store; the next write makes a new one.
  async #forget(): Promise<void> {
    if (this.#id !== undefined) await this.#config.store.destroy(this.#id);
    this.#id = undefined;
    this.#outgoing = undefined;
  }

  async #write(): Promise<void> {
    this.#changed = false;
    const data = this.#data!;
    // An empty session is not worth a cookie: it ends, or is never started.
    if (data.size === 0) return this.#forget();
    const record: SessionRecord = { data: Object.fromEntries(data), created: this.#created };
    const id = this.#id ?? randomToken();
    const stored = await this.#config.store.set(id, record, this.#lifetime());
    this.#id = typeof stored === "string" ? stored : id;
    this.#sign();
  }

  async #touch(): Promise<void> {
    const store = this.#config.store;
    const id = this.#id!;
    if (store.touch !== undefined) await store.touch(id, this.#lifetime());
    else {
      const stored = await store.set(id, { data: Object.fromEntries(this.#data!), created: this.#created }, this.#lifetime());
      if (typeof stored === "string") this.#id = stored;
    }
    this.#sign();
  }

  #sign(): void {
    const name = this.#config.cookieName;
    const value = this.#signer.sign(SESSION, name, this.#id!, this.#lifetime());
    checkCookieSize(name, value, "the cookie store keeps the whole session in its cookie: keep less in the session, or keep it on the server with sessions({ store: new RedisStore({ client }) })");
    this.#issuedAt = Math.floor(Date.now() / 1000);
    this.#outgoing = value;
  }

  // Seconds the session may live from now: the idle timeout, cut short by the absolute one.
  #lifetime(): number {
    const left = Math.floor((this.#created + this.#config.absoluteTimeout * 1000 - Date.now()) / 1000);
    return Math.max(1, Math.min(this.#config.idleTimeout, left));
  }

  #cookieOptions(maxAge: number | undefined): CookieOptions {
    const { secure, ...flags } = this.#config.cookie;
    return { ...flags, secure: secure === "auto" ? this.#request.isSecure : secure, ...(maxAge === undefined ? {} : { maxAge }) };
  }
}

// A page that read the session is that visitor's page: shared caches must
// key it by the cookie.
function addVaryCookie(response: Response): void {
  const vary = response.headers.get("vary");
  if (vary === undefined) response.headers.set("vary", "Cookie");
  else if (!/(^|,)\s*(cookie|\*)\s*(,|$)/i.test(vary)) response.headers.set("vary", `${vary}, Cookie`);
}
