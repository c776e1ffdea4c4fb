/**
 * Cookies both ways: parsing a `Cookie` request header, and writing one
 * `Set-Cookie` value with every attribute validated.
 */

/** Options of `response.setCookie()`. */
export interface CookieOptions {
  /** Lifetime in seconds (`Max-Age`); 0 or less deletes the cookie. */
  maxAge?: number;
  /** An absolute expiry date (`Expires`). */
  expires?: Date;
  /** The path the cookie is sent for; `/` by default. */
  path?: string;
  /** The domain the cookie is sent to (and its subdomains); the current host only when absent. */
  domain?: string;
  /** Send the cookie over HTTPS only. */
  secure?: boolean;
  /** Hide the cookie from `document.cookie`. */
  httpOnly?: boolean;
  /** `Strict`, `Lax` or `None` (browsers want `secure` with `None`). Any case is accepted. */
  sameSite?: "Strict" | "Lax" | "None" | "strict" | "lax" | "none";
  /** CHIPS partitioned storage; needs `secure`. */
  partitioned?: boolean;
}

// Linear, these three: anchored, one character class each.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// RFC 6265 cookie-octet: no CTLs, whitespace, DQUOTE, comma, semicolon or backslash.
const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;
// Path and Domain values: any CHAR but CTLs and `;` (RFC 6265 av-octet).
const ATTRIBUTE_VALUE = /^[^\x00-\x1F\x7F;]*$/;
const SAME_SITE: Record<string, string> = { strict: "Strict", lax: "Lax", none: "None" };

/**
 * Parse a `Cookie` header into a null-prototype record (so `__proto__` is an
 * ordinary name). Malformed pairs (no `=`, an empty name, invalid
 * percent-encoding) are skipped, never an error; the first of repeated
 * names wins, as browsers send the most specific cookie first. Quoted
 * values are unquoted and `%XX` escapes decoded.
 *
 * @example
 * parseCookies("sid=abc; theme=dark"); // { sid: "abc", theme: "dark" }
 */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies = Object.create(null) as Record<string, string>;
  if (!header) return cookies;
  let start = 0;
  const length = header.length;
  while (start < length) {
    let end = header.indexOf(";", start);
    if (end === -1) end = length;
    // The "=" is looked for within this pair only: indexOf would scan on to
    // the end of a header of ";;;;" at every ";" (quadratic).
    let eq = start;
    while (eq < end && header.charCodeAt(eq) !== 0x3d) eq++;
    if (eq < end) {
      const name = header.slice(start, eq).trim();
      if (name && !(name in cookies)) {
        const value = cookieValue(header.slice(eq + 1, end).trim());
        if (value !== undefined) cookies[name] = value;
      }
    }
    start = end + 1;
  }
  return cookies;
}

function cookieValue(value: string): string | undefined {
  if (value.length > 1 && value.charCodeAt(0) === 34 && value.charCodeAt(value.length - 1) === 34) value = value.slice(1, -1);
  if (value.indexOf("%") === -1) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/**
 * One `Set-Cookie` header value. The name must be an HTTP token and the
 * value RFC 6265 cookie-octets; `Path` and `Domain` may not hold `;` or
 * control characters; `sameSite` must be one of its three values. Anything
 * that could add an attribute or a header is refused with a `TypeError`
 * saying what to do, never sent. The `__Secure-` and `__Host-` name
 * prefixes are checked as browsers check them.
 *
 * @example
 * serializeCookie("sid", "abc", { httpOnly: true, sameSite: "Lax" });
 * // "sid=abc; Path=/; HttpOnly; SameSite=Lax"
 */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  if (!TOKEN.test(name)) throw new TypeError(`Invalid cookie name: ${JSON.stringify(name)} (use an HTTP token: letters, digits and !#$%&'*+.^_\`|~-).`);
  if (typeof value !== "string" || !COOKIE_VALUE.test(value)) {
    throw new TypeError(
      `Invalid cookie value for "${name}": ";", ",", spaces, quotes, backslashes and control characters are not allowed (encode it first, e.g. with encodeURIComponent).`,
    );
  }
  let cookie = `${name}=${value}`;
  if (options.maxAge !== undefined) {
    if (!Number.isFinite(options.maxAge)) throw new TypeError(`Invalid cookie maxAge for "${name}": ${options.maxAge}`);
    cookie += `; Max-Age=${Math.floor(options.maxAge)}`;
  }
  if (options.expires !== undefined) {
    if (!(options.expires instanceof Date) || Number.isNaN(options.expires.getTime())) throw new TypeError(`Invalid cookie expires for "${name}".`);
    cookie += `; Expires=${options.expires.toUTCString()}`;
  }
  if (options.domain !== undefined) cookie += `; Domain=${attribute(name, "domain", options.domain)}`;
  const path = options.path ?? "/";
  cookie += `; Path=${attribute(name, "path", path)}`;
  if (options.secure) cookie += "; Secure";
  if (options.httpOnly) cookie += "; HttpOnly";
  if (options.sameSite !== undefined) {
    const sameSite = SAME_SITE[String(options.sameSite).toLowerCase()];
    if (sameSite === undefined) throw new TypeError(`Invalid cookie sameSite for "${name}": ${JSON.stringify(options.sameSite)} (Strict, Lax or None).`);
    cookie += `; SameSite=${sameSite}`;
  }
  if (options.partitioned) {
    if (!options.secure) throw new TypeError(`Cookie "${name}" is partitioned, which needs secure: true.`);
    cookie += "; Partitioned";
  }
  checkPrefix(name, options, path);
  return cookie;
}

function attribute(cookie: string, what: string, value: string): string {
  if (typeof value !== "string" || !ATTRIBUTE_VALUE.test(value)) {
    throw new TypeError(`Invalid cookie ${what} for "${cookie}": ${JSON.stringify(value)} (no ";" or control characters).`);
  }
  return value;
}

// Browsers drop prefixed cookies that break the prefix's rules; refusing
// here turns a silent loss into an error at the line that caused it.
function checkPrefix(name: string, options: CookieOptions, path: string): void {
  if (name.startsWith("__Secure-") && !options.secure) throw new TypeError(`Cookie "${name}" has the __Secure- prefix, which needs secure: true.`);
  if (name.startsWith("__Host-") && (!options.secure || options.domain !== undefined || path !== "/")) {
    throw new TypeError(`Cookie "${name}" has the __Host- prefix, which needs secure: true, path "/" and no domain.`);
  }
}
