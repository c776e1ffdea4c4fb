/**
 * Reading a route module's exports into route definitions: verb functions
 * (or a default `RequestHandler` subclass) for the folder's own path,
 * `handler()` exports and classes for sub-paths, and `name` and `options`.
 */
import { isHandlerClass } from "../core/adapters.js";
import type { Handler, HandlerClass } from "../core/handler.js";
import type { Request } from "../core/request.js";
import type { RouteOptions } from "../core/route.js";
import { isSubpathHandler, ROUTE_VERBS, verbMethod, type VerbFunction } from "./handler.js";

/** One route a module defines, before it is made a `Route`. */
export interface RouteDefinition {
  /** The route module's path, for errors and `handlerkit routes`. */
  file: string;
  /** What in the module answers: `get, post`, `default`, or a sub-path's export name. */
  source: string;
  /** The route template, relative to the routes folder's path (the loader adds the prefix). */
  template: string;
  name: string;
  /** The methods the route is restricted to (function handlers), or `undefined` (a class answers 405 itself). */
  methods: readonly string[] | undefined;
  /** The methods it answers, for the conflict check: `methods`, or the verb methods a class implements. */
  answers: readonly string[];
  handler: Handler;
  options: RouteOptions;
}

/** Where a module's routes are: its file, its folder's template and name. */
export interface ModulePlace {
  file: string;
  template: string;
  name: string;
}

/** `name` in kebab case, as a sub-path export's URL segment: `dueSoon` and `DueSoon` give `due-soon`. */
export function kebabCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2").toLowerCase();
}

/** The verb methods a handler class implements (`GET` for `get()`), up its prototype chain. */
export function classVerbs(cls: HandlerClass): string[] {
  const methods: string[] = [];
  for (const verb of ROUTE_VERBS) {
    if (typeof (cls.prototype as Record<string, unknown>)[verb] === "function") methods.push(verb.toUpperCase());
  }
  return methods;
}

// The exports that are a route module's own verbs (`options` only when a function).
const VERB_EXPORTS = new Set<string>([...ROUTE_VERBS, "del"]);

/**
 * The routes a module's exports define. Throws, naming the file and the
 * export, for a default export that is not a handler class, a default class
 * beside verb functions, both `delete` and `del`, an export that is neither
 * a verb function, a `handler()` nor a class (helpers start with `_`), and a
 * module that defines no route at all.
 */
export function readRouteModule(exports: Record<string, unknown>, place: ModulePlace): RouteDefinition[] {
  const { file } = place;
  const fail = (what: string) => new TypeError(`${file}: ${what}`);
  const verbs = new Map<string, VerbFunction>();
  const subpaths: RouteDefinition[] = [];
  let name = place.name;
  let options: RouteOptions = {};
  let main: HandlerClass | undefined;
  for (const key of Object.keys(exports).sort()) {
    const value = exports[key];
    if (key.startsWith("_") || value === undefined) continue;
    if (key === "default") {
      if (!isHandlerClass(value)) throw fail("the default export is not a RequestHandler subclass; export verb functions (get, post, ...) by name, or a class with `export default class extends RequestHandler`.");
      main = value;
    } else if (key === "name") {
      if (typeof value !== "string" || value === "") throw fail("`export const name` must be a non-empty string (the route's name).");
      name = value;
    } else if (key === "options" && typeof value !== "function") {
      if (value === null || typeof value !== "object" || Array.isArray(value)) throw fail("`export const options` must be an object of route options ({ timeout, bodyLimit, middleware, ... }).");
      options = value as RouteOptions;
    } else if (VERB_EXPORTS.has(key)) {
      if (typeof value !== "function" || isHandlerClass(value)) throw fail(`the export "${key}" must be a function (request, params) => ... answering ${verbMethod(key)}.`);
      const method = verbMethod(key)!;
      if (verbs.has(method)) throw fail('it exports both "delete" and "del": keep one.');
      verbs.set(method, value as VerbFunction);
    } else {
      subpaths.push(subpath(key, value, place, fail));
    }
  }
  if (main !== undefined && verbs.size > 0) throw fail(`it exports both a default class and verb functions (${[...verbs.keys()].join(", ")}): keep one of the two.`);
  if ("methods" in options || "handlerMethod" in options) throw fail("`options` cannot set methods or handlerMethod: the exports say which verbs are served.");
  const defs: RouteDefinition[] = [];
  if (main !== undefined) {
    defs.push({ file, source: "default", template: place.template, name, methods: undefined, answers: classVerbs(main), handler: main, options });
  } else if (verbs.size > 0) {
    // In the verbs' usual order (get, post, ... delete), whatever the exports' order.
    const methods = ROUTE_VERBS.map((verb) => verb.toUpperCase()).filter((method) => verbs.has(method));
    const handler = verbHandler(verbs, place.template);
    defs.push({ file, source: methods.map((m) => m.toLowerCase()).join(", "), template: place.template, name, methods, answers: methods, handler, options });
  }
  for (const def of subpaths) defs.push({ ...def, options: layOptions(options, def.options) });
  if (defs.length === 0) throw fail("it is not a route module: it exports no verb function (get, post, ...), no default RequestHandler subclass and no handler().");
  return defs;
}

