/**
 * Redirect targets: which ones stay on this site, which leave it, and which
 * may never be sent at all. Open redirects (`?next=//evil.example`) are a
 * phishing tool; browsers read `Location` loosely, so the checks read it as
 * they do. Every check here is one pass over the target, and targets are
 * capped at {@link MAX_REDIRECT_LENGTH}, so a hostile `?next=` costs no
 * more than a short one.
 */

/**
 * The longest redirect target accepted, in characters (8 KiB, the default
 * path limit): longer is refused like any unsafe target.
 */
export const MAX_REDIRECT_LENGTH = 8 * 1024;

// Schemes that run code or smuggle content in the page's name. Anchored and
// free of loops over a repeated class: linear.
const DANGEROUS_SCHEME = /^(?:javascript|vbscript|data):/i;
// Controls: tested, never searched with a loop that can backtrack (one class).
const CONTROL = /[\x00-\x1f\x7f]/;
// Browsers drop ASCII tabs and newlines anywhere in a URL (one class: linear).
const STRIPPED = /[\t\n\r]/g;

/**
 * Check a `Location` before it is sent, and return the form to send.
 *
 * - Refused with a `TypeError`: a target that is not a string, one longer
 *   than {@link MAX_REDIRECT_LENGTH}, one with control characters (which
 *   could end the header or be stripped into another URL), and `javascript:`,
 *   `vbscript:` and `data:` targets however they are spelled with case or
 *   surrounding spaces.
 * - A target that starts like a path (`/` or `\` after leading spaces) is
 *   normalized to a path on this site, as browsers would read it:
 *   `//evil.example`, `\\evil.example`, `/\evil.example` and
 *   `/a/../..//evil.example` all become `/evil.example`.
 * - Characters outside ASCII are percent-encoded as UTF-8 (`/☃` is sent as
 *   `/%E2%98%83`), as browsers do, since a header value cannot carry them.
 *
 * Targets with a scheme are returned as they are; whether they may leave
 * this host is the caller's to check (see {@link redirectHost}).
 * `Response.redirect()` and `handler.redirect()` call it.
 *
 * @example
 * checkRedirectTarget("/login");               // "/login"
 * checkRedirectTarget("//evil.example/x");     // "/evil.example/x"
 * checkRedirectTarget("java\tscript:alert(1)"); // throws TypeError
 */
export function checkRedirectTarget(location: string): string {
  if (typeof location !== "string") throw new TypeError(`A redirect target is a string, not ${typeof location}.`);
  if (location.length > MAX_REDIRECT_LENGTH) {
    throw new TypeError(`Refusing to redirect to a target of ${location.length} characters: the limit is ${MAX_REDIRECT_LENGTH}.`);
  }
  if (CONTROL.test(location)) throw new TypeError(`A redirect target may not hold control characters: ${JSON.stringify(location.slice(0, 80))}.`);
  let target = trimSpaces(location);
  if (DANGEROUS_SCHEME.test(target)) {
    throw new TypeError(`Refusing to redirect to ${JSON.stringify(target.slice(0, 40))}: javascript:, vbscript: and data: targets are not allowed.`);
  }
  const first = target.charCodeAt(0);
  if (first === 47 /* / */ || first === 92 /* \ */) target = normalizeTarget(target.replace(/\\/g, "/"));
  return encodeNonAscii(target);
}

/**
 * The same-site form of a redirect target taken from the client (a
 * `?next=` parameter, a form field), or `undefined` when it would leave the
 * site. A same-site target is a path: after what browsers do to it
 * (dropping tabs and newlines, reading `\` as `/`, resolving `.` and `..`,
 * even encoded), it starts with exactly one `/`. `//evil.example`,
 * `/\evil.example`, `/\t/evil.example`, `https://evil.example` and
 * `javascript:` are all refused, and so is a target longer than
 * {@link MAX_REDIRECT_LENGTH}. The path returned is the normalized one
 * (`/a/../..//evil` gives `/evil`), so what is sent is what any parser
 * reads. With `host`, an absolute `http(s)` URL on exactly that host is
 * accepted too.
 *
 * @example
 * sameOriginPath("/account?tab=2");       // "/account?tab=2"
 * sameOriginPath("//evil.example/login"); // undefined
 * sameOriginPath("/a/../..//evil");       // "/evil"
 */
export function sameOriginPath(target: string, host?: string): string | undefined {
  if (typeof target !== "string" || target.length > MAX_REDIRECT_LENGTH) return undefined;
  let url = target.replace(STRIPPED, "");
  if (CONTROL.test(url)) return undefined;
  url = trimSpaces(url).replace(/\\/g, "/");
  if (host !== undefined) {
    const authority = absoluteAuthority(url);
    if (authority !== undefined) {
      const [start, end] = authority;
      if (url.slice(start, end).toLowerCase() !== host.toLowerCase()) return undefined;
      url = url.slice(end) || "/";
    }
  }
  if (url.charCodeAt(0) !== 47 /* / */ || url.charCodeAt(1) === 47) return undefined;
  return normalizeTarget(url);
}

