/**
 * cors(): origins as a string, a list, a RegExp or a function; preflights;
 * Vary; credentials never with "*"; hostile origins get no CORS headers.
 */
import { describe, expect, it } from "vitest";
import { Application, cors, Route, type CorsOptions } from "../../lib/index.js";
import { overSocket } from "../support/listening.js";

function appWith(options?: CorsOptions) {
  const app = new Application([
    ["/api", () => ({ ok: true })],
    new Route("/only-get", () => "x", { methods: ["GET"] }),
  ]);
  app.use(cors(options));
  return app;
}

const corsHeaders = (headers: Iterable<[string, string]>) =>
  Object.fromEntries([...headers].filter(([name]) => name.startsWith("access-control-") || name === "vary"));

const preflight = (origin: string, extra: Record<string, string> = {}) => ({
  method: "OPTIONS",
  headers: { origin, "access-control-request-method": "PUT", ...extra },
});

describe("cors()", () => {
  it('allows any origin with "*" by default, on every response, without Vary', async () => {
    const app = appWith();
    const res = await app.getResponse("/api", { headers: { origin: "https://any.example" } });
    expect(res.status).toBe(200);
    expect(corsHeaders(res.headers)).toEqual({ "access-control-allow-origin": "*" });
    expect(corsHeaders((await app.getResponse("/missing", { headers: { origin: "https://any.example" } })).headers)).toEqual({ "access-control-allow-origin": "*" });
  });

  it("answers a preflight with 204 and the methods, reflecting the headers it asks for, whatever the routes", async () => {
    const app = appWith({ origin: "https://app.example", maxAge: 600 });
    for (const path of ["/api", "/only-get", "/no-such-route"]) {
      const res = await app.getResponse(path, preflight("https://app.example", { "access-control-request-headers": "content-type, x-token" }));
      expect(res.status, path).toBe(204);
      expect(corsHeaders(res.headers), path).toEqual({
        "access-control-allow-origin": "https://app.example",
        "access-control-allow-methods": "GET, HEAD, PUT, PATCH, POST, DELETE",
        "access-control-allow-headers": "content-type, x-token",
        "access-control-max-age": "600",
        vary: "Origin, Access-Control-Request-Headers",
      });
      expect(await res.text()).toBe("");
    }
  });

  it("sends the configured methods, allowed and exposed headers, and credentials", async () => {
    const app = appWith({ origin: ["https://a.example", "https://b.example"], credentials: true, methods: ["get", "post"], allowedHeaders: ["Content-Type"], exposedHeaders: ["X-Total"] });
    const pre = await app.getResponse("/api", preflight("https://b.example", { "access-control-request-headers": "x-other" }));
    expect(corsHeaders(pre.headers)).toEqual({
      "access-control-allow-origin": "https://b.example",
      "access-control-allow-credentials": "true",
      "access-control-allow-methods": "GET, POST",
      "access-control-allow-headers": "Content-Type",
      vary: "Origin",
    });
    const res = await app.getResponse("/api", { headers: { origin: "https://a.example" } });
    expect(corsHeaders(res.headers)).toEqual({
      "access-control-allow-origin": "https://a.example",
      "access-control-allow-credentials": "true",
      "access-control-expose-headers": "X-Total",
      vary: "Origin",
    });
  });

  it("gives an origin not allowed no CORS headers, not an error page, and still Vary: Origin", async () => {
    const app = appWith({ origin: "https://app.example" });
    const res = await app.getResponse("/api", { headers: { origin: "https://evil.example" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(corsHeaders(res.headers)).toEqual({ vary: "Origin" });
    const pre = await app.getResponse("/api", preflight("https://evil.example"));
    expect(pre.status).toBe(204);
    expect(corsHeaders(pre.headers)).toEqual({ vary: "Origin" });
    const none = await app.getResponse("/api");
    expect(corsHeaders(none.headers)).toEqual({ vary: "Origin" });
  });

  it("matches a RegExp against the whole origin, so look-alike hosts are refused", async () => {
    const app = appWith({ origin: /https:\/\/([a-z0-9-]+\.)?trusted\.com/ });
    const allowed = async (origin: string) => (await app.getResponse("/api", { headers: { origin } })).headers.get("access-control-allow-origin");
    expect(await allowed("https://trusted.com")).toBe("https://trusted.com");
    expect(await allowed("https://app.trusted.com")).toBe("https://app.trusted.com");
    for (const hostile of ["https://trusted.com.evil.example", "https://evil.example/https://trusted.com", "https://evil.example.trusted.com.evil.example", "null", "HTTPS://TRUSTED.COM", "https://trusted.comx"]) {
      expect(await allowed(hostile), hostile).toBeUndefined();
    }
    // A global RegExp would be stateful with test(); the flag is dropped.
    const global = appWith({ origin: /https:\/\/g\.example/g });
    for (let i = 0; i < 3; i++) expect((await global.getResponse("/api", { headers: { origin: "https://g.example" } })).headers.get("access-control-allow-origin")).toBe("https://g.example");
  });

  it("compares origins exactly: mixed case and null are refused unless listed", async () => {
    const app = appWith({ origin: ["https://app.example", "null"] });
    const allowed = async (origin: string) => (await app.getResponse("/api", { headers: { origin } })).headers.get("access-control-allow-origin");
    expect(await allowed("https://App.Example")).toBeUndefined();
    expect(await allowed("https://app.example:443")).toBeUndefined();
    expect(await allowed("null")).toBe("null");
    expect(await (async () => (await appWith({ origin: "https://app.example" }).getResponse("/api", { headers: { origin: "null" } })).headers.get("access-control-allow-origin"))()).toBeUndefined();
  });

  it("asks a function, sync or async: true reflects the origin, a string is sent, false refuses", async () => {
    const seen: string[] = [];
    const app = appWith({
      credentials: true,
      origin: async (origin, request) => {
        seen.push(`${request.method} ${origin}`);
        if (origin.endsWith(".partner.example")) return true;
        if (origin === "https://alias.example") return "https://canonical.example";
        if (origin === "https://star.example") return "*";
        return false;
      },
    });
    const allowed = async (origin: string) => (await app.getResponse("/api", { headers: { origin } })).headers.get("access-control-allow-origin");
    expect(await allowed("https://x.partner.example")).toBe("https://x.partner.example");
    expect(await allowed("https://alias.example")).toBe("https://canonical.example");
    // "*" with credentials is never sent.
    expect(await allowed("https://star.example")).toBeUndefined();
    expect(await allowed("https://other.example")).toBeUndefined();
    expect(seen[0]).toBe("GET https://x.partner.example");
  });

  it("does not reflect a requested header list that is not one", async () => {
    const app = appWith({ origin: "https://app.example" });
    const res = await app.getResponse("/api", preflight("https://app.example", { "access-control-request-headers": "x-a, x b:c" }));
    expect(res.headers.has("access-control-allow-headers")).toBe(false);
  });

  it("an OPTIONS without Access-Control-Request-Method is not a preflight: it goes to the app", async () => {
    const app = appWith({ origin: "https://app.example" });
    const res = await app.getResponse("/only-get", { method: "OPTIONS", headers: { origin: "https://app.example" } });
    // The app's own OPTIONS answer: 204 with the route's Allow.
    expect(res.status).toBe(204);
    expect(res.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example");
  });

  it("refuses options that cannot work, when it is made", () => {
    expect(() => cors({ origin: "*", credentials: true })).toThrow('cors(): origin "*" cannot go with credentials: true');
    expect(() => cors({ credentials: true })).toThrow('origin "*" cannot go with credentials');
    expect(() => cors({ origin: "https://app.example/" })).toThrow('cors(): "https://app.example/" is not an origin');
    expect(() => cors({ origin: ["app.example"] })).toThrow("is not an origin");
    expect(() => cors({ origin: [42 as never] })).toThrow("an origin in the list is number");
    expect(() => cors({ origin: /^(a+)+$/ })).toThrow("can backtrack catastrophically");
    expect(() => cors({ methods: ["GET POST"] })).toThrow('methods holds "GET POST"');
    expect(() => cors({ allowedHeaders: ["x\r\ny"] })).toThrow("allowedHeaders holds");
    expect(() => cors({ maxAge: -1 })).toThrow("maxAge is a whole number of seconds");
  });
});

describe("cors() over a socket", () => {
  it("answers preflights and real requests as in process, hostile origins without CORS headers", async () => {
    await overSocket(appWith({ origin: ["https://app.example"], credentials: true }), async (fetch) => {
      const pre = await fetch("/api", { method: "OPTIONS", headers: { origin: "https://app.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type" } });
      expect(pre.status).toBe(204);
      expect(pre.headers["access-control-allow-origin"]).toBe("https://app.example");
      expect(pre.headers["access-control-allow-credentials"]).toBe("true");
      expect(pre.headers["access-control-allow-headers"]).toBe("content-type");
      expect(pre.headers["content-length"]).toBeUndefined();
      const res = await fetch("/api", { headers: { origin: "https://app.example" } });
      expect(res.status).toBe(200);
      expect(res.text).toBe('{"ok":true}');
      expect(res.headers.vary).toBe("Origin");
      for (const origin of ["null", "https://APP.example", "https://app.example.evil.example"]) {
        const hostile = await fetch("/api", { headers: { origin } });
        expect(hostile.status, origin).toBe(200);
        expect(hostile.headers["access-control-allow-origin"], origin).toBeUndefined();
        expect(hostile.headers["access-control-allow-credentials"], origin).toBeUndefined();
      }
    });
  });
});
