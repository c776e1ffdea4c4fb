/** `/login`: the form, and checking the password against its scrypt hash. */
import { hashPassword, login, randomToken, render, Response, sameOriginPath, verifyPassword, type Request } from "../../../../lib/index.js";
import { formFields } from "../../pages.js";
import { LoginForm } from "../../schemas.js";
import { stateOf } from "../../state.js";
import { check } from "../../check.js";

// Checked against when the user name is unknown, so the time taken does not say which names exist.
let dummyHash: Promise<string> | undefined;

function nextPage(value: string | undefined): string {
  return sameOriginPath(value ?? "") ?? "/todos";
}

export function get(request: Request) {
  return render(request, "login.html", { next: nextPage(request.query.get("next")), username: "" });
}

export async function post(request: Request) {
  const fields = formFields(await request.form(), ["username", "password", "next"]);
  const result = await check(LoginForm, fields);
  const next = nextPage(fields.next);
  if (result.issues) return render(request, "login.html", { next, username: fields.username ?? "", issues: result.issues }, 422);
  const { username, password } = result.value;
  const user = stateOf(request).todos.userByName(username);
  const valid = await verifyPassword(password, user?.passwordHash ?? (await (dummyHash ??= hashPassword(randomToken()))));
  if (user === undefined || !valid) {
    await request.session.flash("Wrong user name or password.", "error");
    return Response.redirect(`/login?next=${encodeURIComponent(next)}`, 303);
  }
  await login(request, user);
  await request.session.flash(`Welcome, ${user.username}.`, "success");
  return Response.redirect(next, 303);
}