/**
 * The old name of {@link sameOriginPath}, kept working.
 *
 * @deprecated Use `sameOriginPath`: it keeps targets on this origin, which is narrower than a site.
 */
export const sameSiteTarget = sameOriginPath;

/**
 * Where a redirect target leaves the request's host for: `undefined` when
 * it stays (a path, a relative reference, or an absolute URL on the same
 * host and port, any scheme), else the host it goes to, lower case (`""`
 * for a scheme without one, such as `mailto:`). The target is read with the
 * WHATWG URL parser against the request's origin, as a browser reads it,
 * so `https:evil.example`, `HTTP://evil.example` and `http:\\evil.example`
 * are seen for what they are. Only a target with a scheme is parsed.
 *
 * @example
 * redirectHost("https://evil.example/x", "https", "good.example"); // "evil.example"
 * redirectHost("/x", "https", "good.example");                     // undefined
 */
export function redirectHost(location: string, scheme: string, host: string): string | undefined {
  if (!hasScheme(location)) return undefined;
  let base: URL;
  let url: URL;
  try {
    base = new URL(`${scheme}://${host}/`);
  } catch {
    return "";
  }
  try {
    url = new URL(location, base);
  } catch {
    // Browsers would not follow it either; it is not ours to send.
    return "";
  }
  return url.host === base.host && url.host !== "" ? undefined : url.host;
}

/** Whether a target begins with a URL scheme (`https:`, `mailto:`, `x-app+v1:`). */
export function hasScheme(target: string): boolean {
  const first = target.charCodeAt(0) | 0x20;
  if (first < 0x61 || first > 0x7a) return false;
  for (let i = 1; i < target.length; i++) {
    const c = target.charCodeAt(i);
    if (c === 0x3a /* : */) return true;
    const lower = c | 0x20;
    if (!((lower >= 0x61 && lower <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e)) return false;
  }
  return false;
}

/**
 * Drop leading and trailing C0 controls and spaces, as the WHATWG URL
 * parser does: one loop from each end (a RegExp alternation of two
 * anchored runs is quadratic on an inner run of spaces).
 */
export function trimSpaces(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

// `[start, end)` of the authority of an absolute `http://` or `https://`
// URL (any case), or `undefined` for any other target.
function absoluteAuthority(url: string): [number, number] | undefined {
  const lower = url.slice(0, 8).toLowerCase();
  const start = lower.startsWith("http://") ? 7 : lower.startsWith("https://") ? 8 : -1;
  if (start === -1) return undefined;
  let end = start;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */) break;
    end++;
  }
  return [start, end];
}

// A path-like target (its `\` already read as `/`) as a path on this site:
// dot segments resolved and repeated slashes collapsed in the path, the
// query and fragment kept as they are.
function normalizeTarget(url: string): string {
  let split = url.length;
  for (let i = 0; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 63 /* ? */ || c === 35 /* # */) {
      split = i;
      break;
    }
  }
  return normalizePath(url.slice(0, split)) + url.slice(split);
}

/** Resolve `.` and `..` segments (also `%2e` forms) and collapse repeated slashes, keeping a trailing one. */
function normalizePath(path: string): string {
  const out: string[] = [];
  const segments = path.split("/");
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i]!;
    const dots = segment.length <= 6 ? segment.toLowerCase().replaceAll("%2e", ".") : segment;
    if (dots === ".") continue;
    if (dots === "..") {
      out.pop();
      continue;
    }
    if (segment === "" && i !== segments.length - 1) continue;
    out.push(segment);
  }
  const lastSegment = segments[segments.length - 1]!;
  const last = lastSegment.length <= 6 ? lastSegment.toLowerCase().replaceAll("%2e", ".") : lastSegment;
  const trailing = out.length > 0 && (last === "." || last === "..") ? "/" : "";
  return `/${out.join("/")}${trailing}`;
}

/**
 * Percent-encode, as UTF-8, every character outside ASCII (a lone
 * surrogate as U+FFFD), leaving the rest as it is: what a browser does to
 * a URL, and what a header value needs.
 */
export function encodeNonAscii(text: string): string {
  let i = 0;
  while (i < text.length && text.charCodeAt(i) < 0x80) i++;
  if (i === text.length) return text;
  let out = text.slice(0, i);
  while (i < text.length) {
    let end = i;
    while (end < text.length && text.charCodeAt(end) >= 0x80) end++;
    // Buffer's UTF-8 encoder writes a lone surrogate as U+FFFD.
    for (const byte of Buffer.from(text.slice(i, end), "utf8")) out += `%${byte < 16 ? "0" : ""}${byte.toString(16).toUpperCase()}`;
    i = end;
    while (end < text.length && text.charCodeAt(end) < 0x80) end++;
    out += text.slice(i, end);
    i = end;
  }
  return out;
}
