/**
 * Compile-time specs, checked by `tsc` in `npm test`: each
 * `@ts-expect-error` line must be an error, and each `expectTypeOf` must
 * hold, or the type check fails.
 */
import { expectTypeOf } from "vitest";
import {
  Application,
  type Converter,
  RedirectRoute,
  Request,
  RequestHandler,
  Response,
  Route,
  converters,
  jsonView,
  lazy,
  type Flash,
  type Middleware,
  type ParamsOf,
  type RouteParams,
  sessions,
  handler,
  type FormValue,
  type MultiDict,
  type StandardJSONSchemaV1,
  type StandardSchemaV1,
  type ValidRequest,
} from "../lib/index.js";
import type { Settings } from "../lib/core/settings.js";
import { toStandardJsonSchema } from "@valibot/to-json-schema";
import * as v from "valibot";
import { z } from "zod";

// ParamsOf: one template-literal parser.
expectTypeOf<ParamsOf<"/users/:id/posts/:slug">>().toEqualTypeOf<{ id: string; slug: string }>();
expectTypeOf<ParamsOf<"/archive{/:year}">>().toEqualTypeOf<{ year?: string }>();
expectTypeOf<ParamsOf<"/files/*path">>().toEqualTypeOf<{ path: string[] }>();
expectTypeOf<ParamsOf<"/:file{.:ext}">>().toEqualTypeOf<{ file: string; ext?: string }>();
expectTypeOf<ParamsOf<"/static">>().toEqualTypeOf<{}>();
expectTypeOf<ParamsOf<"/price/\\$:amount">>().toEqualTypeOf<{ amount: string }>();
expectTypeOf<RouteParams<"/users/:id/:tab", { id: Converter<number> }>>().toEqualTypeOf<{ id: number; tab: string }>();

const app = new Application();

// Function handlers get typed params from the template.
app.route("/users/:id/posts/:slug")((request, params) => {
  expectTypeOf(request).toEqualTypeOf<Request>();
  expectTypeOf(params).toEqualTypeOf<{ id: string; slug: string }>();
  return `${params.id}/${params.slug}`;
});
// @ts-expect-error: no such parameter in the template
app.route("/users/:id")((_request, params) => params.name);
app.route("/files/*path{.:ext}")((_request, params) => {
  expectTypeOf(params).toEqualTypeOf<{ path: string[]; ext?: string }>();
});
// Converters type the value.
app.route("/orders/:id", { params: { id: converters.int } })((_request, params) => {
  expectTypeOf(params.id).toEqualTypeOf<number>();
  return { id: params.id + 1 };
});
// RegExp routes pass positional strings.
app.route(/^\/sum\/(\d+)\/(\d+)$/)((_request, a: string, b: string) => Number(a) + Number(b));

// app.route() returns what it was given, as a decorator and as a call.
const fn = (request: Request) => request.rawPath;
expectTypeOf(app.route("/x")(fn)).toEqualTypeOf(fn);
@app.route("/health")
class Health extends RequestHandler {
  get() {
    return 204;
  }
}
expectTypeOf(app.route("/h2")(Health)).toEqualTypeOf<typeof Health>();

// A handler's return type must be convertible by the dispatcher.
// @ts-expect-error: a function is not a response
app.route("/bad-fn")(() => () => "nope");
// @ts-expect-error: nor a symbol, even asynchronously
app.route("/bad-symbol")(async () => Symbol("x"));
app.route("/ok")(async () => ({ ok: true }));
app.route("/ok2")(() => new Response("x"));
class BadReturn extends RequestHandler {
  get() {
    return Symbol("nope");
  }
}
// @ts-expect-error: a verb method returns a symbol
app.route("/bad-class")(BadReturn);

// new Route() checks a class handler's methods against the template's params.
class UserHandler extends RequestHandler {
  get(params: { id: string }) {
    return params;
  }
}
class NoParams extends RequestHandler {
  get() {
    return "all";
  }
}
class WrongParams extends RequestHandler {
  get(params: { name: string }) {
    return params;
  }
}
class Positional extends RequestHandler {
  get(id: string) {
    return id;
  }
}
new Route("/users/:id", UserHandler);
new Route("/users/:id", NoParams);
// @ts-expect-error: UserHandler needs { id }, the template gives { name }
new Route("/users/:name", UserHandler);
// @ts-expect-error: WrongParams wants { name }
new Route("/users/:id", WrongParams);
// @ts-expect-error: a template passes one params object, not positional strings
new Route("/users/:id", Positional);
new Route(/^\/users\/(\d+)$/, Positional);
new Route("/lazy/:id", lazy(async () => ({}), "X"));
new Route("/custom", { handle: (request: Request) => request.rawPath });

