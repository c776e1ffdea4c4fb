/**
 * An OpenAPI 3.1 document built from routes: their templates, methods,
 * names and schemas (through the Standard JSON Schema interface).
 */
import { parse, type Token } from "path-to-regexp";
import type { StandardJSONSchemaV1, StandardSchemaV1 } from "../http/standard-schema.js";
import { converters, isConverter, type Converter } from "../core/converters.js";
import type { Route } from "../core/route.js";
import type { RouteSchema } from "../core/route-schema.js";

/** A JSON Schema object, as OpenAPI 3.1 (JSON Schema draft 2020-12) takes it. */
export type JsonSchema = Record<string, unknown>;

/** Options of `app.openapi()`: the document's `info` and `servers`, as OpenAPI defines them. */
export interface OpenApiOptions {
  /** The API's title and version (required by OpenAPI), and any other Info fields. */
  info: { title: string; version: string; description?: string; [field: string]: unknown };
  /** Where the API is served (`[{ url: "https://api.example.com" }]`). */
  servers?: { url: string; description?: string; [field: string]: unknown }[];
}

/** One operation of the document (a method of a path). */
export interface OpenApiOperation {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: { name: string; in: "path" | "query"; required: boolean; schema: JsonSchema; description?: string }[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
  /** What the document could not say from the route's schemas (a library without JSON Schema). */
  "x-handlerkit-note"?: string;
}

/** An OpenAPI 3.1 document, as `app.openapi()` returns it: plain JSON data. */
export interface OpenApiDocument {
  openapi: "3.1.0";
  info: OpenApiOptions["info"];
  servers?: OpenApiOptions["servers"];
  paths: Record<string, Record<string, OpenApiOperation>>;
}

// What a 422 from a route schema answers (the JSON error body).
const VALIDATION_ERROR: JsonSchema = {
  type: "object",
  properties: {
    error: { type: "integer", const: 422 },
    message: { type: "string" },
    detail: { type: "array", items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } }, required: ["path", "message"] } },
  },
  required: ["error", "message"],
};

// The methods an operation lists with a request body.
const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

/**
 * Build an OpenAPI 3.1 document from routes, in route order:
 *
 * - paths from templates (`/users/:id` → `/users/{id}`; an optional group
 *   `{/:slug}` gives a path with it and one without; `*path` is one
 *   `{path}` parameter). Build-only routes, and RegExp routes (which have
 *   no template to show), are left out.
 * - methods from the route's `methods`, else its class's implemented verbs
 *   (or a function's set), without the implicit `HEAD` and `OPTIONS`.
 * - `operationId` from the route name (`name.verb` when it serves several
 *   methods, `name_2` for the second path of an optional group); `summary` and `description` from `static summary` /
 *   `static description` on the handler (a string, or one per verb:
 *   `{ get: "...", post: "..." }`).
 * - parameters, request body (`application/json`) and the 2XX response from
 *   the route's `schema`, through `~standard.jsonSchema` (zod 4 has it;
 *   valibot through `toStandardJsonSchema` of `@valibot/to-json-schema`);
 *   a schema without it is `{}` with an `x-handlerkit-note`. Path
 *   parameters without a `params` schema are typed from their converters.
 *
 * @example
 * const doc = openApiDocument(app.router.routes, { info: { title: "Todos", version: "1.0.0" } });
 */
export function openApiDocument(routes: Iterable<Route>, options: OpenApiOptions): OpenApiDocument {
  const paths: OpenApiDocument["paths"] = {};
  const ids = new Set<string>();
  for (const route of routes) {
    if (route.buildOnly || typeof route.pattern !== "string") continue;
    const methods = operationMethods(route);
    if (methods.length === 0) continue;
    for (const variant of pathVariants(parse(route.pattern).tokens)) {
      const item = (paths[variant.path] ??= {});
      for (const method of methods) {
        const verb = method.toLowerCase();
        // The first route that serves a path and method is the one that answers it.
        if (item[verb] !== undefined) continue;
        const op = (item[verb] = operation(route, method, methods.length > 1, variant.names));
        // operationIds are unique in a document: the paths of an optional group share a route's name.
        if (op.operationId !== undefined) {
          let id = op.operationId;
          for (let n = 2; ids.has(id); n++) id = `${op.operationId}_${n}`;
          ids.add((op.operationId = id));
        }
      }
    }
  }
  const document: OpenApiDocument = { openapi: "3.1.0", info: options.info, paths };
  if (options.servers !== undefined) document.servers = options.servers;
  return document;
}

// The methods a route documents: its `methods`, or what it allows.
function operationMethods(route: Route): string[] {
  const declared = route.methods ?? route.allowed;
  if (declared === undefined) return [];
  const explicit = route.methods !== undefined;
  return [...declared].filter((m) => explicit || (m !== "HEAD" && m !== "OPTIONS")).sort();
}

interface PathVariant {
  path: string;
  /** The parameters this variant has, in order, and whether each is a splat. */
  names: { name: string; splat: boolean }[];
}

