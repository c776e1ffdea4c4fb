/**
 * The sessions() middleware and request.session, in process: lazy loading,
 * saving only on change, the cookie's attributes, flash messages,
 * regeneration, destruction, timeouts and explicit saves.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { Application, MemoryStore, Route, sessions, type Request, type SessionOptions, type SessionRecord, type SessionStore } from "../../lib/index.js";
import { inProcessVisitor } from "../support/cookie-jar.js";

const SECRET = "s".repeat(32);
const DAY = 86_400;

/** A MemoryStore that counts what it is asked. */
class CountingStore extends MemoryStore {
  calls: string[] = [];
  override get(id: string) {
    this.calls.push("get");
    return super.get(id);
  }
  override set(id: string, record: SessionRecord, ttl: number) {
    this.calls.push(`set ${ttl}`);
    return super.set(id, record, ttl);
  }
  override destroy(id: string) {
    this.calls.push("destroy");
    return super.destroy(id);
  }
  override touch(id: string, ttl: number) {
    this.calls.push(`touch ${ttl}`);
    return super.touch(id, ttl);
  }
}

function sessionApp(options: SessionOptions = {}) {
  const logged: unknown[][] = [];
  const app = new Application([], { secrets: [SECRET], logger: { error: (...args: unknown[]) => logged.push(args) } });
  app.use(sessions(options));
  app.route("/plain")(() => "no session here");
  app.route("/get/:key")(async (request: Request, { key }: { key: string }) => ({ value: (await request.session.get(key)) ?? null }));
  app.route("/set/:key/:value")(async (request: Request, { key, value }: { key: string; value: string }) => {
    await request.session.set(key, value);
    return "set";
  });
  app.route("/delete/:key")(async (request: Request, { key }: { key: string }) => {
    await request.session.delete(key);
    return "deleted";
  });
  app.route("/clear")(async (request: Request) => {
    await request.session.clear();
    return "cleared";
  });
  app.route("/flash/:message")(async (request: Request, { message }: { message: string }) => {
    await request.session.flash(message, request.query.get("category"));
    return "flashed";
  });
  app.route("/flashes")(async (request: Request) => request.session.flashes());
  app.route("/regenerate")(async (request: Request) => {
    await request.session.regenerate();
    return "regenerated";
  });
  app.route("/destroy")(async (request: Request) => {
    await request.session.destroy();
    return "destroyed";
  });
  app.route("/boom")(async (request: Request) => {
    await request.session.set("lost", "yes");
    throw new Error("boom");
  });
  return { app, logged };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("sessions() without secrets", () => {
  it("is a TypeError when it is added, saying how to make a secret", () => {
    const app = new Application();
    expect(() => app.use(sessions())).toThrow(
      new TypeError(`sessions() signs cookies with the application's secrets, and it has none: pass new Application(routes, { secrets: [process.env.SECRET] }) with a secret of 32 bytes or more; make one with: node -e "console.log(crypto.randomBytes(32).toString('base64url'))"`),
    );
    expect(() => app.add(new Route("/", () => "x", { middleware: [sessions()] }))).toThrow("sessions() signs cookies with the application's secrets");
    expect(() => new Application([new Route("/", () => "x", { middleware: [sessions()] })])).toThrow(TypeError);
  });

  it("refuses bad secrets when the app is constructed", () => {
    expect(() => new Application([], { secrets: ["too short"] })).toThrow("secrets[0] is 9 bytes, under the 32");
    expect(() => new Application([], { secrets: [] })).toThrow("non-empty list");
  });
});

describe("sessions() options", () => {
  it("refuses what it cannot work with when it is made", () => {
    expect(() => sessions({ idleTimeout: 60, touchAfter: 60 })).toThrow(new RangeError("sessions(): touchAfter (60 s) must be shorter than idleTimeout (60 s), or no visit would keep a session alive."));
    expect(() => sessions({ idleTimeout: -1 })).toThrow("idleTimeout is a positive number of seconds");
    expect(() => sessions({ cookieName: "bad name" })).toThrow("Invalid cookie name");
    expect(() => sessions({ cookie: { sameSite: "sideways" as never } })).toThrow("Invalid cookie sameSite");
    expect(() => sessions({ store: {} as SessionStore })).toThrow("sessions(): the store has no get() method");
  });
});

describe("request.session", () => {
  it("is a TypeError outside sessions(), saying what to add", async () => {
    const logged: unknown[][] = [];
    const app = new Application([["/", (request: Request) => request.session.get("x")]], { logger: { error: (...args: unknown[]) => logged.push(args) } });
    expect((await app.getResponse("/")).status).toBe(500);
    expect((logged[0]![1] as Error).message).toBe("request.session needs the sessions() middleware in front of this handler: app.use(sessions()), or the route option middleware: [sessions()].");
  });

  it("costs a request that never reads it nothing: no store call, no cookie, no Vary", async () => {
    const store = new CountingStore();
    const { app } = sessionApp({ store });
    const visit = inProcessVisitor(app);
    await visit("/set/a/1");
    store.calls = [];
    const res = await visit("/plain");
    expect(await res.text()).toBe("no session here");
    expect(store.calls).toEqual([]);
    expect(res.headers.has("set-cookie")).toBe(false);
    expect(res.headers.has("vary")).toBe(false);
  });

  it("keeps values between requests, and saves only when they change", async () => {
    const store = new CountingStore();
    const { app } = sessionApp({ store });
    const visit = inProcessVisitor(app);
    const first = await visit("/set/name/ada");
    expect(first.headers.get("set-cookie")).toMatch(/^session=[A-Za-z0-9_.-]+; Max-Age=1209600; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(store.calls).toEqual([`set ${14 * DAY}`]);
    store.calls = [];
    const read = await visit("/get/name");
    expect(await read.json()).toEqual({ value: "ada" });
    expect(read.headers.has("set-cookie")).toBe(false);
    expect(read.headers.get("vary")).toBe("Cookie");
    expect(store.calls).toEqual(["get"]);
    expect(await (await visit("/get/other")).json()).toEqual({ value: null });
  });

  it("sets Secure over HTTPS, and the configured attributes", async () => {
    const { app } = sessionApp({ cookieName: "__Host-sid", cookie: { sameSite: "Strict" } });
    const res = await app.getResponse("https://example.com/set/a/1");
    expect(res.headers.get("set-cookie")).toMatch(/^__Host-sid=\S+; Max-Age=1209600; Path=\/; Secure; HttpOnly; SameSite=Strict$/);
  });

  it("deletes values, and a session emptied by clear() loses its cookie", async () => {
    const { app } = sessionApp({ store: new MemoryStore() });
    const visit = inProcessVisitor(app);
    await visit("/set/a/1");
    await visit("/set/b/2");
    await visit("/delete/a");
    expect(await (await visit("/get/a")).json()).toEqual({ value: null });
    expect(await (await visit("/get/b")).json()).toEqual({ value: "2" });
    const cleared = await visit("/clear");
    expect(cleared.headers.get("set-cookie")).toBe("session=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; HttpOnly; SameSite=Lax");
    expect(visit.jar.cookies.size).toBe(0);
  });

  it("shows flash messages once, in order, with their categories", async () => {
    const { app } = sessionApp();
    const visit = inProcessVisitor(app);
    await visit("/flash/Saved?category=success");
    await visit("/flash/Welcome");
    expect(await (await visit("/flashes")).json()).toEqual([{ message: "Saved", category: "success" }, { message: "Welcome", category: "info" }]);
    expect(await (await visit("/flashes")).json()).toEqual([]);
  });

  it("regenerate() gives a new id with the same data, and the old id stops working", async () => {
    const store = new MemoryStore();
    const { app } = sessionApp({ store });
    const visit = inProcessVisitor(app);
    await visit("/set/cart/3");
    const before = visit.jar.cookies.get("session")!;
    await visit("/regenerate");
    const after = visit.jar.cookies.get("session")!;
    expect(after).not.toBe(before);
    expect(await (await visit("/get/cart")).json()).toEqual({ value: "3" });
    expect(await (await app.getResponse("/get/cart", { headers: { cookie: `session=${before}` } })).json()).toEqual({ value: null });
    expect(store.size).toBe(1);
  });

  it("destroy() drops the data from the store and deletes the cookie", async () => {
    const store = new MemoryStore();
    const { app } = sessionApp({ store });
    const visit = inProcessVisitor(app);
    await visit("/set/a/1");
    const old = visit.jar.cookies.get("session")!;
    const res = await visit("/destroy");
    expect(res.headers.get("set-cookie")).toMatch(/^session=; Max-Age=0;/);
    expect(store.size).toBe(0);
    expect(await (await app.getResponse("/get/a", { headers: { cookie: `session=${old}` } })).json()).toEqual({ value: null });
  });

  it("destroy() then set() starts a new session under a new id", async () => {
    const store = new MemoryStore();
    const app = new Application([], { secrets: [SECRET] });
    app.use(sessions({ store }));
    app.route("/set")(async (request: Request) => void (await request.session.set("a", 1)));
    app.route("/logout")(async (request: Request) => {
      await request.session.destroy();
      await request.session.flash("Logged out.");
    });
    app.route("/flashes")((request: Request) => request.session.flashes());
    const visit = inProcessVisitor(app);
    await visit("/set");
    const old = visit.jar.cookies.get("session");
    await visit("/logout");
    expect(visit.jar.cookies.get("session")).not.toBe(old);
    expect(store.size).toBe(1);
    expect(await (await visit("/flashes")).json()).toEqual([{ message: "Logged out.", category: "info" }]);
  });

  it("is not saved after a 5xx", async () => {
    const store = new CountingStore();
    const { app } = sessionApp({ store });
    const res = await app.getResponse("/boom");
    expect(res.status).toBe(500);
    expect(res.headers.has("set-cookie")).toBe(false);
    expect(store.calls).toEqual([]);
  });

  it("reads a tampered, foreign or garbage cookie as a new, empty session, and deletes it", async () => {
    const { app } = sessionApp();
    const visit = inProcessVisitor(app);
    await visit("/set/role/user");
    const good = visit.jar.cookies.get("session")!;
    const other = new Application([], { secrets: ["o".repeat(32)] });
    other.use(sessions());
    other.route("/")(async (request: Request) => void (await request.session.set("role", "admin")));
    const foreign = (await other.getResponse("/")).headers.get("set-cookie")!.split(";")[0]!.slice("session=".length);
    const [payload, ...rest] = good.split(".");
    const forged = Buffer.from(Buffer.from(payload!, "base64url").toString().replace("user", "root")).toString("base64url");
    for (const cookie of [foreign, `${forged}.${rest.join(".")}`, good.slice(0, -2), "garbage", `${good}.x`]) {
      const res = await app.getResponse("/get/role", { headers: { cookie: `session=${cookie}` } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ value: null });
      expect(res.headers.get("set-cookie")).toMatch(/^session=; Max-Age=0;/);
    }
  });

  it("keeps __proto__ and constructor as ordinary keys", async () => {
    const { app } = sessionApp({ store: new MemoryStore() });
    const visit = inProcessVisitor(app);
    expect(await (await visit("/get/constructor")).json()).toEqual({ value: null });
    await visit("/set/__proto__/polluted");
    expect(await (await visit("/get/__proto__")).json()).toEqual({ value: "polluted" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("leaves a route's own sessions() to the app's, so there is one session", async () => {
    const store = new CountingStore();
    const app = new Application([], { secrets: [SECRET] });
    app.use(sessions({ store }));
    app.add(new Route("/", async (request: Request) => void (await request.session.set("a", 1)), { middleware: [sessions({ store: new MemoryStore() })] }));
    const res = await app.getResponse("/");
    expect(res.headers.getAll("set-cookie")).toHaveLength(1);
    expect(store.size).toBe(1);
  });
});

describe("timeouts", () => {
  it("ends a session left idle longer than idleTimeout", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.UTC(2025, 0, 1) });
    const { app } = sessionApp({ store: new MemoryStore(), idleTimeout: 3600 });
    const visit = inProcessVisitor(app);
    await visit("/set/a/1");
    vi.advanceTimersByTime(3599_000);
    expect(await (await visit("/get/a")).json()).toEqual({ value: "1" });
    vi.advanceTimersByTime(3602_000);
    expect(await (await visit("/get/a")).json()).toEqual({ value: null });
  });

  it("restarts the idle timer of an unchanged session once its last save is touchAfter old", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.UTC(2025, 0, 1) });
    const store = new CountingStore();
    const { app } = sessionApp({ store, idleTimeout: 3600, touchAfter: 600 });
    const visit = inProcessVisitor(app);
    await visit("/set/a/1");
    store.calls = [];
    vi.advanceTimersByTime(300_000);
    expect((await visit("/get/a")).headers.has("set-cookie")).toBe(false);
    vi.advanceTimersByTime(301_000);
    const touched = await visit("/get/a");
    expect(touched.headers.get("set-cookie")).toMatch(/^session=\S+; Max-Age=3600;/);
    expect(store.calls).toEqual(["get", "get", "touch 3600"]);
    // Visits keep it alive past the first hour.
    for (let i = 0; i < 4; i++) {
      vi.advanceTimersByTime(1800_000);
      expect(await (await visit("/get/a")).json()).toEqual({ value: "1" });
    }
  });

  it("ends a session absoluteTimeout after it began, however busy; its cookie never outlives it", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.UTC(2025, 0, 1) });
    const { app } = sessionApp({ store: new MemoryStore(), idleTimeout: 3600, absoluteTimeout: 3 * 3600, touchAfter: 60 });
    const visit = inProcessVisitor(app);
    await visit("/set/a/1");
    const maxAges: number[] = [];
    for (let i = 0; i < 4; i++) {
      vi.advanceTimersByTime(2400_000);
      expect(await (await visit("/get/a")).json()).toEqual({ value: "1" });
      maxAges.push(Number(/Max-Age=(\d+)/.exec(visit.jar.attributes.get("session")!)![1]));
    }
    // Touched at 40, 80, 120 and 160 minutes; the last may live only to 180.
    expect(maxAges).toEqual([3600, 3600, 3600, 1200]);
    vi.advanceTimersByTime(1300_000);
    expect(await (await visit("/get/a")).json()).toEqual({ value: null });
  });
});