// Typed reverse routing: the route table comes from the routes given.
const typed = new Application([
  new Route("/users/:id", UserHandler, { name: "user" }),
  new Route("/posts/:year/:slug", (_request: Request, p: { year: string; slug: string }) => p, { name: "post" }),
  new Route("/orders/:id", (_request: Request, p: { id: number }) => p, { name: "order", params: { id: converters.int } }),
  new Route("/home", NoParams, { name: "home" }),
  new RedirectRoute("/old/:id", { name: "user" }, { name: "old" }),
  ["/pair/:x", NoParams],
]);
typed.uriFor("user", { id: 1 });
typed.uriFor("user", { id: "1", tab: "posts" }); // extra params: the query string
typed.uriFor("post", { year: 2024, slug: "hello" });
typed.uriFor("order", { id: 7 });
typed.uriFor("home");
typed.uriFor("home", {}, { full: true, host: "example.com" });
typed.uriFor("old", { id: 3 });
// @ts-expect-error: no route is named "nope"
typed.uriFor("nope");
// @ts-expect-error: "user" needs its id
typed.uriFor("user");
// @ts-expect-error: "post" needs a slug too
typed.uriFor("post", { year: 2024 });
// @ts-expect-error: a converted id is a number
typed.uriFor("order", { id: "seven" });

// An application without typed routes builds any name.
app.uriFor("anything", { a: 1 });
const annotated: Application = typed;
annotated.uriFor("whatever");

// Handlers see the signal and the request.
class Signals extends RequestHandler {
  get() {
    expectTypeOf(this.signal).toEqualTypeOf<AbortSignal>();
    expectTypeOf(this.request.signal).toEqualTypeOf<AbortSignal>();
  }
}
void Signals;

// Sessions, users and CSRF are typed on Request by declaration merging from lib/sessions/.
{
  const request = Request.blank("/");
  expectTypeOf(request.session.get<number>("visits")).toEqualTypeOf<Promise<number | undefined>>();
  expectTypeOf(request.session.flashes()).toEqualTypeOf<Promise<Flash[]>>();
  expectTypeOf(request.user<{ id: string }>()).toEqualTypeOf<Promise<{ id: string } | undefined>>();
  expectTypeOf(request.csrfToken()).toEqualTypeOf<Promise<string>>();
  // @ts-expect-error: the session is read, never replaced
  request.session = undefined as never;
  const mw: Middleware = sessions();
  expectTypeOf(mw.register).toEqualTypeOf<((settings: Settings) => void) | undefined>();
}

// Operations: health checks get a signal, trustProxy takes a list, close() a drain delay.
{
  const ops = new Application([], { trustProxy: ["10.0.0.0/8", "fd00::/8"] });
  expectTypeOf(ops.health("/healthz", { db: (signal) => (expectTypeOf(signal).toEqualTypeOf<AbortSignal>(), Promise.resolve()) }, { readiness: "/readyz" })).toEqualTypeOf(ops);
  expectTypeOf(ops.close({ timeout: 10_000, drainDelay: 5_000 })).toEqualTypeOf<Promise<void>>();
  expectTypeOf(ops.closing).toEqualTypeOf<boolean>();
  // @ts-expect-error a single string is not a list
  new Application([], { trustProxy: "10.0.0.0/8" });
}

// jsonView() gives back what it was given: a function view, or the class itself.
{
  class Items extends RequestHandler {
    get() {
      return [1];
    }
  }
  expectTypeOf(jsonView(Items)).toEqualTypeOf<typeof Items>();
  expectTypeOf(jsonView((request: Request, id: string) => id)).toEqualTypeOf<(request: Request, id: string) => Promise<Response>>();
  // Redirect policy options and the allowed hosts.
  new Application([], { allowedHosts: ["example.com", ".example.com"], redirectHosts: ["accounts.example"] });
  Response.redirect("https://accounts.example/", 303, { allowOtherHost: true });
  // @ts-expect-error a host list, not one string
  new Application([], { allowedHosts: "example.com" });
}

