/**
 * Sessions and security over real sockets, as a browser meets them: signed
 * cookies (tampering, expiry, key rotation), a login form with CSRF
 * protection, password checks and hash upgrades, fixation, flash messages,
 * loginRequired for browsers and JSON clients, timeouts and the 4 KB limit.
 */
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  Application,
  authenticate,
  csrf,
  csrfExempt,
  escapeHtml,
  hashPassword,
  login,
  loginRequired,
  logout,
  needsRehash,
  Response,
  Route,
  sameOriginPath,
  sessions,
  verifyPassword,
  type Request,
} from "../../lib/index.js";
import { visitor } from "../support/cookie-jar.js";

const NEW = "n".repeat(32);
const OLD = "o".repeat(32);
// The app hashes with these; the stored hash below predates them.
const PARAMS = { N: 1024, r: 8, p: 1 };
const HTML = { accept: "text/html,application/xhtml+xml,*/*;q=0.8" };

interface User {
  id: string;
  name: string;
  hash: string;
}
const users = new Map<string, User>();
const logged: unknown[][] = [];

function siteApp(secrets: string[]): Application {
  const app = new Application([], { secrets, logger: { error: (...args: unknown[]) => logged.push(args) } });
  app.use(sessions({ idleTimeout: 3600 }), csrf(), authenticate<User>((_request, id) => (id === undefined ? undefined : users.get(String(id)))));
  app.route("/login", { methods: ["GET"] })(async (request: Request) => {
    const flashes = (await request.session.flashes()).map((f) => `<p class="${f.category}">${escapeHtml(f.message)}</p>`).join("");
    return `${flashes}<form method="post"><input name="csrf_token" value="${await request.csrfToken()}"></form>`;
  });
  app.add(new Route("/login", async (request: Request) => {
    const form = await request.form();
    const user = users.get(String(form.get("user")));
    const password = String(form.get("password") ?? "");
    if (user === undefined || !(await verifyPassword(password, user.hash))) {
      await request.session.flash("Wrong user name or password.", "error");
      return Response.redirect("/login", 303);
    }
    if (needsRehash(user.hash, PARAMS)) user.hash = await hashPassword(password, PARAMS);
    await login(request, user);
    await request.session.flash(`Welcome, ${user.name}.`);
    return Response.redirect(sameOriginPath(String(form.get("next") ?? "/")) ?? "/", 303);
  }, { methods: ["POST"] }));
  app.add(new Route("/account", async (request: Request) => {
    const user = (await request.user<User>())!;
    const flashes = (await request.session.flashes()).map((f) => f.message);
    return { hello: user.name, flashes };
  }, { middleware: [loginRequired] }));
  app.add(new Route("/logout", async (request: Request) => {
    await logout(request);
    return Response.redirect("/", 303);
  }, { methods: ["POST"] }));
  app.route("/hooks/payment")(csrfExempt(async (request: Request) => ({ received: (await request.json()) as unknown })));
  app.route("/theme/set")((request: Request) => new Response("ok").setSignedCookie("theme", request.query.get("v") ?? "", { maxAge: 60, httpOnly: true }));
  app.route("/theme")((request: Request) => ({ theme: request.signedCookie("theme") ?? null }));
  app.route("/note")(async (request: Request) => {
    await request.session.set("note", request.query.get("text"));
    return "noted";
  });
  app.route("/note/read")(async (request: Request) => ({ note: (await request.session.get("note")) ?? null }));
  return app;
}

let current: Application;
let previous: Application;
let base: string;
let oldBase: string;

beforeAll(async () => {
  current = siteApp([NEW, OLD]);
  previous = siteApp([OLD]);
  base = `http://127.0.0.1:${((await current.listen(0, "127.0.0.1")).address() as AddressInfo).port}`;
  oldBase = `http://127.0.0.1:${((await previous.listen(0, "127.0.0.1")).address() as AddressInfo).port}`;
});

afterAll(async () => {
  await current.close();
  await previous.close();
});

afterEach(() => {
  vi.useRealTimers();
  logged.length = 0;
});

describe("signed cookies over sockets", () => {
  it("read back what was set; a tampered one reads as absent, never as an error", async () => {
    const visit = visitor(base);
    const set = await visit("/theme/set?v=dark");
    expect(set.headers["set-cookie"]).toMatch(/^theme=[A-Za-z0-9_-]+\.[0-9a-z]+\.1o\.[A-Za-z0-9_-]{43}; Max-Age=60; Path=\/; HttpOnly$/);
    expect(JSON.parse((await visit("/theme")).body)).toEqual({ theme: "dark" });
    const signed = visit.jar.cookies.get("theme")!;
    const light = Buffer.from("light").toString("base64url");
    for (const forged of [`${light}${signed.slice(signed.indexOf("."))}`, `${signed}x`, signed.slice(0, -5), "dark"]) {
      const res = await visit("/theme", { headers: { cookie: `theme=${forged}` } });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ theme: null });
    }
  });

  it("expire after their maxAge, even when the client keeps them", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    const visit = visitor(base);
    await visit("/theme/set?v=dark");
    vi.advanceTimersByTime(59_000);
    expect(JSON.parse((await visit("/theme")).body)).toEqual({ theme: "dark" });
    vi.advanceTimersByTime(2_000);
    expect(JSON.parse((await visit("/theme")).body)).toEqual({ theme: null });
  });

  it("survive a key rotation: signed with the old key, read by an app that lists it second", async () => {
    const before = visitor(oldBase);
    await before("/theme/set?v=rotated");
    const after = visitor(base, before.jar);
    expect(JSON.parse((await after("/theme")).body)).toEqual({ theme: "rotated" });
    // What the new key signs, an app that lacks it does not accept.
    await after("/theme/set?v=new");
    expect(JSON.parse((await before("/theme")).body)).toEqual({ theme: null });
  });
});

