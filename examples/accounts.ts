/**
 * Logging in, for the example application: sessions, CSRF protection, a
 * password checked against its scrypt hash, and a page only a logged-in
 * user sees. The one user is ada, password "lovelace".
 */
import {
  authenticate,
  csrf,
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
  type Application,
  type Request,
} from "../lib/index.js";

interface User {
  id: string;
  name: string;
  passwordHash: Promise<string> | string;
}

// Hashed in the background at startup; a real app reads users from its database.
const users = new Map<string, User>([["ada", { id: "ada", name: "Ada Lovelace", passwordHash: hashPassword("lovelace") }]]);

/** Add sessions, CSRF protection and the login pages to `app` (which must have `secrets`). */
export function addAccounts(app: Application): void {
  app.use(sessions(), csrf(), authenticate<User>((_request, userId) => (userId === undefined ? undefined : users.get(String(userId)))));

  app.add(new Route("/login", async (request: Request) => {
    const flashes = (await request.session.flashes()).map((f) => `<p class="${escapeHtml(f.category)}">${escapeHtml(f.message)}</p>`).join("");
    const next = escapeHtml(sameOriginPath(request.query.get("next") ?? "/") ?? "/");
    return `<h1>Log in</h1>${flashes}
<form method="post" action="/login">
  <input type="hidden" name="csrf_token" value="${await request.csrfToken()}">
  <input type="hidden" name="next" value="${next}">
  <label>User <input name="user" value="ada"></label>
  <label>Password <input name="password" type="password"></label>
  <button>Log in</button>
</form>`;
  }, { methods: ["GET"] }));

  app.add(new Route("/login", async (request: Request) => {
    const form = await request.form();
    const user = users.get(String(form.get("user") ?? ""));
    const password = String(form.get("password") ?? "");
    if (user === undefined || !(await verifyPassword(password, await user.passwordHash))) {
      await request.session.flash("Wrong user name or password.", "error");
      return Response.redirect("/login", 303);
    }
    // Hashes made with older parameters are upgraded while the password is at hand.
    if (needsRehash(await user.passwordHash)) user.passwordHash = await hashPassword(password);
    await login(request, user);
    await request.session.flash(`Welcome, ${user.name}.`, "success");
    return Response.redirect(sameOriginPath(String(form.get("next") ?? "/")) ?? "/", 303);
  }, { methods: ["POST"] }));

  app.add(new Route("/account", async (request: Request) => {
    const user = (await request.user<User>())!;
    const flashes = (await request.session.flashes()).map((f) => `<p class="${escapeHtml(f.category)}">${escapeHtml(f.message)}</p>`).join("");
    return `${flashes}<h1>${escapeHtml(user.name)}</h1>
<form method="post" action="/logout"><input type="hidden" name="csrf_token" value="${await request.csrfToken()}"><button>Log out</button></form>`;
  }, { methods: ["GET"], middleware: [loginRequired] }));

  app.add(new Route("/logout", async (request: Request) => {
    await logout(request);
    return Response.redirect("/", 303);
  }, { methods: ["POST"] }));
}
