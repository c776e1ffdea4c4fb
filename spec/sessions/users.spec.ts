/** Users: authenticate(), request.user(), loginRequired, permissionRequired, login() and logout(). */
import { describe, expect, it } from "vitest";
import { Application, authenticate, login, loginRequired, logout, MemoryStore, permissionRequired, Route, sessions, type Request } from "../../lib/index.js";
import { inProcessVisitor } from "../support/cookie-jar.js";

interface User {
  id: number;
  name: string;
  staff: boolean;
}
const USERS = new Map<number, User>([
  [1, { id: 1, name: "ada", staff: true }],
  [2, { id: 2, name: "bob", staff: false }],
]);
const HTML = { accept: "text/html,application/xhtml+xml,*/*;q=0.8" };
const JSON_CLIENT = { accept: "application/json" };

function usersApp() {
  const logged: unknown[][] = [];
  const resolved: (number | string | undefined)[] = [];
  const store = new MemoryStore();
  const app = new Application([], { secrets: ["u".repeat(32)], logger: { error: (...args: unknown[]) => logged.push(args) } });
  app.use(
    sessions({ store }),
    authenticate<User>((request, userId) => {
      resolved.push(userId);
      const bearer = request.headers.get("authorization");
      if (bearer === "Bearer bob-token") return USERS.get(2);
      return typeof userId === "number" ? USERS.get(userId) : undefined;
    }, { loginUrl: "/login" }),
  );
  app.route("/login/:id")(async (request: Request, { id }: { id: string }) => {
    await login(request, USERS.get(Number(id))!);
    return { user: (await request.user<User>())?.name };
  });
  app.route("/logout")(async (request: Request) => {
    await logout(request);
    return { user: (await request.user<User>())?.name ?? null };
  });
  app.route("/whoami")(async (request: Request) => {
    const [a, b] = await Promise.all([request.user<User>(), request.user<User>()]);
    return { user: a?.name ?? null, same: a === b };
  });
  app.route("/public")(() => "public");
  app.add(new Route("/account", (request: Request) => `account of ${request.path}`, { middleware: [loginRequired] }));
  app.add(new Route("/admin", () => "admin", { middleware: [permissionRequired<User>((user) => user.staff)] }));
  return { app, logged, resolved, store };
}

describe("authenticate() and request.user()", () => {
  it("resolves the user lazily, once per request, from the session's user id or anything else", async () => {
    const { app, resolved } = usersApp();
    const visit = inProcessVisitor(app);
    expect(await (await visit("/whoami")).json()).toEqual({ user: null, same: true });
    expect(resolved).toEqual([undefined]);
    await visit("/login/1");
    resolved.length = 0;
    expect(await (await visit("/whoami")).json()).toEqual({ user: "ada", same: true });
    expect(resolved).toEqual([1]);
    expect(await (await app.getResponse("/whoami", { headers: { authorization: "Bearer bob-token" } })).json()).toEqual({ user: "bob", same: true });
    resolved.length = 0;
    await visit("/account");
    await visit("/public");
    expect(resolved).toEqual([1]);
  });

  it("is a TypeError without authenticate(), and so are loginRequired and login() without their middleware", async () => {
    const logged: unknown[][] = [];
    const app = new Application([], { secrets: ["u".repeat(32)], logger: { error: (...args: unknown[]) => logged.push(args) } });
    app.route("/user")((request: Request) => request.user());
    app.add(new Route("/guarded", () => "x", { middleware: [loginRequired] }));
    app.route("/login")(async (request: Request) => login(request, "7"));
    for (const path of ["/user", "/guarded", "/login"]) expect((await app.getResponse(path)).status).toBe(500);
    expect(logged.map(([, error]) => (error as Error).message)).toEqual([
      "request.user() needs the authenticate(resolve) middleware in front of this handler: app.use(sessions(), authenticate(findUser)).",
      "loginRequired needs the authenticate(resolve) middleware in front of it: app.use(sessions(), authenticate(findUser)).",
      "request.session needs the sessions() middleware in front of this handler: app.use(sessions()), or the route option middleware: [sessions()].",
    ]);
  });

  it("refuses a login URL that leaves the site, and a user with no id", async () => {
    expect(() => authenticate(() => undefined, { loginUrl: "https://evil.example/login" })).toThrow('authenticate(): loginUrl is a path on this site, such as "/login", not "https://evil.example/login".');
    expect(() => authenticate("nope" as never)).toThrow(TypeError);
    const { app, logged } = usersApp();
    app.route("/bad-login")(async (request: Request) => login(request, { id: "" }));
    expect((await app.getResponse("/bad-login")).status).toBe(500);
    expect((logged[0]![1] as Error).message).toBe('login(request, user): the user\'s id is a non-empty string or a number, not "".');
  });
});

