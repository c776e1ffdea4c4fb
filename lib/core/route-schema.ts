/**
 * Route schemas: the route option `schema: { body, query, params, response }`,
 * checked before the handler runs, and `request.valid(part)`, which reads
 * what was checked.
 */
import { InternalServerError } from "../http/errors.js";
import type { StandardSchemaV1 } from "../http/standard-schema.js";
import { invalidMessage, isStandardSchema, validate, type ValidationIssue } from "../http/validate.js";
import type { Adapter } from "./adapters.js";
import { readTuple } from "./dispatcher.js";
import { Request } from "./request.js";
import { isStream, Response } from "./response.js";

/**
 * The route option `schema`: a Standard Schema v1 object (zod, valibot,
 * ArkType, ...) for each part of the request to check before the handler
 * runs, and one for what it answers.
 *
 * - `params`: the path parameters, after converters (`converters.int` gives
 *   the schema a number); its output becomes the handler's params.
 * - `query`: the query as a plain object (a name sent once is a string, a
 *   name sent more than once an array of strings).
 * - `body`: the JSON body (a form body, urlencoded or multipart, as a plain
 *   object by the same rule, file parts as `UploadedFile`s; any other media
 *   type is a 415). Checked for `POST`, `PUT` and `PATCH`, and for other
 *   methods when they carry a body.
 * - `response`: the JSON the handler answers with on success (2xx), for the
 *   OpenAPI document; in debug mode a mismatch is a 500 that says what is wrong.
 *
 * A part that fails is a 422 (`UnprocessableEntity`) whose `detail` lists
 * each issue's `path` and `message`; params are checked first, then the
 * query, then the body, and the first part that fails answers.
 *
 * @example
 * new Route("/todos/:id", TodoHandler, { schema: { params: z.object({ id: z.coerce.number() }), body: Todo } });
 */
export interface RouteSchema {
  body?: StandardSchemaV1;
  query?: StandardSchemaV1;
  params?: StandardSchemaV1;
  response?: StandardSchemaV1;
}

/** The parts of a request a route schema checks, as `request.valid(part)` names them. */
export type ValidPart = "body" | "query" | "params";

/** The checked values of a route schema `S`, by part: each schema's output type. */
export type ValidData<S extends RouteSchema> = {
  [K in ValidPart & keyof S]: S[K] extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S[K]> : never;
};

/**
 * The request of a route with schema `S`: `request.valid("body")` (and
 * `"query"`, `"params"`) typed as the schema's output. A function handler's
 * request has this type on a route with a schema; a class handler says so
 * with `declare request: ValidRequest<typeof schema>`.
 *
 * @example
 * const schema = { body: z.object({ title: z.string() }) };
 * class Todos extends RequestHandler {
 *   declare request: ValidRequest<typeof schema>;
 *   post() { return [201, { title: this.request.valid("body").title }]; }
 * }
 */
export interface ValidRequest<S extends RouteSchema> extends Request {
  valid<K extends ValidPart & keyof S>(part: K): ValidData<S>[K];
}

declare module "./request.js" {
  interface Request {
    /**
     * What the route's `schema` checked for this request, before the
     * handler ran: the output of its `body`, `query` or `params` schema.
     * Typed on a `ValidRequest` (a function handler's request on a route
     * with a schema); `unknown` on a plain `Request`. A part the route's
     * schema does not check (or a body not checked, on a `GET`) is a
     * `TypeError` saying so.
     *
     * @example
     * app.route("/todos", { schema: { body: Todo } })((request) => [201, request.valid("body")]);
     */
    valid(part: ValidPart): unknown;
  }
}

// What a route schema checked, per request, where `request.valid()` finds
// it; only requests to routes with a schema are ever put here.
const checked = new WeakMap<Request, Partial<Record<ValidPart, unknown>>>();

Object.defineProperty(Request.prototype, "valid", {
  configurable: true,
  writable: true,
  value: function valid(this: Request, part: ValidPart): unknown {
    const data = checked.get(this);
    if (data === undefined) {
      throw new TypeError(`request.valid(${JSON.stringify(part)}) reads what a route schema checked, and this request's route has none: give the route the option schema: { ${String(part)}: ... }.`);
    }
    if (!Object.hasOwn(data, part)) {
      const why = part === "body" && this.route !== undefined ? `its schema has no body, or a ${this.method} request without a body is not checked` : `its schema has no ${String(part)}`;
      throw new TypeError(`request.valid(${JSON.stringify(part)}): this route checks no ${String(part)} (${why}).`);
    }
    return data[part];
  },
});

/**
 * Check a route's `schema` option when the route is made: each part given
 * must be a Standard Schema, and no other part may be named. Returns it, or
 * `undefined` when it checks nothing.
 */
