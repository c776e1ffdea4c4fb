/**
 * securityHeaders(): helmet's defaults on every response, HSTS on HTTPS
 * only, each header overridable or off, bad values refused when made.
 */
import { describe, expect, it } from "vitest";
import { Application, Response, securityHeaders, type SecurityHeadersOptions } from "../../lib/index.js";
import { overSocket } from "../support/listening.js";

const DEFAULT_CSP =
  "default-src 'self'; base-uri 'self'; font-src 'self' https: data:; form-action 'self'; frame-ancestors 'self'; img-src 'self' data:; object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self' https: 'unsafe-inline'; upgrade-insecure-requests";

const DEFAULTS = {
  "content-security-policy": DEFAULT_CSP,
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "origin-agent-cluster": "?1",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-dns-prefetch-control": "off",
  "x-download-options": "noopen",
  "x-frame-options": "SAMEORIGIN",
  "x-permitted-cross-domain-policies": "none",
  "x-xss-protection": "0",
};

function appWith(options?: SecurityHeadersOptions, trustProxy = false) {
  const app = new Application([
    ["/", () => "home"],
    ["/embed", () => new Response("embeddable", 200, { "content-security-policy": "frame-ancestors *", "x-frame-options": "ALLOWALL" })],
  ], { trustProxy });
  app.use(securityHeaders(options));
  return app;
}

const securityOf = (headers: Iterable<[string, string]>) => {
  const out = Object.fromEntries(headers);
  delete out["content-type"];
  delete out["content-length"];
  return out;
};

describe("securityHeaders()", () => {
  it("sends helmet's defaults on every response, 404s included, and no HSTS over HTTP", async () => {
    const app = appWith();
    expect(securityOf((await app.getResponse("/")).headers)).toEqual(DEFAULTS);
    expect(securityOf((await app.getResponse("/missing")).headers)).toEqual(DEFAULTS);
  });

  it("adds Strict-Transport-Security on HTTPS, or behind a trusted proxy that says so", async () => {
    const app = appWith();
    expect((await app.getResponse("https://site.example/")).headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
    expect((await app.getResponse("/", { headers: { "x-forwarded-proto": "https" } })).headers.has("strict-transport-security")).toBe(false);
    expect((await appWith({}, true).getResponse("/", { headers: { "x-forwarded-proto": "https" } })).headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
    const custom = appWith({ strictTransportSecurity: { maxAge: 600, includeSubDomains: false, preload: true } });
    expect((await custom.getResponse("https://site.example/")).headers.get("strict-transport-security")).toBe("max-age=600; preload");
    expect((await appWith({ strictTransportSecurity: false }).getResponse("https://site.example/")).headers.has("strict-transport-security")).toBe(false);
  });

  it("lets the policy be extended: directives laid over the defaults, null drops one, true has no value", async () => {
    const app = appWith({ contentSecurityPolicy: { directives: { imgSrc: ["'self'", "https://cdn.example"], "connect-src": "'self'", upgradeInsecureRequests: null, blockAllMixedContent: true, objectSrc: false } } });
    expect((await app.getResponse("/")).headers.get("content-security-policy")).toBe(
      "default-src 'self'; base-uri 'self'; font-src 'self' https: data:; form-action 'self'; frame-ancestors 'self'; img-src 'self' https://cdn.example; script-src 'self'; script-src-attr 'none'; style-src 'self' https: 'unsafe-inline'; connect-src 'self'; block-all-mixed-content",
    );
    const own = appWith({ contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: "'none'" }, reportOnly: true } });
    const res = await own.getResponse("/");
    expect(res.headers.get("content-security-policy-report-only")).toBe("default-src 'none'");
    expect(res.headers.has("content-security-policy")).toBe(false);
  });

  it("overrides or switches off each header", async () => {
    const app = appWith({
      contentSecurityPolicy: false,
      crossOriginOpenerPolicy: "same-origin-allow-popups",
      crossOriginResourcePolicy: false,
      crossOriginEmbedderPolicy: "require-corp",
      originAgentCluster: false,
      referrerPolicy: ["no-referrer", "strict-origin-when-cross-origin"],
      xContentTypeOptions: false,
      xDnsPrefetchControl: "on",
      xDownloadOptions: false,
      xFrameOptions: "DENY",
      xPermittedCrossDomainPolicies: false,
      xXssProtection: false,
    });
    expect(securityOf((await app.getResponse("/")).headers)).toEqual({
      "cross-origin-embedder-policy": "require-corp",
      "cross-origin-opener-policy": "same-origin-allow-popups",
      "referrer-policy": "no-referrer,strict-origin-when-cross-origin",
      "x-dns-prefetch-control": "on",
      "x-frame-options": "DENY",
    });
  });

  it("keeps a header the handler set itself", async () => {
    const res = await appWith().getResponse("/embed");
    expect(res.headers.get("content-security-policy")).toBe("frame-ancestors *");
    expect(res.headers.get("x-frame-options")).toBe("ALLOWALL");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("refuses values that would break the header or the policy, when it is made", () => {
    expect(() => securityHeaders({ contentSecurityPolicy: { directives: { scriptSrc: "'self'; report-uri /x" } } })).toThrow("the script-src source \"'self'; report-uri /x\" is empty or holds ;");
    expect(() => securityHeaders({ contentSecurityPolicy: { directives: { scriptSrc: "https://a.example,\r\nx" } } })).toThrow("script-src source");
    expect(() => securityHeaders({ contentSecurityPolicy: { directives: { "script src": "'self'" } } })).toThrow('"script src" is not a Content-Security-Policy directive name');
    expect(() => securityHeaders({ contentSecurityPolicy: { directives: { imgSrc: [""] } } })).toThrow("img-src source");
    expect(() => securityHeaders({ contentSecurityPolicy: { useDefaults: false } })).toThrow("has no directives");
    expect(() => securityHeaders({ referrerPolicy: "no referrer" })).toThrow('"no referrer" is not a valid referrer-policy value');
    expect(() => securityHeaders({ strictTransportSecurity: { maxAge: -1 } })).toThrow("maxAge is a whole number of seconds");
  });
});

describe("securityHeaders() over a socket", () => {
  it("puts the headers on real responses and error pages", async () => {
    await overSocket(appWith(), async (fetch) => {
      for (const path of ["/", "/missing"]) {
        const res = await fetch(path);
        for (const [name, value] of Object.entries(DEFAULTS)) expect(res.headers[name], `${path} ${name}`).toBe(value);
        expect(res.headers["strict-transport-security"]).toBeUndefined();
      }
    });
  });
});