describe("login() and logout()", () => {
  it("login() changes the session id (no fixation) and keeps the data; logout() ends the session", async () => {
    const { app, store } = usersApp();
    app.route("/cart")(async (request: Request) => void (await request.session.set("cart", [7])));
    app.route("/show-cart")(async (request: Request) => ({ cart: (await request.session.get("cart")) ?? null }));
    const visit = inProcessVisitor(app);
    await visit("/cart");
    const planted = visit.jar.cookies.get("session")!;
    expect(await (await visit("/login/1")).json()).toEqual({ user: "ada" });
    const loggedIn = visit.jar.cookies.get("session")!;
    expect(loggedIn).not.toBe(planted);
    expect(await (await visit("/show-cart")).json()).toEqual({ cart: [7] });
    // The id planted before the login is worth nothing after it.
    expect(await (await app.getResponse("/whoami", { headers: { cookie: `session=${planted}` } })).json()).toEqual({ user: null, same: true });
    expect(await (await visit("/logout")).json()).toEqual({ user: null });
    expect(visit.jar.cookies.has("session")).toBe(false);
    expect(store.size).toBe(0);
    expect(await (await app.getResponse("/whoami", { headers: { cookie: `session=${loggedIn}` } })).json()).toEqual({ user: null, same: true });
  });
});

describe("loginRequired", () => {
  it("redirects browsers to the login URL with a same-site next", async () => {
    const { app } = usersApp();
    const res = await app.getResponse("/account?tab=2", { headers: HTML });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?next=%2Faccount%3Ftab%3D2");
    const post = await app.getResponse("/account", { method: "POST", headers: HTML });
    expect(post.status).toBe(303);
  });

  it("answers JSON and other non-browser clients 401 in their format", async () => {
    const { app } = usersApp();
    const json = await app.getResponse("/account", { headers: JSON_CLIENT });
    expect(json.status).toBe(401);
    expect(await json.json()).toEqual({ error: 401, message: "Log in first: this needs an authenticated user." });
    const curl = await app.getResponse("/account", { headers: { accept: "*/*" } });
    expect(curl.status).toBe(401);
    expect(curl.headers.get("content-type")).toBe("text/plain; charset=utf-8");
  });

  it("lets a logged-in user through", async () => {
    const { app } = usersApp();
    const visit = inProcessVisitor(app);
    await visit("/login/2");
    const res = await visit("/account", { headers: HTML });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("account of /account");
  });
});

describe("permissionRequired", () => {
  it("answers 403 to a user the check refuses, lets the others through, and sends nobody to log in", async () => {
    const { app } = usersApp();
    const bob = inProcessVisitor(app);
    await bob("/login/2");
    const refused = await bob("/admin", { headers: JSON_CLIENT });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: 403, message: "You do not have permission to do this." });
    const ada = inProcessVisitor(app);
    await ada("/login/1");
    expect(await (await ada("/admin")).text()).toBe("admin");
    expect((await app.getResponse("/admin", { headers: JSON_CLIENT })).status).toBe(401);
    expect((await app.getResponse("/admin", { headers: HTML })).headers.get("location")).toBe("/login?next=%2Fadmin");
  });
});