export function checkRouteSchema(schema: unknown, label: string): RouteSchema | undefined {
  if (schema === undefined) return undefined;
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) {
    throw new TypeError(`${label}: schema is an object of Standard Schemas ({ body, query, params, response }), not ${JSON.stringify(schema)}.`);
  }
  for (const [part, value] of Object.entries(schema)) {
    if (part !== "body" && part !== "query" && part !== "params" && part !== "response") {
      throw new TypeError(`${label}: schema.${part} is not a part a route checks; use body, query, params or response.`);
    }
    if (value !== undefined && !isStandardSchema(value)) {
      throw new TypeError(`${label}: schema.${part} is not a Standard Schema (an object with ~standard.validate, as zod, valibot and ArkType schemas are).`);
    }
  }
  const { body, query, params, response } = schema as RouteSchema;
  return body === undefined && query === undefined && params === undefined && response === undefined ? undefined : (schema as RouteSchema);
}

// The methods whose requests carry a body by definition; others are
// checked when they send one.
const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

function hasBody(request: Request): boolean {
  if (BODY_METHODS.has(request.method)) return true;
  const length = request.contentLength;
  return (length !== undefined && length > 0) || request.headers.has("transfer-encoding");
}

function readBody(request: Request, schema: StandardSchemaV1): Promise<unknown> {
  const type = request.contentType;
  return type === "application/x-www-form-urlencoded" || type === "multipart/form-data" ? request.form(schema) : request.json(schema);
}

/**
 * Wrap a route's adapter so that its `schema` is checked before the handler
 * runs (see `RouteSchema`); made once per route, with the adapter, so a
 * route without a schema is never wrapped and pays nothing. `OPTIONS` is
 * passed through unchecked. With `debug`, a `response` schema checks the
 * handler's JSON answer on the way out.
 */
export function schemaAdapter(schema: RouteSchema, adapter: Adapter, debug: boolean): Adapter {
  const { params, query, body } = schema;
  const response = debug ? schema.response : undefined;
  const call: Adapter = response === undefined ? adapter : (request, res) => checkResponse(response, adapter(request, res));
  return function validating(request, res) {
    if (request.method === "OPTIONS") return adapter(request, res);
    const data: Partial<Record<ValidPart, unknown>> = {};
    checked.set(request, data);
    // Params, then the query, then the body; the first two synchronously
    // when their schemas are, so a GET to a synchronous handler still
    // answers in the same tick. Closures are made only on the async paths.
    let pending: Promise<unknown> | undefined;
    if (params !== undefined) {
      const out = validate(params, request.routeKwargs, "path parameters");
      if (out instanceof Promise) pending = out.then((value) => keepParams(request, data, value));
      else keepParams(request, data, out);
    }
    if (query !== undefined) {
      if (pending === undefined) {
        const out = validate(query, request.query.toObject(), "query");
        if (out instanceof Promise) pending = out.then((value) => (data.query = value));
        else data.query = out;
      } else {
        pending = pending.then(() => validate(query, request.query.toObject(), "query")).then((value) => (data.query = value));
      }
    }
    if (body !== undefined && hasBody(request)) {
      pending = (pending === undefined ? readBody(request, body) : pending.then(() => readBody(request, body))).then((value) => (data.body = value));
    }
    return pending === undefined ? call(request, res) : pending.then(() => call(request, res));
  };
}

// The params schema's output is the handler's params from now on.
function keepParams(request: Request, data: Partial<Record<ValidPart, unknown>>, value: unknown): void {
  data.params = request.routeKwargs = value as Request["routeKwargs"];
}

// Debug only: the handler's JSON answer, checked against the response schema.
function checkResponse(schema: StandardSchemaV1, result: unknown): unknown {
  if (result instanceof Promise) return result.then((settled: unknown) => checkResponse(schema, settled));
  const data = successData(result);
  if (data === NONE) return result;
  try {
    const out = validate(schema, data.value, "response body");
    return out instanceof Promise ? out.then(() => result, (error: unknown) => Promise.reject(mismatch(error))) : result;
  } catch (error) {
    throw mismatch(error);
  }
}

// A 422 from the response schema is the handler's mistake, not the client's.
function mismatch(error: unknown): unknown {
  const issues = (error as { detail?: ValidationIssue[] }).detail;
  if (!Array.isArray(issues)) return error;
  return new InternalServerError(`The handler's answer does not match the route's response schema. ${invalidMessage("response body", issues)}`, { detail: issues, cause: error });
}

const NONE = Symbol("none");

// The JSON data of a successful answer, by the return-value ladder
// (`toResponse`): a plain value, `[2xx, data]`, or `[data, 2xx]`. Anything
// else (text, bytes, a stream, a Response, an error status) is not checked.
function successData(result: unknown): { value: unknown } | typeof NONE {
  if (result === undefined || result instanceof Response || typeof result === "string" || typeof result === "number" || result instanceof Uint8Array || isStream(result)) return NONE;
  if (!Array.isArray(result)) return { value: result };
  const tuple = readTuple(result);
  if (tuple === undefined) return { value: result };
  if (tuple.kind === "redirect" || tuple.status >= 300) return NONE;
  const value = tuple.kind === "status" ? tuple.data : tuple.body;
  return typeof value === "string" || value instanceof Uint8Array || value === undefined || isStream(value) ? NONE : { value };
}