describe("save()", () => {
  it("writes the session at once, before the handler ends", async () => {
    const store = new MemoryStore();
    const app = new Application([], { secrets: [SECRET] });
    app.use(sessions({ store }));
    let sizeAfterSave = -1;
    app.route("/")(async (request: Request) => {
      await request.session.set("step", 1);
      await request.session.save();
      sizeAfterSave = store.size;
      await request.session.set("step", 2);
    });
    app.route("/step")(async (request: Request) => ({ step: await request.session.get("step") }));
    const visit = inProcessVisitor(app);
    const res = await visit("/");
    expect(sizeAfterSave).toBe(1);
    expect(res.headers.getAll("set-cookie")).toHaveLength(1);
    expect(await (await visit("/step")).json()).toEqual({ step: 2 });
  });

  it("decides concurrent requests of one session by the last to finish, whole (last write wins)", async () => {
    const app = new Application([], { secrets: [SECRET] });
    app.use(sessions({ store: new MemoryStore() }));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    app.route("/start")(async (request: Request) => void (await request.session.set("n", 0)));
    app.route("/slow")(async (request: Request) => {
      const n = (await request.session.get<number>("n"))!;
      await gate;
      await request.session.set("n", n + 10);
    });
    app.route("/fast")(async (request: Request) => void (await request.session.set("n", 1)));
    app.route("/n")(async (request: Request) => ({ n: await request.session.get("n") }));
    const visit = inProcessVisitor(app);
    await visit("/start");
    const slow = visit("/slow");
    await new Promise((resolve) => setTimeout(resolve, 10));
    await visit("/fast");
    expect(await (await visit("/n")).json()).toEqual({ n: 1 });
    release();
    await slow;
    // The slow request loaded n = 0 before the fast one saved 1, and saved after it: its whole copy won.
    expect(await (await visit("/n")).json()).toEqual({ n: 10 });
  });
});
