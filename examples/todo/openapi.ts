/**
 * The API's OpenAPI 3.1 document, as `GET /api/openapi.json` serves it:
 * what `app.openapi()` builds from the routes under `/api/` (paths,
 * summaries, route names as operation ids, the bodies' schemas and the
 * 422), with what the routes cannot say themselves added: the bearer token,
 * the 401, and `?page=`/`?limit=`, which `paging.ts` checks (a 400 naming
 * the parameter) rather than a route schema (a 422).
 */
import type { Application, JsonSchema, OpenApiDocument, OpenApiOperation } from "../../lib/index.js";
import { DEFAULT_LIMIT, MAX_LIMIT } from "./paging.js";

/** The document `todoApiDocument()` makes: `app.openapi()`'s, plus how to authenticate. */
export interface TodoApiDocument extends OpenApiDocument {
  components: { securitySchemes: Record<string, Record<string, unknown>> };
  security: Record<string, string[]>[];
}

const PAGING: NonNullable<OpenApiOperation["parameters"]> = [
  { name: "page", in: "query", required: false, schema: { type: "integer", minimum: 1, default: 1 }, description: "The page, from 1." },
  { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT }, description: "Items per page." },
];

const ERROR: JsonSchema = { type: "object", properties: { error: { type: "integer" }, message: { type: "string" }, detail: {} }, required: ["error", "message"] };
const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: ERROR } } });

// The paths whose GET is a paged list.
const LISTS = new Set(["/api/todos", "/api/todos/completed"]);
// The one public path: the document itself.
const PUBLIC = "/api/openapi.json";

/**
 * The OpenAPI document of the todo app's JSON API (the paths under
 * `/api/`; the HTML pages are left out).
 *
 * @example
 * const document = todoApiDocument(app);
 * document.paths["/api/todos"].post.requestBody; // the schema of TodoCreate
 */
export function todoApiDocument(app: Application<any>): TodoApiDocument {
  const all = app.openapi({
    info: { title: "handlerkit todo API", version: "1.0.0", description: "The todo example's JSON API. Every operation but this document's needs `Authorization: Bearer <token>`." },
  });
  const paths: OpenApiDocument["paths"] = {};
  for (const [path, item] of Object.entries(all.paths)) {
    if (!path.startsWith("/api/")) continue;
    paths[path] = item;
    for (const [verb, op] of Object.entries(item)) {
      if (path === PUBLIC) {
        (op as OpenApiOperation & { security?: unknown }).security = [];
        continue;
      }
      op.responses["401"] = errorResponse("No API token, or a wrong one (`WWW-Authenticate: Bearer`).");
      if (path.includes("{id}")) op.responses["404"] = errorResponse("No item has this id.");
      if (verb === "get" && LISTS.has(path)) {
        op.parameters = [...(op.parameters ?? []), ...PAGING];
        op.responses["400"] = errorResponse("`page` or `limit` is not a whole number in bounds; `detail.parameter` names it.");
      }
    }
  }
  return {
    ...all,
    paths,
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "The API token: TODO_API_TOKEN, or the one printed at startup." } } },
    security: [{ bearer: [] }],
  };
}
