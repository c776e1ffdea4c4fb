/** `/`: the list is the home page. */
import type { Request } from "../../../lib/index.js";

/** A redirect as a tuple, `[3xx, location]`. */
export function get(request: Request) {
  return [302, request.app.uriFor("todos")];
}
