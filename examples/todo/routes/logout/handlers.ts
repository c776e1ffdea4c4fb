/** `/logout` (a POST, from the button in the page header). */
import { logout, Response, type Request } from "../../../../lib/index.js";

export async function post(request: Request) {
  await logout(request);
  await request.session.flash("Logged out.", "info");
  return Response.redirect("/login", 303);
}