// The module's options under a sub-path's own; middleware adds up, the module's outside.
function layOptions(module: RouteOptions, own: RouteOptions): RouteOptions {
  const merged = { ...module, ...own };
  if (module.middleware !== undefined && own.middleware !== undefined) merged.middleware = [...module.middleware, ...own.middleware];
  return merged;
}

function subpath(key: string, value: unknown, place: ModulePlace, fail: (what: string) => Error): RouteDefinition {
  const join = (path: string) => (path === "" ? place.template : place.template === "/" ? `/${path}` : `${place.template}/${path}`);
  const childName = (segment: string) => (place.template === "/" ? segment : `${place.name}.${segment}`);
  if (isHandlerClass(value)) {
    const segment = kebabCase(key);
    return { file: place.file, source: key, template: join(segment), name: childName(segment), methods: undefined, answers: classVerbs(value), handler: value, options: {} };
  }
  if (isSubpathHandler(value)) {
    const { path, name, ...options } = value.options;
    const target = value.target;
    const handler: Handler = isHandlerClass(target) ? target : verbHandler(new Map(value.methods.map((m) => [m, target as VerbFunction])), join(path ?? kebabCase(key)));
    return {
      file: place.file,
      source: key,
      template: join(path ?? kebabCase(key)),
      name: name ?? childName(kebabCase(key)),
      methods: value.methods,
      answers: value.methods,
      handler,
      options,
    };
  }
  const what = typeof value === "function" ? "a function but not a verb (get, post, put, patch, delete, head, options)" : `a ${value === null ? "null" : typeof value}`;
  throw fail(`the export "${key}" is ${what}, so it serves nothing: wrap it as handler("get", ...) to serve a sub-path, or start its name with "_" to keep it as a helper.`);
}

/**
 * The function handler of a route's verbs: the one function itself when a
 * template with parameters passes them (the function adapter calls it with
 * `(request, params)`), else a function that passes the params, and for
 * several verbs one that picks the function by method (HEAD falls back to
 * GET's). Made once, when the route is loaded.
 */
function verbHandler(verbs: ReadonlyMap<string, VerbFunction>, template: string): VerbFunction {
  if (verbs.size === 1) {
    const [fn] = verbs.values() as IterableIterator<VerbFunction>;
    // perf(bench: routes-folder): a template with parameters gets the params object as it is.
    if (/[:*]/.test(template)) return fn!;
    return withTexts((request: Request) => fn!(request, request.routeKwargs), verbs);
  }
  const byMethod: Record<string, VerbFunction> = Object.create(null) as Record<string, VerbFunction>;
  for (const [method, fn] of verbs) byMethod[method] = fn;
  if (byMethod.HEAD === undefined && byMethod.GET !== undefined) byMethod.HEAD = byMethod.GET;
  return withTexts((request: Request) => byMethod[request.method]!(request, request.routeKwargs), verbs);
}

// The `summary` and `description` of the verb functions (a string, or one
// per verb), kept on the function that stands in for them, one per verb, so
// the OpenAPI document still finds them.
function withTexts(wrapper: VerbFunction, verbs: ReadonlyMap<string, VerbFunction>): VerbFunction {
  for (const field of ["summary", "description"] as const) {
    const texts: Record<string, string> = {};
    for (const [method, fn] of verbs) {
      const value: unknown = (fn as unknown as Record<string, unknown>)[field];
      const verb = method.toLowerCase();
      const text = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[verb] : value;
      if (typeof text === "string") texts[verb] = text;
    }
    if (Object.keys(texts).length > 0) Object.assign(wrapper, { [field]: texts });
  }
  return wrapper;
}