// Every path a template's tokens stand for: an optional group is either
// there or not (OpenAPI has no optional path segments).
function pathVariants(tokens: readonly Token[]): PathVariant[] {
  let variants: PathVariant[] = [{ path: "", names: [] }];
  for (const token of tokens) {
    if (token.type === "text") variants = variants.map((v) => ({ path: v.path + token.value, names: v.names }));
    else if (token.type === "param" || token.type === "wildcard") {
      variants = variants.map((v) => ({ path: `${v.path}{${token.name}}`, names: [...v.names, { name: token.name, splat: token.type === "wildcard" }] }));
    } else {
      const inner = pathVariants(token.tokens);
      variants = variants.flatMap((v) => [v, ...inner.map((i) => ({ path: v.path + i.path, names: [...v.names, ...i.names] }))]);
    }
  }
  return variants.map((v) => ({ ...v, path: v.path === "" ? "/" : v.path }));
}

function operation(route: Route, method: string, several: boolean, names: PathVariant["names"]): OpenApiOperation {
  const op: OpenApiOperation = { responses: {} };
  const notes: string[] = [];
  if (route.name !== undefined) op.operationId = several ? `${route.name}.${method.toLowerCase()}` : route.name;
  const summary = textFor(route.handler, "summary", method);
  const description = textFor(route.handler, "description", method);
  if (summary !== undefined) op.summary = summary;
  if (description !== undefined) op.description = description;
  const schema: RouteSchema = route.schema ?? {};
  const parameters: NonNullable<OpenApiOperation["parameters"]> = [];
  const params = schema.params === undefined ? undefined : objectSchema(schema.params, "input", "params", notes);
  for (const { name, splat } of names) {
    const fromSchema = params?.properties[name];
    const parameter = { name, in: "path" as const, required: true, schema: fromSchema ?? constraintSchema(route.options.params?.[name]) };
    parameters.push(splat ? { ...parameter, description: "The rest of the path, slashes included." } : parameter);
  }
  if (schema.query !== undefined) {
    const query = objectSchema(schema.query, "input", "query", notes);
    for (const [name, property] of Object.entries(query?.properties ?? {})) {
      parameters.push({ name, in: "query", required: query!.required.includes(name), schema: property });
    }
  }
  if (parameters.length > 0) op.parameters = parameters;
  if (schema.body !== undefined && BODY_METHODS.has(method)) {
    op.requestBody = { required: true, content: { "application/json": { schema: jsonSchemaOf(schema.body, "input", "body", notes) } } };
  }
  op.responses["2XX"] = schema.response === undefined
    ? { description: "Success." }
    : { description: "Success.", content: { "application/json": { schema: jsonSchemaOf(schema.response, "output", "response", notes) } } };
  if (schema.params !== undefined || schema.query !== undefined || (schema.body !== undefined && BODY_METHODS.has(method))) {
    op.responses["422"] = { description: "The request failed the route's schema: `detail` lists each issue's path and message.", content: { "application/json": { schema: VALIDATION_ERROR } } };
  }
  if (notes.length > 0) op["x-handlerkit-note"] = notes.join(" ");
  return op;
}

// `static summary` / `static description` on the handler: a string, or one per verb.
function textFor(handler: unknown, field: "summary" | "description", method: string): string | undefined {
  const value = (handler as Record<string, unknown> | null | undefined)?.[field];
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null) {
    const own = (value as Record<string, unknown>)[method.toLowerCase()];
    return typeof own === "string" ? own : undefined;
  }
  return undefined;
}

// A schema's JSON Schema for one side (what the client sends, or what it
// gets), or `{}` with a note when the library cannot give one.
function jsonSchemaOf(schema: StandardSchemaV1, io: "input" | "output", part: string, notes: string[]): JsonSchema {
  const props = schema["~standard"] as Partial<StandardJSONSchemaV1.Props> & StandardSchemaV1.Props;
  const vendor = props.vendor;
  if (typeof props.jsonSchema?.[io] !== "function") {
    notes.push(`The ${part} schema (${vendor}) gives no JSON Schema (~standard.jsonSchema), so it is described as {}.`);
    return {};
  }
  try {
    const { $schema: _, ...json } = props.jsonSchema[io]({ target: "draft-2020-12" });
    return json;
  } catch (error) {
    notes.push(`The ${part} schema (${vendor}) could not be converted to JSON Schema (${(error as Error).message}), so it is described as {}.`);
    return {};
  }
}

// An object schema's properties and required names, for parameters.
function objectSchema(schema: StandardSchemaV1, io: "input", part: string, notes: string[]): { properties: Record<string, JsonSchema>; required: string[] } | undefined {
  const json = jsonSchemaOf(schema, io, part, notes);
  const properties = json.properties;
  if (typeof properties !== "object" || properties === null) {
    if (Object.keys(json).length > 0) notes.push(`The ${part} schema is not an object schema with properties, so its parameters are not listed.`);
    return undefined;
  }
  return { properties: properties as Record<string, JsonSchema>, required: Array.isArray(json.required) ? (json.required as string[]) : [] };
}

// A path parameter's schema from its `params` constraint or converter.
function constraintSchema(constraint: RegExp | Converter | undefined): JsonSchema {
  if (constraint === undefined) return { type: "string" };
  if (constraint === converters.int) return { type: "integer" };
  if (constraint === converters.float) return { type: "number" };
  if (constraint === converters.uuid) return { type: "string", format: "uuid" };
  const pattern = isConverter(constraint) ? constraint.pattern : constraint;
  return pattern === undefined ? { type: "string" } : { type: "string", pattern: `^(?:${pattern.source})$` };
}
