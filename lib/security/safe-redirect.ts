/**
 * Redirect targets: which ones stay on this site, and which may never be
 * sent at all. Open redirects (`?next=//evil.example`) are a phishing tool;
 * browsers read `Location` loosely, so the checks read it as they do.
 */

// Schemes that run code or smuggle content in the page's name.
const DANGEROUS_SCHEME = /^(?:javascript|vbscript|data):/i;
// Browsers drop ASCII tabs and newlines anywhere in a URL, and leading and
// trailing C0 controls and spaces (WHATWG URL parser).
const STRIPPED = /[\t\n\r]/g;
const EDGES = /^[\x00-\x20]+|[\x00-\x20]+$/g;
const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * Check a `Location` before it is sent: control characters (which could end
 * the header or be stripped into another URL) and `javascript:`,
 * `vbscript:` and `data:` targets (however they are spelled with tabs,
 * newlines or case) are refused with a `TypeError`. Returns the target.
 * `Response.redirect()` and `handler.redirect()` call it.
 *
 * @example
 * checkRedirectTarget("/login");               // "/login"
 * checkRedirectTarget("java\tscript:alert(1)"); // throws TypeError
 */
export function checkRedirectTarget(location: string): string {
  if (typeof location !== "string") throw new TypeError(`A redirect target is a string, not ${typeof location}.`);
  if (CONTROL.test(location)) throw new TypeError(`A redirect target may not hold control characters: ${JSON.stringify(location)}.`);
  if (DANGEROUS_SCHEME.test(location.replace(STRIPPED, "").replace(EDGES, ""))) {
    throw new TypeError(`Refusing to redirect to ${JSON.stringify(location.slice(0, 40))}: javascript:, vbscript: and data: targets are not allowed.`);
  }
  return location;
}

/**
 * The same-site form of a redirect target taken from the client (a
 * `?next=` parameter, a form field), or `undefined` when it would leave the
 * site. A same-site target is a path: after what browsers do to it
 * (dropping tabs and newlines, reading `\` as `/`, resolving `.` and `..`,
 * even encoded), it starts with exactly one `/`. `//evil.example`,
 * `/\evil.example`, `/\t/evil.example`, `https://evil.example` and
 * `javascript:` are all refused. The path returned is the normalized one
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
  if (typeof target !== "string" || CONTROL.test(target.replace(STRIPPED, ""))) return undefined;
  let url = target.replace(STRIPPED, "").replace(EDGES, "").replace(/\\/g, "/");
  if (host !== undefined) {
    const absolute = /^https?:\/\/([^/?#]*)(.*)$/i.exec(url);
    if (absolute !== null) {
      if (absolute[1]!.toLowerCase() !== host.toLowerCase()) return undefined;
      url = absolute[2] || "/";
    }
  }
  if (url.charCodeAt(0) !== 47 /* "/" */ || url.charCodeAt(1) === 47) return undefined;
  const split = url.search(/[?#]/);
  const path = split === -1 ? url : url.slice(0, split);
  const rest = split === -1 ? "" : url.slice(split);
  const normalized = normalizePath(path);
  return normalized + rest;
}

/** Resolve `.` and `..` segments (also `%2e` forms) and collapse repeated slashes, keeping a trailing one. */
function normalizePath(path: string): string {
  const out: string[] = [];
  const segments = path.split("/");
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i]!;
    const dots = segment.toLowerCase().replaceAll("%2e", ".");
    if (dots === ".") continue;
    if (dots === "..") {
      out.pop();
      continue;
    }
    if (segment === "" && i !== segments.length - 1) continue;
    out.push(segment);
  }
  const last = segments[segments.length - 1]!.toLowerCase().replaceAll("%2e", ".");
  const trailing = out.length > 0 && (last === "." || last === "..") ? "/" : "";
  return `/${out.join("/")}${trailing}`;
}

/** @deprecated The old name of {@link sameOriginPath} (it keeps targets on this origin, which is narrower than a site). */
export const sameSiteTarget = sameOriginPath;
