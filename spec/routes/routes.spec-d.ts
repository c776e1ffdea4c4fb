/**
 * Compile-time specs of file routes, checked by `tsc` in `npm test`:
 * `fromRoutes<Routes>()` and `loadRoutes<Routes>()` type `uriFor` with a
 * declaration such as `handlerkit routes --types` writes; without one,
 * any name goes; `handler()` takes a verb, or several, and options.
 */
import { expectTypeOf } from "vitest";
import { Application, handler, RequestHandler, Route, type Converter, type SubpathHandler } from "../../lib/index.js";

type Routes = [Route<"/", "index">, Route<"/todo/:id", "todo.id", { id: Converter<number> }>, Route<"/files/*path", "files.path">];

const typed = await Application.fromRoutes<Routes>("routes");
typed.uriFor("index");
typed.uriFor("todo.id", { id: 7 });
typed.uriFor("files.path", { path: ["a", 1] });
// @ts-expect-error: no route of that name
typed.uriFor("todo.ids", { id: 7 });
// @ts-expect-error: the template needs its parameter
typed.uriFor("todo.id");

// loadRoutes adds the folder's names to the app's own.
const own = new Application([new Route("/health", () => 204, { name: "health" })]);
const both = await own.loadRoutes<Routes>("routes", { prefix: "/api" });
both.uriFor("health");
both.uriFor("todo.id", { id: 1 });
// @ts-expect-error: no route of that name
both.uriFor("nope");

// Untyped: any name, any params.
const loose = await Application.fromRoutes("routes", { debug: true, namePrefix: "api." });
loose.uriFor("anything", { at: "all" });

// handler(): one verb or several, upper or lower case, with options, a function or a class.
expectTypeOf(handler("get", () => "x")).toEqualTypeOf<SubpathHandler>();
handler(["GET", "post", "del"], { path: "done/:since", timeout: 500 }, (request, params) => `${request.method} ${String(params.since)}`);
handler("put", class extends RequestHandler {
  put() {
    return 204;
  }
});
// @ts-expect-error: not a verb
handler("fetch", () => "x");
// @ts-expect-error: methods come from the verbs, not the options
handler("get", { methods: ["POST"] }, () => "x");
