/**
 * The host a request names: checked before routing, because full URLs
 * (`uriFor(name, params, { full: true })`), redirects and anything built
 * from `request.host` trust it. RFC 9112 §3.2: a request with more than one
 * `Host` line, or an invalid one, is a 400; RFC 9113 §8.3.1: over HTTP/2
 * `:authority` is the host, and a `host` header that disagrees with it
 * makes the request malformed.
 */
import type { IncomingMessage } from "node:http";
import { BadRequest } from "../http/errors.js";

/**
 * Whether `value` is `uri-host [":" port]` as handlerkit accepts it: a
 * name of letters, digits, `-`, `.`, `_` and `~`, or an IPv6 literal in
 * brackets, then optionally `:` and a port from 0 to 65535. Stricter than
 * RFC 3986's reg-name, as Django is: sub-delimiters (`!$&'()*+,;=`) and
 * percent-escapes have no business in a host name, and `@`, `/`, `?`,
 * `#`, spaces and an empty value are refused. One pass over the string.
 *
 * @example
 * isValidHost("example.com:8080");          // true
 * isValidHost("good.example@evil.example"); // false
 */
export function isValidHost(value: string): boolean {
  const length = value.length;
  if (length === 0) return false;
  let i = 0;
  if (value.charCodeAt(0) === 0x5b /* [ */) {
    const close = value.indexOf("]");
    if (close < 3) return false;
    for (let j = 1; j < close; j++) {
      const c = value.charCodeAt(j);
      if (!(isHex(c) || c === 0x3a /* : */ || c === 0x2e /* . */)) return false;
    }
    i = close + 1;
  } else {
    for (; i < length; i++) {
      const c = value.charCodeAt(i);
      if (c === 0x3a /* : */) break;
      if (!isNameChar(c)) return false;
    }
    if (i === 0) return false;
  }
  if (i === length) return true;
  if (value.charCodeAt(i) !== 0x3a /* : */) return false;
  const digits = length - i - 1;
  if (digits < 1 || digits > 5) return false;
  let port = 0;
  for (let j = i + 1; j < length; j++) {
    const d = value.charCodeAt(j) - 0x30;
    if (d < 0 || d > 9) return false;
    port = port * 10 + d;
  }
  return port <= 65535;
}

function isNameChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d /* - */ || c === 0x2e /* . */ || c === 0x5f /* _ */ || c === 0x7e /* ~ */
  );
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/**
 * The name part of a host (`example.com:8080` → `example.com`, `[::1]:80`
 * → `[::1]`), lower case, without a trailing dot (`example.com.` is
 * `example.com`).
 */
export function hostName(host: string): string {
  let end = host.length;
  const close = host.lastIndexOf("]");
  const colon = host.lastIndexOf(":");
  if (colon > close && (close !== -1 || host.indexOf(":") === colon)) end = colon;
  if (end > 0 && host.charCodeAt(end - 1) === 0x2e /* . */) end--;
  return host.slice(0, end).toLowerCase();
}

/**
 * A list of host names, as the application options `allowedHosts` and
 * `redirectHosts` take it (Django's `ALLOWED_HOSTS`): `example.com` is that
 * name (any port), `.example.com` that name and every subdomain of it, `*`
 * any host. Names are compared without case and without a trailing dot.
 * Built once, when the application is made; an entry that is not a host
 * name is a `TypeError` naming the option.
 *
 * @example
 * const hosts = new HostList(["example.com", ".example.org"], "allowedHosts");
 * hosts.has("www.example.org"); // true
 * hosts.has("example.net");     // false
 */
export class HostList {
  readonly #exact = new Set<string>();
  readonly #domains: string[] = [];
  readonly #any: boolean;
  /** The entries as given. */
  readonly entries: readonly string[];
  // perf(bench: hello): clients name the same host request after request:
  // the last one accepted is one string comparison away.
  #lastAccepted: string | undefined = undefined;

  constructor(entries: Iterable<string>, option = "hosts") {
    this.entries = Object.freeze([...entries]);
    let any = false;
    for (const entry of this.entries) {
      if (typeof entry !== "string") throw new TypeError(`${option} holds host names, not ${typeof entry}.`);
      if (entry === "*") {
        any = true;
        continue;
      }
      const domain = entry.startsWith(".");
      const name = domain ? entry.slice(1) : entry;
      if (!isValidHost(name) || hostName(name) !== name.toLowerCase().replace(/\.$/, "")) {
        throw new TypeError(`${option}: ${JSON.stringify(entry)} is not a host name (write "example.com", ".example.com" for it and its subdomains, or "*"; no scheme, port or path).`);
      }
      if (domain) this.#domains.push(`.${hostName(name)}`);
      else this.#exact.add(hostName(name));
    }
    this.#any = any;
  }

  /** Whether the list holds `host` (a name, with or without a port). */
  has(host: string): boolean {
    if (this.#any || host === this.#lastAccepted) return true;
    const name = hostName(host);
    let found = this.#exact.has(name);
    for (let i = 0; !found && i < this.#domains.length; i++) {
      const domain = this.#domains[i]!;
      found = name.endsWith(domain) || name === domain.slice(1);
    }
    if (found) this.#lastAccepted = host;
    return found;
  }
}

/** What {@link guardHost} reads of a request. */
export interface HostSource {
  /** The `node:http` request, when there is a socket. */
  readonly raw: IncomingMessage | undefined;
  /** The host the request names (after `:authority` and a trusted `X-Forwarded-Host`). */
  readonly host: string;
}

// perf(bench: hello): the last host found valid, so a keep-alive client
// naming the same host costs one comparison.
let lastValid: string | undefined = undefined;

/**
 * Check the host a request names, before routing (the application calls
 * it for every request). Throws a `BadRequest` (400) for two `Host` lines,
 * for HTTP/2 `:authority` and `host` that disagree, for a host that is not
 * `uri-host [":" port]` (see {@link isValidHost}), and, when `allowed` is
 * given, for a host not on it.
 */
export function guardHost(request: HostSource, allowed: HostList | undefined): void {
  const raw = request.raw;
  if (raw !== undefined) {
    const headers = raw.headers;
    const authority = headers[":authority"];
    if (authority !== undefined) {
      const host = headers.host;
      if (host !== undefined && String(host).toLowerCase() !== String(authority).toLowerCase()) {
        throw new BadRequest("The host header disagrees with :authority.");
      }
    } else if (hasTwoHosts(raw.rawHeaders)) {
      throw new BadRequest("The request has more than one Host header.");
    }
  }
  const host = request.host;
  if (host !== lastValid) {
    if (!isValidHost(host)) throw new BadRequest("The Host header is not a valid host (a name or address, then an optional :port).");
    lastValid = host;
  }
  if (allowed !== undefined && !allowed.has(host)) throw new BadRequest("The Host header names a host this application does not serve (see the allowedHosts option).");
}

function hasTwoHosts(rawHeaders: readonly string[]): boolean {
  let seen = false;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === 4 && (name === "Host" || name === "host" || name.toLowerCase() === "host")) {
      if (seen) return true;
      seen = true;
    }
  }
  return false;
}
