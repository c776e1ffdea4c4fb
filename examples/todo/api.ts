/**
 * What the JSON API's route modules share: bearer-token authentication,
 * JSON errors, and how an item is written out.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { Unauthorized, UnsupportedMediaType, type Middleware, type RouteOptions } from "../../lib/index.js";
import type { Todo } from "./repository.js";
import { stateOf } from "./state.js";

const BEARER = /^Bearer +(\S+) *$/i;
// Where a client that sent no token, or a wrong one, is told how to authenticate (RFC 6750).
const CHALLENGE = { "www-authenticate": 'Bearer realm="todo"' };
const WRONG_TOKEN = { "www-authenticate": 'Bearer realm="todo", error="invalid_token"' };

/**
 * Route middleware of the API: the request must carry `Authorization:
 * Bearer <the API token>`, or it is a 401 (`WWW-Authenticate: Bearer`).
 * The token's digest is compared in constant time.
 */
export const requireToken: Middleware = (request, next) => {
  const header = request.headers.get("authorization");
  const token = header === undefined ? undefined : BEARER.exec(header)?.[1];
  if (token === undefined) throw new Unauthorized("Send the API token as Authorization: Bearer <token>.", { headers: CHALLENGE });
  const digest = createHash("sha256").update(token).digest();
  if (!timingSafeEqual(digest, stateOf(request).apiTokenDigest)) throw new Unauthorized("The API token is not valid.", { headers: WRONG_TOKEN });
  return next();
};

/** The route options of every API module: the token, and errors as JSON whatever the client accepts. */
export const apiOptions: RouteOptions = { jsonErrors: true, middleware: [requireToken] };

/**
 * Route middleware of the API's routes with a body schema: the body is JSON
 * or it is the 415 that `request.json()` answers. A route schema reads a
 * form body as well (for the pages' sake), and the API takes JSON only.
 * Route middleware runs before the schema is checked.
 */
export const jsonBodyOnly: Middleware = (request, next) => {
  const type = request.contentType;
  if (type === "application/x-www-form-urlencoded" || type === "multipart/form-data") {
    throw new UnsupportedMediaType(`Expected a JSON body (Content-Type: application/json), got "${type}".`);
  }
  return next();
};

/** An item as the API writes it: the attachment's stored file name stays inside. */
export function todoJson(todo: Todo) {
  const { attachment, ...fields } = todo;
  return { ...fields, attachment: attachment === undefined ? null : { name: attachment.name, type: attachment.type, size: attachment.size } };
}