// Validation through Standard Schema: the copied interfaces are the spec's, and outputs are typed.
{
  type Spec = import("@standard-schema/spec").StandardSchemaV1;
  type SpecJson = import("@standard-schema/spec").StandardJSONSchemaV1;
  const Todo = z.object({ title: z.string(), done: z.boolean().default(false) });
  const Signup = v.object({ user: v.string(), age: v.pipe(v.string(), v.transform(Number)) });
  expectTypeOf(Todo).toExtend<StandardSchemaV1>();
  expectTypeOf(Signup).toExtend<StandardSchemaV1>();
  expectTypeOf(Todo).toExtend<StandardJSONSchemaV1>();
  expectTypeOf(toStandardJsonSchema(Signup)).toExtend<StandardJSONSchemaV1 & StandardSchemaV1>();
  // The copy and the published interfaces are assignable both ways, and infer the same.
  expectTypeOf<StandardSchemaV1>().toExtend<Spec>();
  expectTypeOf<Spec>().toExtend<StandardSchemaV1>();
  expectTypeOf<StandardJSONSchemaV1>().toExtend<SpecJson>();
  expectTypeOf<SpecJson>().toExtend<StandardJSONSchemaV1>();
  expectTypeOf<StandardSchemaV1.InferOutput<typeof Todo>>().toEqualTypeOf<import("@standard-schema/spec").StandardSchemaV1.InferOutput<typeof Todo>>();
  expectTypeOf<StandardSchemaV1.InferOutput<typeof Signup>>().toEqualTypeOf<{ user: string; age: number }>();

  // request.json(schema), form(schema), queryAs(schema): the schema's output; json<T>() still a cast.
  const request = Request.blank("/");
  expectTypeOf(request.json(Todo)).toEqualTypeOf<Promise<{ title: string; done: boolean }>>();
  expectTypeOf(request.json(Signup, { limit: 100 })).toEqualTypeOf<Promise<{ user: string; age: number }>>();
  expectTypeOf(request.form(Todo)).toEqualTypeOf<Promise<{ title: string; done: boolean }>>();
  expectTypeOf(request.queryAs(Signup)).toEqualTypeOf<Promise<{ user: string; age: number }>>();
  expectTypeOf(request.json<{ a: 1 }>()).toEqualTypeOf<Promise<{ a: 1 }>>();
  expectTypeOf(request.json({ lenient: true })).toEqualTypeOf<Promise<unknown>>();
  expectTypeOf(request.form()).toEqualTypeOf<Promise<MultiDict<FormValue>>>();
  expectTypeOf(request.valid("body")).toEqualTypeOf<unknown>();
  async () => {
    const todo = await request.json(Todo);
    // @ts-expect-error the schema has no such property
    todo.titel;
  };

  // A route schema types the function handler's request.valid() and params.
  const app = new Application();
  app.route("/todos/:id", { params: { id: converters.int }, schema: { body: Todo, query: z.object({ page: z.coerce.number() }) } })((request, params) => {
    expectTypeOf(params).toEqualTypeOf<{ id: number }>();
    expectTypeOf(request.valid("body")).toEqualTypeOf<{ title: string; done: boolean }>();
    expectTypeOf(request.valid("query")).toEqualTypeOf<{ page: number }>();
    // @ts-expect-error the body schema has no such property
    request.valid("body").titel;
    // @ts-expect-error the route's schema checks no params
    request.valid("params");
    return 204;
  });
  // A params schema's output is the params, after converters.
  app.route("/v/:id", { schema: { params: v.object({ id: v.pipe(v.string(), v.transform(Number)) }) } })((request, params) => {
    expectTypeOf(params).toEqualTypeOf<{ id: number }>();
    expectTypeOf(request.valid("params")).toEqualTypeOf<{ id: number }>();
    // @ts-expect-error params has only id
    params.slug;
  });
  // A route without a schema: a plain Request.
  app.route("/plain")((request) => {
    expectTypeOf(request).toEqualTypeOf<Request>();
  });
  // new Route() types the handler the same way.
  new Route("/r/:id", (request, params) => {
    expectTypeOf(request.valid("body")).toEqualTypeOf<{ title: string; done: boolean }>();
    expectTypeOf(params).toEqualTypeOf<{ id: string }>();
  }, { schema: { body: Todo } });
  // @ts-expect-error schema parts are Standard Schemas
  new Route("/r", () => 1, { schema: { body: { parse: () => 1 } } });

  // A class handler reads them typed through ValidRequest.
  const schema = { body: Todo };
  class Todos extends RequestHandler {
    declare request: ValidRequest<typeof schema>;
    post() {
      expectTypeOf(this.request.valid("body")).toEqualTypeOf<{ title: string; done: boolean }>();
      // @ts-expect-error the body schema has no such property
      this.request.valid("body").titel;
      return 201;
    }
  }
  new Route("/todos", Todos, { schema });

  // handler() of a route module.
  handler("post", { path: "", schema: { body: Todo } }, (request) => {
    expectTypeOf(request.valid("body")).toEqualTypeOf<{ title: string; done: boolean }>();
    return 201;
  });

  // app.openapi(): info is required.
  expectTypeOf(app.openapi({ info: { title: "t", version: "1" } }).openapi).toEqualTypeOf<"3.1.0">();
  // @ts-expect-error info needs a version
  app.openapi({ info: { title: "t" } });
}
