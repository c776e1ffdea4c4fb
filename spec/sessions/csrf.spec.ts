/** CSRF: the synchronizer token, Origin and Sec-Fetch-Site checks, exemptions and bearer-token APIs. */
import { describe, expect, it } from "vitest";
import { Application, csrf, csrfExempt, login, RequestHandler, Route, sessions, type CsrfOptions, type Request } from "../../lib/index.js";
import { inProcessVisitor } from "../support/cookie-jar.js";

const ORIGIN = "http://localhost";
const JSON_CLIENT = { accept: "application/json" };

class Hook extends RequestHandler {
  post() {
    return "hook ran";
  }
}
csrfExempt(Hook);

function csrfApp(options?: CsrfOptions) {
  const logged: unknown[][] = [];
  const app = new Application([], { secrets: ["x".repeat(32)], logger: { error: (...args: unknown[]) => logged.push(args) } });
  app.use(sessions(), csrf(options));
  app.route("/form")(async (request: Request) => ({ token: await request.csrfToken() }));
  app.route("/change")(async (request: Request) => ({ changed: request.method, form: request.contentType.includes("form") ? (await request.form()).get("name") ?? null : null }));
  app.route("/hook")(csrfExempt(() => "webhook ran"));
  app.add(csrfExempt(new Route("/route-hook", () => "route hook ran")));
  app.route("/class-hook")(Hook);
  app.route("/login")(async (request: Request) => login(request, "1"));
  return { app, logged };
}

async function tokenOf(visit: ReturnType<typeof inProcessVisitor>): Promise<string> {
  return ((await (await visit("/form")).json()) as { token: string }).token;
}

describe("request.csrfToken()", () => {
  it("is masked afresh on every call, from one secret kept in the session", async () => {
    const { app } = csrfApp();
    const visit = inProcessVisitor(app);
    const a = await tokenOf(visit);
    const b = await tokenOf(visit);
    expect(a).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(a).not.toBe(b);
    for (const token of [a, b]) expect((await visit("/change", { method: "POST", headers: { origin: ORIGIN, "x-csrf-token": token } })).status).toBe(200);
  });

  it("needs sessions(), saying so", async () => {
    const logged: unknown[][] = [];
    const app = new Application([["/", (request: Request) => request.csrfToken()]], { logger: { error: (...args: unknown[]) => logged.push(args) } });
    expect((await app.getResponse("/")).status).toBe(500);
    expect((logged[0]![1] as Error).message).toBe("request.csrfToken() keeps its secret in the session: put the sessions() middleware in front of this handler.");
    const noSessions = new Application([], { logger: { error: (...args: unknown[]) => logged.push(args) } });
    noSessions.use(csrf());
    noSessions.route("/")(() => "x");
    expect((await noSessions.getResponse("/", { method: "POST" })).status).toBe(500);
    expect((logged[1]![1] as Error).message).toBe("csrf() checks tokens kept in the session: put sessions() in front of it, app.use(sessions(), csrf()).");
  });
});

