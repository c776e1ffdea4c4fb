/**
 * Loading a routes folder into a router: every route module imported,
 * every route made an ordinary `Route`, in an order that does not depend on
 * the file system, checked for conflicts, then added at once.
 */
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Route } from "../core/route.js";
import type { Router } from "../core/router.js";
import { folderName, folderTemplate, scanRouteFolder, type RouteFile } from "./route-folder.js";
import { readRouteModule, type RouteDefinition } from "./route-module.js";

/** Options of `app.loadRoutes(dir, options)` and `Application.fromRoutes(dir, options)`. */
export interface LoadRoutesOptions {
  /** A path before every route's (`"/api"`: `routes/todo` serves `/api/todo`, and `routes/handlers.ts` `/api`). */
  prefix?: string;
  /** A prefix for every route's name (`"api."`: `api.todo`). */
  namePrefix?: string;
}

/** Where a loaded route comes from: its module and what in it answers (`get, post`, `default`, an export's name). */
export interface RouteSource {
  file: string;
  source: string;
}

const sources = new WeakMap<Route, RouteSource>();

/** The module a route was loaded from, or `undefined` for a route made in code. */
export function routeSource(route: Route): RouteSource | undefined {
  return sources.get(route);
}

/** The folder as a path: a string (relative to the working directory) or a `file:` URL. */
export function folderPath(dir: string | URL): string {
  return dir instanceof URL || dir.startsWith("file:") ? fileURLToPath(dir) : resolve(dir);
}

/**
 * The routes of a folder, made and sorted (see `compareTemplates`), with no
 * router involved. Rejects with an error naming the file for a bad folder
 * layout, a module that cannot be imported (with the cause), a bad export,
 * two definitions of one path and verb, and two routes of one name.
 *
 * @example
 * const routes = await readRouteFolder("routes", { prefix: "/api" });
 */
export async function readRouteFolder(dir: string | URL, options: LoadRoutesOptions = {}): Promise<Route[]> {
  const prefix = options.prefix ?? "";
  if (prefix !== "" && (!prefix.startsWith("/") || prefix.endsWith("/"))) throw new TypeError(`The routes prefix starts with "/" and does not end with one: ${JSON.stringify(prefix)}.`);
  const files = (await scanRouteFolder(folderPath(dir))).sort((a, b) => compareTemplates(folderTemplate(a.segments), folderTemplate(b.segments)));
  const modules = await Promise.allSettled(files.map((file) => importRouteModule(file.file)));
  const defs: RouteDefinition[] = [];
  files.forEach((file, i) => {
    const outcome = modules[i]!;
    if (outcome.status === "rejected") throw outcome.reason;
    defs.push(...readRouteModule(outcome.value, place(file)));
  });
  defs.sort((a, b) => compareTemplates(a.template, b.template));
  checkConflicts(defs);
  return defs.map((def) => makeRoute(def, prefix, options.namePrefix ?? ""));
}

/**
 * Load a folder's routes into `router`, after the routes it has: all of
 * them, or none when one fails (a name the router already has included).
 * Resolves to the routes added.
 */
export async function addRouteFolder(router: Router, dir: string | URL, options?: LoadRoutesOptions): Promise<Route[]> {
  const routes = await readRouteFolder(dir, options);
  for (const route of routes) {
    if (route.name !== undefined && router.getRoute(route.name) !== undefined) {
      throw new TypeError(`${sources.get(route)!.file}: the app already has a route named "${route.name}"; rename one (export const name = "...") or load the folder with a namePrefix.`);
    }
  }
  for (const route of routes) router.add(route);
  return routes;
}

function place(file: RouteFile): { file: string; template: string; name: string } {
  return { file: file.file, template: folderTemplate(file.segments), name: folderName(file.segments) };
}

function makeRoute(def: RouteDefinition, prefix: string, namePrefix: string): Route {
  const template = prefix === "" ? def.template : def.template === "/" ? prefix : prefix + def.template;
  let route: Route;
  try {
    route = new Route(template, def.handler as never, { ...def.options, name: namePrefix + def.name, methods: def.methods });
  } catch (error) {
    throw new TypeError(`${def.file}: ${def.source} cannot be a route at ${template}: ${(error as Error).message}`, { cause: error });
  }
  sources.set(route, { file: def.file, source: def.source });
  return route;
}

// What this runtime says when it cannot import TypeScript at all.
const NO_TYPESCRIPT = new Set(["ERR_UNKNOWN_FILE_EXTENSION", "ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX", "ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING", "ERR_NO_TYPESCRIPT"]);

/**
 * Import a route module with the runtime's own `import()`: TypeScript works
 * wherever the runtime or a test runner takes it (Node 22.6+, tsx,
 * vitest). Only a refusal to read TypeScript says how to proceed.
 */
async function importRouteModule(file: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (/\.m?ts$/.test(file) && typeof code === "string" && NO_TYPESCRIPT.has(code)) {
      throw new TypeError(`${file}: this runtime cannot import TypeScript (${code}): build the routes to .js (tsc) and load the built folder, or run under tsx (npx tsx ...).`, { cause: error });
    }
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new TypeError(`${file}: the route module cannot be imported: ${reason}`, { cause: error });
  }
}

function rank(segment: string): number {
  return segment.includes("*") ? 2 : segment.includes(":") || segment.includes("{") ? 1 : 0;
}

/**
 * The order of loaded routes, whatever the file system's: segment by
 * segment, literal text before parameters before splats, then by text;
 * a path before the longer paths it begins. So `/todo/completed` is tried
 * before `/todo/:id` wherever their files are.
 */
export function compareTemplates(a: string, b: string): number {
  const x = a.split("/");
  const y = b.split("/");
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const diff = rank(x[i]!) - rank(y[i]!);
    if (diff !== 0) return diff;
    if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  }
  return x.length - y.length;
}

// The shape of a path for the conflict check: `/todo/:id` and `/todo/:todoId` are one path.
function shape(template: string): string {
  return template.replace(/:[A-Za-z_$][\w$]*/g, ":").replace(/\*[A-Za-z_$][\w$]*/g, "*");
}

function checkConflicts(defs: readonly RouteDefinition[]): void {
  const byVerb = new Map<string, RouteDefinition>();
  const byName = new Map<string, RouteDefinition>();
  const label = (def: RouteDefinition) => `${def.file} (${def.source})`;
  for (const def of defs) {
    for (const method of def.answers) {
      const key = `${method} ${shape(def.template)}`;
      const first = byVerb.get(key);
      if (first !== undefined) throw new TypeError(`${method} ${def.template} is defined twice: in ${label(first)} and in ${label(def)}; keep one.`);
      byVerb.set(key, def);
    }
    const first = byName.get(def.name);
    if (first !== undefined) throw new TypeError(`Two routes are named "${def.name}": in ${label(first)} and in ${label(def)}; give one another name (export const name, or handler(verbs, { name }, fn)).`);
    byName.set(def.name, def);
  }
}
