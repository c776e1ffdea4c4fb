/**
 * What the HTML pages share: the middleware that gives them sessions, CSRF
 * protection and the logged-in user (and keeps all three away from the
 * API), what every template sees, and reading a form into a plain object
 * for the schemas.
 */
import {
  authenticate,
  csrf,
  loginRequired,
  MemoryStore,
  sessions,
  type FormValue,
  type Middleware,
  type MultiDict,
  type Request,
  type RouteOptions,
  type TemplateContextProvider,
} from "../../lib/index.js";
import type { User } from "./repository.js";
import { stateOf } from "./state.js";

/** Whether a request is for the JSON API, which authenticates with a token and never has a session. */
export function isApi(request: Request): boolean {
  return request.path.startsWith("/api/");
}

// The API's requests skip the pages' middleware: they get no session and
// no cookie, and their CSRF check is moot (their token is in a header no
// other site can make a browser send). csrf() lets `Authorization: Bearer`
// through by itself, but a request with no token at all must get the API's
// 401, not the pages' 403.
function pagesOnly(middleware: Middleware): Middleware {
  return (request, next) => (isApi(request) ? next() : middleware(request, next));
}

/**
 * The app middleware of the pages: sessions (kept in this process: a
 * restart logs everyone out), `request.user()` from the session's login,
 * and CSRF protection on every form.
 */
export function pageMiddleware(): Middleware[] {
  const user = authenticate<User>((request, userId) => (typeof userId === "number" ? stateOf(request).todos.user(userId) : undefined));
  // authenticate() before csrf(), so the 403 page of a failed check still knows who is logged in.
  return [sessions({ store: new MemoryStore() }), user, csrf()].map(pagesOnly);
}

/** The route options of the pages behind the login: a visitor is sent to `/login?next=...`. */
export const pageOptions: RouteOptions = { middleware: [loginRequired] };

/**
 * What every page's template sees: the CSRF token for its forms, the flash
 * messages (shown, so used up, by the base template) and the user.
 */
export const pageContext: TemplateContextProvider = async (request) => {
  if (isApi(request)) return undefined;
  return { csrfToken: await request.csrfToken(), flashes: await request.session.flashes(), user: await request.user<User>() };
};

/** A form's text fields as an object (first value of each), without the CSRF token, for a schema to check. */
export function formFields(form: MultiDict<FormValue>, names: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const name of names) {
    const value = form.get(name);
    if (typeof value === "string") fields[name] = value;
  }
  return fields;
}