describe("csrf()", () => {
  it("passes unsafe requests that carry the token in the form field or the header", async () => {
    const { app } = csrfApp();
    const visit = inProcessVisitor(app);
    const token = await tokenOf(visit);
    const form = await visit("/change", { method: "POST", form: { csrf_token: token, name: "ada" } });
    expect(await form.json()).toEqual({ changed: "POST", form: "ada" });
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      expect(await (await visit("/change", { method, headers: { "x-csrf-token": token }, json: { a: 1 } })).json()).toEqual({ changed: method, form: null });
    }
  });

  it("lets safe methods through without a token", async () => {
    const { app } = csrfApp();
    for (const method of ["GET", "HEAD"]) expect((await app.getResponse("/change", { method })).status).toBe(200);
    // OPTIONS is answered by the app itself (204 with Allow), never refused for a token.
    expect((await app.getResponse("/change", { method: "OPTIONS" })).status).toBe(204);
  });

  it("refuses a missing token with a 403 saying so, in the client's format", async () => {
    const { app } = csrfApp();
    const visit = inProcessVisitor(app);
    await tokenOf(visit);
    const json = await visit("/change", { method: "POST", headers: JSON_CLIENT, form: { name: "ada" } });
    expect(json.status).toBe(403);
    expect(await json.json()).toEqual({ error: 403, message: "CSRF check failed: the form's csrf_token field (or the x-csrf-token header) is missing." });
    const html = await visit("/change", { method: "POST", headers: { accept: "text/html" } });
    expect(html.status).toBe(403);
    expect(html.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await html.text()).toContain("CSRF check failed: the form&#39;s csrf_token field (or the x-csrf-token header) is missing.");
  });

  it("refuses a wrong token, another session's, a truncated one, and any token for a session without a secret", async () => {
    const { app } = csrfApp();
    const visit = inProcessVisitor(app);
    const mine = await tokenOf(visit);
    const theirs = await tokenOf(inProcessVisitor(app));
    const flipped = `${mine.slice(0, 10)}${mine[10] === "A" ? "B" : "A"}${mine.slice(11)}`;
    for (const token of [theirs, flipped, mine.slice(0, -1), `${mine}A`, "x".repeat(86), "not a token"]) {
      const res = await visit("/change", { method: "POST", headers: { ...JSON_CLIENT, "x-csrf-token": token } });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ error: 403, message: "CSRF check failed: the token is not this session's (the page may be older than the session: reload it and try again)." });
    }
    expect((await app.getResponse("/change", { method: "POST", headers: { "x-csrf-token": mine } })).status).toBe(403);
  });

  it("refuses cross-site requests before the token: a foreign or null Origin, Sec-Fetch-Site cross-site or same-site", async () => {
    const { app } = csrfApp();
    const visit = inProcessVisitor(app);
    const token = await tokenOf(visit);
    const cases: [Record<string, string>, string][] = [
      [{ origin: "https://evil.example" }, 'this is a cross-site request (Origin "https://evil.example"), which may not change anything here.'],
      [{ origin: "null" }, 'this is a cross-site request (Origin "null"), which may not change anything here.'],
      [{ origin: "https://localhost" }, 'this is a cross-site request (Origin "https://localhost"), which may not change anything here.'],
      [{ "sec-fetch-site": "cross-site" }, "this is a cross-site request (Sec-Fetch-Site: cross-site), which may not change anything here."],
      [{ "sec-fetch-site": "same-site" }, "this is a cross-site request (Sec-Fetch-Site: same-site), which may not change anything here."],
    ];
    for (const [headers, message] of cases) {
      const res = await visit("/change", { method: "POST", headers: { ...JSON_CLIENT, ...headers, "x-csrf-token": token } });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ error: 403, message: `CSRF check failed: ${message}` });
    }
    for (const headers of [{ origin: ORIGIN }, { origin: "http://LOCALHOST:80" }, { "sec-fetch-site": "same-origin" }, { "sec-fetch-site": "none" }]) {
      expect((await visit("/change", { method: "POST", headers: { ...headers, "x-csrf-token": token } })).status).toBe(200);
    }
  });

  it("accepts trusted origins, and refuses a trusted origin that is not one", async () => {
    const { app } = csrfApp({ trustedOrigins: ["https://app.example.com"] });
    const visit = inProcessVisitor(app);
    const token = await tokenOf(visit);
    expect((await visit("/change", { method: "POST", headers: { origin: "https://app.example.com", "sec-fetch-site": "same-site", "x-csrf-token": token } })).status).toBe(200);
    expect((await visit("/change", { method: "POST", headers: { origin: "https://other.example.com", "x-csrf-token": token } })).status).toBe(403);
    expect(() => csrf({ trustedOrigins: ["app.example.com"] })).toThrow('csrf(): trustedOrigins holds origins such as "https://app.example.com", not "app.example.com".');
    expect(() => csrf({ trustedOrigins: ["https://app.example.com/path"] })).toThrow(TypeError);
  });

  it("lets exempt handlers, routes and classes through, and only them", async () => {
    const { app } = csrfApp();
    const foreign = { origin: "https://payments.example" };
    expect(await (await app.getResponse("/hook", { method: "POST", headers: foreign })).text()).toBe("webhook ran");
    expect(await (await app.getResponse("/route-hook", { method: "POST", headers: foreign })).text()).toBe("route hook ran");
    expect(await (await app.getResponse("/class-hook", { method: "POST" })).text()).toBe("hook ran");
    expect((await app.getResponse("/change", { method: "POST", headers: foreign })).status).toBe(403);
    expect((await app.getResponse("/nowhere", { method: "POST" })).status).toBe(403);
  });

  it("does not check requests authenticated by a bearer token", async () => {
    const { app } = csrfApp();
    const res = await app.getResponse("/change", { method: "POST", headers: { authorization: "Bearer abc", origin: "https://elsewhere.example" }, json: {} });
    expect(res.status).toBe(200);
    expect((await app.getResponse("/change", { method: "POST", headers: { authorization: "Basic YTpi" } })).status).toBe(403);
  });

  it("takes other field and header names", async () => {
    const { app } = csrfApp({ field: "authenticity_token", header: "X-XSRF-Token" });
    const visit = inProcessVisitor(app);
    const token = await tokenOf(visit);
    expect((await visit("/change", { method: "POST", form: { authenticity_token: token } })).status).toBe(200);
    expect((await visit("/change", { method: "POST", headers: { "x-xsrf-token": token } })).status).toBe(200);
    expect((await visit("/change", { method: "POST", form: { csrf_token: token } })).status).toBe(403);
  });

  it("renews the secret at login, so a token from before it is refused after it", async () => {
    const { app } = csrfApp();
    const visit = inProcessVisitor(app);
    const before = await tokenOf(visit);
    expect((await visit("/login", { method: "POST", headers: { "x-csrf-token": before } })).status).toBe(200);
    expect((await visit("/change", { method: "POST", headers: { "x-csrf-token": before } })).status).toBe(403);
    expect((await visit("/change", { method: "POST", headers: { "x-csrf-token": await tokenOf(visit) } })).status).toBe(200);
  });
});
