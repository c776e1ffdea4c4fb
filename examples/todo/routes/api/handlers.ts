/**
 * `/api/openapi.json`: the API's OpenAPI 3.1 document. Public: it holds no
 * data, only the shape of the API and how to authenticate, and tools that
 * read it (Swagger UI, client generators) fetch it without a token.
 */
import { handler, type Application, type Request } from "../../../../lib/index.js";
import { todoApiDocument, type TodoApiDocument } from "../../openapi.js";

export const options = { jsonErrors: true };

// Built once per app, on the first request: the routes do not change once it serves.
const documents = new WeakMap<Application<any>, TodoApiDocument>();

function openapiDocument(request: Request) {
  let document = documents.get(request.app);
  if (document === undefined) documents.set(request.app, (document = todoApiDocument(request.app)));
  return document;
}
openapiDocument.summary = "This OpenAPI document";

export const openapi = handler("get", { path: "openapi.json", name: "api.openapi" }, openapiDocument);
