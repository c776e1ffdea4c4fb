/**
 * `handler()`: a subpath handler of a route module, DjangoKit's
 * `@handler("get")`, exported by name from a `handlers` file.
 */
import { isHandlerClass } from "../core/adapters.js";
import type { HandlerClass } from "../core/handler.js";
import type { Request, RouteKwargs } from "../core/request.js";
import type { RouteOptions } from "../core/route.js";
import type { RouteSchema, ValidRequest } from "../core/route-schema.js";
import type { StandardSchemaV1 } from "../http/standard-schema.js";

/** The verbs a route module serves, as its export names and `handler()` takes them (`del` for `delete`). */
export const ROUTE_VERBS = ["get", "post", "put", "patch", "delete", "head", "options"] as const;

/** A verb of `handler()` and of a route module's exports, in either case (`"get"`, `"POST"`); `del` is `delete`. */
export type Verb = (typeof ROUTE_VERBS)[number] | "del" | Uppercase<(typeof ROUTE_VERBS)[number]>;

/** A function a route module serves: called with the request and the route's params. */
export type VerbFunction = (request: Request, params: RouteKwargs) => unknown;

/** Options of `handler(verbs, options, fn)`: route options, plus the sub-path. */
export interface SubpathOptions extends Omit<RouteOptions, "methods" | "handlerMethod"> {
  /**
   * The sub-path, a template relative to the module's folder (`"done/:since"`,
   * or `""` for the folder's own path). By default the export's name in kebab
   * case (`dueSoon` serves `due-soon`).
   */
  path?: string;
}

// A brand rather than `instanceof`: a route module may import another copy
// of handlerkit (a build beside the sources) than the loader's.
const SUBPATH = Symbol.for("handlerkit.subpathHandler");

/** What `handler()` makes: the verbs, the options and the function or class a route module exports by name. */
export class SubpathHandler {
  /** The HTTP methods served, upper case (`["GET", "POST"]`). */
  readonly methods: readonly string[];
  /** The options given, `path` included. */
  readonly options: Readonly<SubpathOptions>;
  /** The function or `RequestHandler` subclass that answers. */
  readonly target: VerbFunction | HandlerClass;
  readonly [SUBPATH] = true;

  constructor(methods: readonly string[], options: SubpathOptions, target: VerbFunction | HandlerClass) {
    this.methods = methods;
    this.options = options;
    this.target = target;
  }
}

/** Whether a value is a `SubpathHandler`, made by this copy of handlerkit or another. */
export function isSubpathHandler(value: unknown): value is SubpathHandler {
  return typeof value === "object" && value !== null && (value as { [SUBPATH]?: unknown })[SUBPATH] === true;
}

/** The upper-case HTTP method of a verb, or `undefined` when it is none (`del` is `DELETE`). */
export function verbMethod(verb: string): string | undefined {
  const lower = verb.toLowerCase();
  if (lower === "del") return "DELETE";
  return (ROUTE_VERBS as readonly string[]).includes(lower) ? lower.toUpperCase() : undefined;
}

/**
 * A subpath handler: in `routes/todo/handlers.ts`, `export const completed
 * = handler("get", fn)` serves `GET /todo/completed`, named
 * `todo.completed`. `verbs` is one verb or a list; `options` may give the
 * sub-path (a template relative to the folder), a route `name` and any
 * route option; the handler is a function `(request, params)` or a
 * `RequestHandler` subclass.
 *
 * @example
 * export const completed = handler("get", (request) => todos.filter((t) => t.done));
 * export const since = handler(["get", "head"], { path: "done/:since" }, (request, params) => done(params.since));
 * export const create = handler("post", { path: "", schema: { body: Todo } }, (request) => [201, add(request.valid("body"))]);
 */
export function handler(verbs: Verb | readonly Verb[], fn: VerbFunction | HandlerClass): SubpathHandler;
export function handler<const S extends RouteSchema>(
  verbs: Verb | readonly Verb[],
  options: SubpathOptions & { schema: S },
  fn: ((request: ValidRequest<S>, params: S extends { params: StandardSchemaV1 } ? StandardSchemaV1.InferOutput<S["params"]> : RouteKwargs) => unknown) | HandlerClass,
): SubpathHandler;
export function handler(verbs: Verb | readonly Verb[], options: SubpathOptions, fn: VerbFunction | HandlerClass): SubpathHandler;
export function handler(verbs: Verb | readonly Verb[], optionsOrFn: SubpathOptions | VerbFunction | HandlerClass, fn?: VerbFunction | HandlerClass): SubpathHandler {
  const options = fn === undefined ? {} : (optionsOrFn as SubpathOptions);
  const target = fn ?? (optionsOrFn as VerbFunction | HandlerClass);
  const list = typeof verbs === "string" ? [verbs] : [...verbs];
  if (list.length === 0) throw new TypeError("handler() needs at least one verb, such as handler(\"get\", fn).");
  const methods = list.map((verb) => {
    const method = typeof verb === "string" ? verbMethod(verb) : undefined;
    if (method === undefined) throw new TypeError(`handler(): ${JSON.stringify(verb)} is not a verb; use one of ${ROUTE_VERBS.join(", ")}.`);
    return method;
  });
  if (typeof target !== "function") throw new TypeError(`handler(): the handler is ${target === null ? "null" : typeof target}; give a function (request, params) => ... or a RequestHandler subclass.`);
  if (options === null || typeof options !== "object") throw new TypeError("handler(): the options are not an object; call handler(verbs, { path }, fn) or handler(verbs, fn).");
  if (options.path !== undefined && (typeof options.path !== "string" || options.path.startsWith("/"))) {
    throw new TypeError(`handler(): the path is relative to the module's folder, so it does not start with "/": ${JSON.stringify(options.path)}.`);
  }
  return new SubpathHandler([...new Set(methods)], options, isHandlerClass(target) ? target : (target as VerbFunction));
}