describe("logging in through a form", () => {
  beforeAll(async () => {
    users.set("ada", { id: "ada", name: "Ada", hash: await hashPassword("analytical", { N: 256, r: 8, p: 1 }) });
  });

  async function loginPage(visit: ReturnType<typeof visitor>): Promise<string> {
    const page = await visit("/login", { headers: HTML });
    return /name="csrf_token" value="([^"]+)"/.exec(page.body)![1]!;
  }

  const post = (visit: ReturnType<typeof visitor>, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    visit(path, { method: "POST", headers: { ...HTML, "content-type": "application/x-www-form-urlencoded", origin: base, ...headers }, body: new URLSearchParams(fields).toString() });

  it("sends a browser that is not logged in to the login page, and a JSON client a 401", async () => {
    const browser = await visitor(base)("/account?tab=2", { headers: HTML });
    expect(browser.status).toBe(302);
    expect(browser.headers.location).toBe("/login?next=%2Faccount%3Ftab%3D2");
    const api = await visitor(base)("/account", { headers: { accept: "application/json" } });
    expect(api.status).toBe(401);
    expect(JSON.parse(api.body)).toEqual({ error: 401, message: "Log in first: this needs an authenticated user." });
  });

  it("refuses the form without its token, with a wrong one, and from another site even with the right one", async () => {
    const visit = visitor(base);
    const token = await loginPage(visit);
    const missing = await post(visit, "/login", { user: "ada", password: "analytical" });
    expect(missing.status).toBe(403);
    expect(missing.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(missing.body).toContain("CSRF check failed: the form&#39;s csrf_token field (or the x-csrf-token header) is missing.");
    const stranger = await loginPage(visitor(base));
    expect((await post(visit, "/login", { user: "ada", password: "analytical", csrf_token: stranger })).status).toBe(403);
    const crossSite = await post(visit, "/login", { user: "ada", password: "analytical", csrf_token: token }, { origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body).toContain("Origin &#34;https://evil.example&#34;");
    expect(visit.jar.cookies.has("session")).toBe(true);
  });

  it("flashes a wrong password once, logs in with the right one under a new session id, and upgrades the hash", async () => {
    const visit = visitor(base);
    let token = await loginPage(visit);
    const wrong = await post(visit, "/login", { user: "ada", password: "difference", csrf_token: token });
    expect(wrong.status).toBe(303);
    expect(wrong.headers.location).toBe("/login");
    const again = await visit("/login", { headers: HTML });
    expect(again.body).toContain('<p class="error">Wrong user name or password.</p>');
    expect((await visit("/login", { headers: HTML })).body).not.toContain("Wrong user name");
    token = /value="([^"]+)"/.exec(again.body)![1]!;
    const planted = visit.jar.cookies.get("session")!;
    expect(needsRehash(users.get("ada")!.hash, PARAMS)).toBe(true);
    const ok = await post(visit, "/login", { user: "ada", password: "analytical", csrf_token: token, next: "/account" });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe("/account");
    expect(visit.jar.cookies.get("session")).not.toBe(planted);
    expect(needsRehash(users.get("ada")!.hash, PARAMS)).toBe(false);
    expect(await verifyPassword("analytical", users.get("ada")!.hash)).toBe(true);
    expect(JSON.parse((await visit("/account")).body)).toEqual({ hello: "Ada", flashes: ["Welcome, Ada."] });
    expect(JSON.parse((await visit("/account")).body)).toEqual({ hello: "Ada", flashes: [] });
    // The cookie from before the login does not carry it.
    const fixated = await visit("/account", { headers: { ...HTML, cookie: `session=${planted}` } });
    expect(fixated.status).toBe(302);
    // Logging out needs the token too, and ends the session.
    expect((await post(visit, "/logout", {})).status).toBe(403);
    const out = await post(visit, "/logout", { csrf_token: await loginPage(visit) });
    expect(out.status).toBe(303);
    expect(out.headers["set-cookie"]).toMatch(/^session=; Max-Age=0;/);
    expect((await visit("/account", { headers: HTML })).status).toBe(302);
  });

  it("lets an exempt route take posts from another site", async () => {
    const res = await visitor(base)("/hooks/payment", { method: "POST", headers: { origin: "https://payments.example", "content-type": "application/json" }, body: '{"paid":true}' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ received: { paid: true } });
  });
});

describe("session limits over sockets", () => {
  it("ends a session left idle past its timeout", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    const visit = visitor(base);
    await visit("/note?text=hi");
    vi.advanceTimersByTime(3000_000);
    expect(JSON.parse((await visit("/note/read")).body)).toEqual({ note: "hi" });
    vi.advanceTimersByTime(3601_000);
    expect(JSON.parse((await visit("/note/read")).body)).toEqual({ note: null });
  });

  it("refuses a session over the 4 KB cookie limit with a logged 500 and keeps the last one that fitted", async () => {
    const visit = visitor(base);
    await visit(`/note?text=${"a".repeat(1000)}`);
    const res = await visit(`/note?text=${"b".repeat(3500)}`);
    expect(res.status).toBe(500);
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(String((logged[0]![1] as Error).message)).toMatch(/^Cookie "session" is \d+ bytes, over the 4096 bytes browsers keep/);
    expect(JSON.parse((await visit("/note/read")).body)).toEqual({ note: "a".repeat(1000) });
  });
});
