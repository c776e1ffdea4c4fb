/**
 * Signed values for cookies: HMAC-SHA256 over a purpose, the cookie's name,
 * its value and when it was issued, under a list of keys so that keys
 * rotate without logging anyone out.
 */
import { createHmac, timingSafeEqual, type KeyObject, createSecretKey } from "node:crypto";

/** The fewest bytes a secret may have: the output size of SHA-256. */
export const MIN_SECRET_BYTES = 32;

/** Browsers keep a cookie's name and value up to 4096 bytes together and silently drop longer ones. */
export const MAX_COOKIE_BYTES = 4096;

/** The signing purpose of `response.setSignedCookie()` and `request.signedCookie()`, apart from the session's. */
export const SIGNED_COOKIE = "cookie";

const MAKE_ONE = `make one with: node -e "console.log(crypto.randomBytes(32).toString('base64url'))"`;

// A signature is 32 bytes, 43 characters of unpadded base64url.
const SIGNATURE_LENGTH = 43;
const BASE36 = /^[0-9a-z]{1,11}$/;

/** What `Signer.unsign` found in a valid, unexpired signed value. */
export interface Unsigned {
  /** The value that was signed. */
  value: string;
  /** When it was signed, in seconds since the epoch. */
  issuedAt: number;
}

/**
 * Check the application option `secrets`: a non-empty list of strings of
 * at least {@link MIN_SECRET_BYTES} bytes each, the first the current key
 * and the others older ones still accepted. Anything else is a `TypeError`
 * saying how to make a secret. Returns a frozen copy.
 *
 * @example
 * checkSecrets([process.env.SECRET!, process.env.OLD_SECRET!]);
 */
export function checkSecrets(secrets: unknown): readonly string[] {
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw new TypeError(`The secrets option is a non-empty list of strings, the current key first (secrets: [current, ...older]); ${MAKE_ONE}`);
  }
  secrets.forEach((secret: unknown, i) => {
    if (typeof secret !== "string") throw new TypeError(`secrets[${i}] is ${typeof secret}, not a string; ${MAKE_ONE}`);
    const bytes = Buffer.byteLength(secret);
    if (bytes < MIN_SECRET_BYTES) {
      throw new TypeError(`secrets[${i}] is ${bytes} bytes, under the ${MIN_SECRET_BYTES} a signing key needs to resist guessing; ${MAKE_ONE}`);
    }
  });
  return Object.freeze([...(secrets as string[])]);
}

/**
 * The error of a feature that signs, used on an app with no `secrets`:
 * `what` names the feature (`sessions()`, `response.setSignedCookie()`).
 */
export function missingSecrets(what: string): TypeError {
  return new TypeError(`${what} signs cookies with the application's secrets, and it has none: pass new Application(routes, { secrets: [process.env.SECRET] }) with a secret of ${MIN_SECRET_BYTES} bytes or more; ${MAKE_ONE}`);
}

/**
 * Signs and verifies cookie values with the application's `secrets`: signs
 * with the first key and accepts any of them, so a new key goes first and
 * the old one stays behind it until the cookies it signed have expired.
 *
 * A signed value reads `payload.issued.maxAge.signature`: the value in
 * base64url, the issue time and the lifetime in seconds (base 36, the
 * lifetime empty for none), and an HMAC-SHA256 over the purpose, the
 * cookie's name and all of those, compared with `crypto.timingSafeEqual`.
 * The purpose keeps values signed for one use (a session) from being
 * accepted for another (a handler's own signed cookie of the same name).
 *
 * @example
 * const signer = new Signer([secret]);
 * const cookie = signer.sign("cookie", "theme", "dark", 3600);
 * signer.unsign("cookie", "theme", cookie)?.value; // "dark"
 */
export class Signer {
  readonly #keys: readonly KeyObject[];

  constructor(secrets: readonly string[]) {
    this.#keys = checkSecrets(secrets).map((secret) => createSecretKey(Buffer.from(secret)));
  }

  /**
   * Sign `value` for the cookie `name`, issued now, valid for `maxAge`
   * seconds (no limit of its own when `undefined`).
   */
  sign(purpose: string, name: string, value: string, maxAge?: number, now = Date.now()): string {
    const issued = Math.floor(now / 1000).toString(36);
    const life = maxAge === undefined ? "" : Math.max(0, Math.floor(maxAge)).toString(36);
    const body = `${Buffer.from(value).toString("base64url")}.${issued}.${life}`;
    return `${body}.${mac(this.#keys[0]!, purpose, name, body)}`;
  }

  /**
   * The value signed in `signed` for the cookie `name` and this `purpose`,
   * or `undefined` when it is tampered with, truncated, signed by no key in
   * the list, too long to be a cookie, past its own lifetime, or older than
   * `maxAge` seconds. Never throws on what a client sent.
   */
  unsign(purpose: string, name: string, signed: string, maxAge?: number, now = Date.now()): Unsigned | undefined {
    if (typeof signed !== "string" || signed.length > MAX_COOKIE_BYTES) return undefined;
    const dot = signed.lastIndexOf(".");
    if (dot === -1 || signed.length - dot - 1 !== SIGNATURE_LENGTH) return undefined;
    const body = signed.slice(0, dot);
    const given = Buffer.from(signed.slice(dot + 1), "latin1");
    let valid = false;
    for (const key of this.#keys) {
      // Every key is tried, so the time taken does not say which one signed.
      if (timingSafeEqual(given, Buffer.from(mac(key, purpose, name, body), "latin1"))) valid = true;
    }
    if (!valid) return undefined;
    const [payload, issued, life] = body.split(".");
    if (payload === undefined || issued === undefined || life === undefined || !BASE36.test(issued)) return undefined;
    const issuedAt = parseInt(issued, 36);
    const age = now / 1000 - issuedAt;
    if (life !== "" && (!BASE36.test(life) || age > parseInt(life, 36))) return undefined;
    if (maxAge !== undefined && age > maxAge) return undefined;
    return { value: Buffer.from(payload, "base64url").toString(), issuedAt };
  }
}

function mac(key: KeyObject, purpose: string, name: string, body: string): string {
  // NUL cannot occur in a purpose or a cookie name, so the fields cannot run into one another.
  return createHmac("sha256", key).update(`${purpose}\0${name}\0${body}`).digest("base64url");
}
