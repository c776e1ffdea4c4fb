/**
 * Security headers: helmet's defaults (a strict Content-Security-Policy,
 * HSTS on HTTPS, nosniff, frame and cross-origin policies), each one
 * overridable or switched off.
 */
import type { Middleware } from "../core/middleware.js";

/**
 * Content-Security-Policy directives by name, camelCase (`scriptSrc`) or as
 * written (`"script-src"`): a source list (a string or a list of sources),
 * `true` for a directive without a value (`upgradeInsecureRequests`), and
 * `null` or `false` to drop one of the defaults.
 */
export type CspDirectives = Record<string, string | readonly string[] | boolean | null>;

/** Options of {@link securityHeaders}: each header's value, or `false` for none. */
export interface SecurityHeadersOptions {
  /**
   * `Content-Security-Policy`: the directives laid over the defaults
   * (`useDefaults: false` starts from none); `reportOnly` sends it as
   * `Content-Security-Policy-Report-Only`.
   */
  contentSecurityPolicy?: false | { directives?: CspDirectives; useDefaults?: boolean; reportOnly?: boolean };
  /** `Strict-Transport-Security`, on HTTPS requests only: 365 days and subdomains by default. */
  strictTransportSecurity?: false | { maxAge?: number; includeSubDomains?: boolean; preload?: boolean };
  /** `X-Content-Type-Options: nosniff`. */
  xContentTypeOptions?: boolean;
  /** `Referrer-Policy`: `no-referrer` by default; a list is sent as a fallback chain. */
  referrerPolicy?: false | string | readonly string[];
  /** `X-Frame-Options`: `SAMEORIGIN` by default (the CSP's `frame-ancestors` says the same to newer browsers). */
  xFrameOptions?: false | "DENY" | "SAMEORIGIN";
  /** `Cross-Origin-Opener-Policy`: `same-origin` by default. */
  crossOriginOpenerPolicy?: false | "same-origin" | "same-origin-allow-popups" | "unsafe-none" | "noopener-allow-popups";
  /** `Cross-Origin-Resource-Policy`: `same-origin` by default. */
  crossOriginResourcePolicy?: false | "same-origin" | "same-site" | "cross-origin";
  /** `Cross-Origin-Embedder-Policy`: not sent by default (as helmet). */
  crossOriginEmbedderPolicy?: false | "require-corp" | "credentialless" | "unsafe-none";
  /** `Origin-Agent-Cluster: ?1`. */
  originAgentCluster?: boolean;
  /** `X-DNS-Prefetch-Control`: `off` by default. */
  xDnsPrefetchControl?: false | "on" | "off";
  /** `X-Download-Options: noopen` (old Internet Explorer). */
  xDownloadOptions?: boolean;
  /** `X-Permitted-Cross-Domain-Policies`: `none` by default. */
  xPermittedCrossDomainPolicies?: false | "none" | "master-only" | "by-content-type" | "all";
  /** `X-XSS-Protection: 0`: turns off the old browsers' XSS filter, which did more harm than good. */
  xXssProtection?: boolean;
}

/** Helmet's default Content-Security-Policy: same-origin everything, no plugins, no inline scripts. */
const DEFAULT_DIRECTIVES: Readonly<Record<string, readonly string[] | true>> = {
  "default-src": ["'self'"],
  "base-uri": ["'self'"],
  "font-src": ["'self'", "https:", "data:"],
  "form-action": ["'self'"],
  "frame-ancestors": ["'self'"],
  "img-src": ["'self'", "data:"],
  "object-src": ["'none'"],
  "script-src": ["'self'"],
  "script-src-attr": ["'none'"],
  "style-src": ["'self'", "https:", "'unsafe-inline'"],
  "upgrade-insecure-requests": true,
};

const DIRECTIVE_NAME = /^[a-z][a-z-]*$/;
// What would end a directive or a header, or is not a header character.
const BAD_SOURCE = /[;,\r\n\0\x7f]|[^\x20-\x7e]/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Security headers middleware: helmet's defaults on every response (error
 * pages and 404s included), each overridable or switched off with `false`.
 * A header the handler set itself is kept, so one route can loosen its
 * policy. `Strict-Transport-Security` is sent only on HTTPS requests
 * (`request.isSecure`, which honours `trustProxy`): over plain HTTP it
 * means nothing and would pin a development host. The values are checked
 * and joined once, here; a request only copies them.
 *
 * @example
 * app.use(securityHeaders({
 *   contentSecurityPolicy: { directives: { imgSrc: ["'self'", "https://cdn.example"], upgradeInsecureRequests: false } },
 *   xFrameOptions: "DENY",
 * }));
 */
