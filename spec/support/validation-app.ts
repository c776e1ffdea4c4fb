/**
 * An app whose routes check their requests with zod and valibot schemas:
 * class and function handlers, a converter under a params schema, a form,
 * a query, an async refinement, and a route with no schema. Shared by the
 * route-schema, end-to-end and OpenAPI specs.
 */
import { toStandardJsonSchema } from "@valibot/to-json-schema";
import * as v from "valibot";
import { z } from "zod";
import { Application, converters, RequestHandler, Route, type Logger, type ValidRequest } from "../../lib/index.js";

export const Todo = z.object({
  title: z.string().min(1),
  tags: z.array(z.object({ name: z.string() })).default([]),
});

export const TodoOut = z.object({ id: z.number().int(), title: z.string(), tags: z.array(z.object({ name: z.string() })) });

export const Page = z.object({ page: z.coerce.number().int().min(1).default(1), tag: z.union([z.string(), z.array(z.string())]).optional() });

// valibot 1.5 has no ~standard.jsonSchema of its own: @valibot/to-json-schema adds it.
export const Signup = toStandardJsonSchema(v.object({ user: v.pipe(v.string(), v.minLength(3)), email: v.pipe(v.string(), v.email()) }));

// A valibot schema without JSON Schema: the OpenAPI document says so.
export const Plain = v.object({ note: v.string() });

export const todoSchema = { params: z.object({ id: z.number().int().min(1) }), body: Todo, response: TodoOut };

/** One todo: params converted by converters.int, then checked by the params schema. */
export class TodoHandler extends RequestHandler {
  static summary = { get: "Read a todo", put: "Replace a todo" };
  static description = "A todo by its id.";
  declare request: ValidRequest<typeof todoSchema>;

  get(params: { id: number }) {
    return { id: params.id, title: "Read", tags: [] };
  }

  put(params: { id: number }) {
    const body = this.request.valid("body");
    // The debug app checks this against TodoOut: a title of "wrong" answers a number.
    return { id: params.id, title: body.title === "wrong" ? 7 : body.title, tags: body.tags };
  }
}

// An async refinement: Standard Schema validators may return a promise.
const taken = new Set(["ada"]);
export const Username = z.object({ name: z.string().refine(async (name) => !taken.has(name), "That name is taken.") });

/** The app; `debug` turns on the response schema check. */
export function validationApp(options: { debug?: boolean; problemDetails?: boolean; logger?: Logger } = {}): Application {
  const app = new Application(
    [new Route("/todos/:id", TodoHandler, { name: "todo", params: { id: converters.int }, schema: todoSchema })],
    { debug: options.debug ?? false, problemDetails: options.problemDetails ?? false, ...(options.logger === undefined ? {} : { logger: options.logger }) },
  );
  app.route("/todos", { name: "todos", methods: ["GET", "POST"], schema: { query: Page, body: Todo } })((request) => {
    if (request.method === "GET") return { page: request.valid("query").page, tag: request.valid("query").tag ?? null };
    const todo = request.valid("body");
    return [201, { id: 1, title: todo.title, tags: todo.tags }];
  });
  app.route("/signup", { name: "signup", methods: ["POST"], schema: { body: Signup } })((request) => [201, request.valid("body")]);
  app.route("/notes", { methods: ["POST"], schema: { body: Plain } })((request) => request.valid("body"));
  app.route("/users", { name: "users", methods: ["POST"], schema: { body: Username } })((request) => [201, request.valid("body")]);
  app.route("/files/*path", { name: "file" })((request, params) => ({ path: params.path }));
  app.route("/plain/:id", { name: "plain", methods: ["POST"] })(async (request, params) => ({ id: params.id, body: await request.json() }));
  app.add([/^\/legacy\/(\d+)$/, () => "legacy"]);
  return app;
}
