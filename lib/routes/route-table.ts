/**
 * The route table as `handlerkit routes` prints it: one row per route, with
 * the methods it answers, its pattern, name, handler and, for a loaded
 * route, the module it comes from.
 */
import { relative } from "node:path";
import { isHandlerClass } from "../core/adapters.js";
import { LazyHandler } from "../core/handler.js";
import type { Route } from "../core/route.js";
import { routeSource } from "./load-routes.js";
import { classVerbs } from "./route-module.js";

/** One route as `handlerkit routes` shows it (and prints with `--json`). */
export interface RouteRow {
  /** The methods answered, sorted (`["GET", "POST"]`), or `["*"]` for a function that takes any. */
  methods: string[];
  /** The pattern: a template, or a RegExp's source as `String()` writes it. */
  pattern: string;
  /** The host template, for a route of one host (`DomainRoute`). */
  host: string | null;
  name: string | null;
  /** What answers: the class's or function's name, a route module's exports (`get, post`), `lazy(Export)`. */
  handler: string;
  /** The route module, relative to the working directory, for a loaded route. */
  source: string | null;
}

/**
 * The rows of a router's routes, in matching order (build-only routes
 * included: they are named).
 *
 * @example
 * routeTable(app.router.routes); // [{ methods: ["GET"], pattern: "/", host: null, name: "index", handler: "get", source: "routes/handlers.ts" }, ...]
 */
export function routeTable(routes: readonly Route[], cwd = process.cwd()): RouteRow[] {
  return routes.map((route) => {
    const loaded = routeSource(route);
    const handler = route.handler;
    let methods: string[];
    if (route.methods !== undefined) methods = [...route.methods].sort();
    else if (isHandlerClass(handler)) methods = classVerbs(handler).sort();
    else methods = ["*"];
    return {
      methods,
      pattern: String(route.pattern),
      host: route.host?.template ?? null,
      name: route.name ?? null,
      handler: loaded?.source ?? handlerLabel(handler),
      source: loaded === undefined ? null : relative(cwd, loaded.file).split("\\").join("/"),
    };
  });
}

function handlerLabel(handler: unknown): string {
  if (handler instanceof LazyHandler) return `lazy(${handler.exportName})`;
  if (typeof handler === "function") return handler.name === "" ? (isHandlerClass(handler) ? "(class)" : "(function)") : handler.name;
  return `(${typeof handler})`;
}

/**
 * The rows as an aligned text table under a header, one line per route;
 * `-` stands for no name or no source.
 *
 * @example
 * process.stdout.write(formatRouteTable(routeTable(app.router.routes)));
 */
export function formatRouteTable(rows: readonly RouteRow[]): string {
  const lines = [["METHODS", "PATTERN", "NAME", "HANDLER", "SOURCE"]];
  for (const row of rows) {
    lines.push([row.methods.join(","), row.host === null ? row.pattern : `${row.host}${row.pattern}`, row.name ?? "-", row.handler, row.source ?? "-"]);
  }
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((cells) => cells[i]!.length)));
  return lines.map((cells) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n") + "\n";
}