export function securityHeaders(options: SecurityHeadersOptions = {}): Middleware {
  const always: [string, string][] = [];
  const add = (name: string, value: string | false | undefined, fallback: string) => {
    if (value === false) return;
    always.push([name, value ?? fallback]);
  };
  const csp = options.contentSecurityPolicy;
  if (csp !== false) {
    always.push([csp?.reportOnly === true ? "content-security-policy-report-only" : "content-security-policy", policy(csp?.directives ?? {}, csp?.useDefaults ?? true)]);
  }
  if (options.crossOriginEmbedderPolicy) always.push(["cross-origin-embedder-policy", options.crossOriginEmbedderPolicy]);
  add("cross-origin-opener-policy", options.crossOriginOpenerPolicy, "same-origin");
  add("cross-origin-resource-policy", options.crossOriginResourcePolicy, "same-origin");
  if (options.originAgentCluster !== false) always.push(["origin-agent-cluster", "?1"]);
  add("referrer-policy", referrer(options.referrerPolicy), "no-referrer");
  if (options.xContentTypeOptions !== false) always.push(["x-content-type-options", "nosniff"]);
  add("x-dns-prefetch-control", options.xDnsPrefetchControl, "off");
  if (options.xDownloadOptions !== false) always.push(["x-download-options", "noopen"]);
  add("x-frame-options", options.xFrameOptions, "SAMEORIGIN");
  add("x-permitted-cross-domain-policies", options.xPermittedCrossDomainPolicies, "none");
  if (options.xXssProtection !== false) always.push(["x-xss-protection", "0"]);
  for (const [name, value] of always) checkValue(name, value);
  const hsts = options.strictTransportSecurity === false ? undefined : transportSecurity(options.strictTransportSecurity ?? {});

  return async function securityHeadersMiddleware(request, next) {
    const response = await next();
    const headers = response.headers;
    for (let i = 0; i < always.length; i++) {
      const [name, value] = always[i]!;
      if (!headers.has(name)) headers.set(name, value);
    }
    if (hsts !== undefined && request.isSecure && !headers.has("strict-transport-security")) headers.set("strict-transport-security", hsts);
    return response;
  };
}

// The policy string: the defaults (unless turned off) with the user's
// directives laid over them, each name and source checked.
function policy(directives: CspDirectives, useDefaults: boolean): string {
  const merged = new Map<string, readonly string[] | true>(useDefaults ? Object.entries(DEFAULT_DIRECTIVES) : []);
  for (const [key, value] of Object.entries(directives)) {
    const name = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (!DIRECTIVE_NAME.test(name)) throw new TypeError(`securityHeaders(): ${JSON.stringify(key)} is not a Content-Security-Policy directive name.`);
    if (value === null || value === false) {
      merged.delete(name);
      continue;
    }
    if (value === true) {
      merged.set(name, true);
      continue;
    }
    const sources = typeof value === "string" ? [value] : [...value];
    for (const source of sources) {
      if (typeof source !== "string" || source.trim() === "" || BAD_SOURCE.test(source)) {
        throw new TypeError(`securityHeaders(): the ${name} source ${JSON.stringify(source)} is empty or holds ; , a line break or a non-ASCII character.`);
      }
    }
    merged.set(name, sources);
  }
  if (merged.size === 0) throw new TypeError("securityHeaders(): the Content-Security-Policy has no directives; pass contentSecurityPolicy: false to send none.");
  return [...merged].map(([name, sources]) => (sources === true ? name : `${name} ${sources.join(" ")}`)).join("; ");
}

function transportSecurity(options: { maxAge?: number; includeSubDomains?: boolean; preload?: boolean }): string {
  const maxAge = options.maxAge ?? 31_536_000;
  if (!Number.isInteger(maxAge) || maxAge < 0) throw new TypeError(`securityHeaders(): strictTransportSecurity.maxAge is a whole number of seconds, not ${maxAge}.`);
  let value = `max-age=${maxAge}`;
  if (options.includeSubDomains !== false) value += "; includeSubDomains";
  if (options.preload === true) value += "; preload";
  return value;
}

function referrer(value: SecurityHeadersOptions["referrerPolicy"]): string | false | undefined {
  if (value === undefined || value === false || typeof value === "string") return value;
  return value.join(",");
}

function checkValue(name: string, value: string): void {
  if (name === "content-security-policy" || name === "content-security-policy-report-only") return;
  for (const part of value.split(",")) {
    if (!TOKEN.test(part.trim()) && !(name === "origin-agent-cluster" && part === "?1")) {
      throw new TypeError(`securityHeaders(): ${JSON.stringify(value)} is not a valid ${name} value.`);
    }
  }
}
