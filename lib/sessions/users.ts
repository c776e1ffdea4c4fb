/**
 * Users: who a request is from (`authenticate`, `request.user()`), routes
 * only they may use (`loginRequired`, `permissionRequired`), and logging in
 * and out over the session.
 */
import { Forbidden, Unauthorized } from "../http/errors.js";
import type { Middleware } from "../core/middleware.js";
import { Request } from "../core/request.js";
import { Response } from "../core/response.js";
import { sameOriginPath } from "../security/safe-redirect.js";
import { errorFormat, isJsonRoute } from "../views/error-page.js";
import { CSRF_KEY, USER_KEY } from "./session.js";
import { sessionOf } from "./sessions.js";

declare module "../core/request.js" {
  interface Request {
    /**
     * The user this request is from, as the `authenticate(resolve)`
     * middleware's `resolve` finds it, or `undefined` for nobody: resolved
     * on the first call and kept for the request (`login()` and `logout()`
     * start again). `U` is the type your `resolve` returns. A request that
     * did not pass through `authenticate()` is rejected with a `TypeError`.
     *
     * @example
     * const user = await request.user<User>();
     */
    user<U = unknown>(): Promise<U | undefined>;
  }
}

/**
 * Turns a request into its user, or `undefined` (or `null`) for nobody:
 * given the request and the user id that `login()` put in its session
 * (`undefined` without a login or without `sessions()`), so it may look the
 * id up, read a bearer token, or anything else.
 */
export type UserResolver<U> = (request: Request, userId: string | number | undefined) => U | null | undefined | Promise<U | null | undefined>;

/** Options of `authenticate()`. */
export interface AuthenticateOptions {
  /** Where `loginRequired` sends browsers that are not logged in (`"/login"`); a path on this site. */
  loginUrl?: string;
  /** The query parameter that carries the page to come back to (`"next"`), always a path on this site. */
  nextParam?: string;
}

/** A user id as `login()` keeps it. */
export type UserId = string | number;

interface UserState {
  readonly resolve: UserResolver<unknown>;
  readonly loginUrl: string;
  readonly nextParam: string;
  pending: Promise<unknown> | undefined;
}

const usersOf = new WeakMap<Request, UserState>();

Object.defineProperty(Request.prototype, "user", {
  configurable: true,
  writable: true,
  value: function user(this: Request): Promise<unknown> {
    const state = usersOf.get(this);
    if (state === undefined) return Promise.reject(new TypeError("request.user() needs the authenticate(resolve) middleware in front of this handler: app.use(sessions(), authenticate(findUser))."));
    state.pending ??= resolveUser(this, state);
    return state.pending;
  },
});

async function resolveUser(request: Request, state: UserState): Promise<unknown> {
  const session = sessionOf(request);
  const userId = session === undefined ? undefined : await session.get<UserId>(USER_KEY);
  return (await state.resolve(request, userId)) ?? undefined;
}

/**
 * Middleware that gives every request inside it `request.user()`, resolved
 * lazily by `resolve` (a request that never asks costs nothing more). Put
 * it after `sessions()` to read the login from the session.
 *
 * @example
 * app.use(sessions(), authenticate((request, userId) => userId === undefined ? undefined : users.get(userId)));
 */
export function authenticate<U>(resolve: UserResolver<U>, options: AuthenticateOptions = {}): Middleware {
  if (typeof resolve !== "function") throw new TypeError("authenticate(resolve): resolve is a function (request, userId) => user | undefined.");
  const loginUrl = options.loginUrl ?? "/login";
  if (sameOriginPath(loginUrl) !== loginUrl) throw new TypeError(`authenticate(): loginUrl is a path on this site, such as "/login", not ${JSON.stringify(loginUrl)}.`);
  const nextParam = options.nextParam ?? "next";
  return (request, next) => {
    if (!usersOf.has(request)) usersOf.set(request, { resolve, loginUrl, nextParam, pending: undefined });
    return next();
  };
}

/**
 * Route middleware for pages only a logged-in user may see: anyone else
 * gets a 401 (JSON and other non-browser clients), or a browser (a client
 * that prefers HTML) a redirect to `authenticate()`'s `loginUrl` with
 * `?next=` the page it asked for, a path on this site. Needs
 * `authenticate()` in front of it.
 *
 * @example
 * new Route("/account", AccountHandler, { middleware: [loginRequired] });
 */
export const loginRequired: Middleware = async (request, next) => {
  const state = stateOf(request, "loginRequired");
  if ((await request.user()) === undefined) return refuse(request, state);
  return next();
};

/**
 * Route middleware for what only some users may do: `check(user, request)`
 * decides; a user it refuses gets a 403, nobody at all what
 * `loginRequired` answers.
 *
 * @example
 * const staffOnly = permissionRequired<User>((user) => user.isStaff);
 * new Route("/admin", AdminHandler, { middleware: [staffOnly] });
 */
export function permissionRequired<U = unknown>(check: (user: U, request: Request) => boolean | Promise<boolean>): Middleware {
  if (typeof check !== "function") throw new TypeError("permissionRequired(check): check is a function (user, request) => boolean.");
  return async (request, next) => {
    const state = stateOf(request, "permissionRequired()");
    const user = await request.user<U>();
    if (user === undefined) return refuse(request, state);
    if (!(await check(user, request))) throw new Forbidden("You do not have permission to do this.");
    return next();
  };
}

/**
 * Log `user` in (an object with an `id`, or the id itself): the session
 * gets a new id (against session fixation) and a new CSRF secret, and keeps
 * the user's id, which `authenticate()`'s `resolve` receives from then on.
 * Needs `sessions()`.
 *
 * @example
 * if (await verifyPassword(password, user.passwordHash)) {
 *   await login(request, user);
 *   return Response.redirect(sameOriginPath(next) ?? "/");
 * }
 */
export async function login(request: Request, user: { id: UserId } | UserId): Promise<void> {
  const id = typeof user === "object" && user !== null ? user.id : user;
  if ((typeof id !== "string" || id === "") && (typeof id !== "number" || !Number.isFinite(id))) {
    throw new TypeError(`login(request, user): the user's id is a non-empty string or a number, not ${JSON.stringify(id)}.`);
  }
  const session = request.session;
  await session.regenerate();
  // A token issued before the login must not carry over into it.
  await session.delete(CSRF_KEY);
  await session.set(USER_KEY, id);
  const state = usersOf.get(request);
  if (state !== undefined) state.pending = undefined;
}

/** Log the user out: the session is destroyed (its data, its id and its cookie). */
export async function logout(request: Request): Promise<void> {
  await request.session.destroy();
  const state = usersOf.get(request);
  if (state !== undefined) state.pending = undefined;
}

function stateOf(request: Request, what: string): UserState {
  const state = usersOf.get(request);
  if (state === undefined) throw new TypeError(`${what} needs the authenticate(resolve) middleware in front of it: app.use(sessions(), authenticate(findUser)).`);
  return state;
}

// Nobody is logged in: browsers go to the login page, everyone else gets a 401.
function refuse(request: Request, state: UserState): Response {
  if (errorFormat(request) !== "html" || isJsonRoute(request)) throw new Unauthorized("Log in first: this needs an authenticated user.");
  const back = sameOriginPath(request.fullPath()) ?? "/";
  const separator = state.loginUrl.includes("?") ? "&" : "?";
  const status = request.method === "GET" || request.method === "HEAD" ? 302 : 303;
  return Response.redirect(`${state.loginUrl}${separator}${state.nextParam}=${encodeURIComponent(back)}`, status);
}
