/**
 * The route table of `mixed-rest`: what a mid-sized REST API registers, a
 * few hundred routes that nearly all share the `/api/v1/` prefix, so a
 * router that indexes only the first segment gains nothing from its index.
 * Each peer turns the same descriptors into its own syntax; the measured
 * request hits a nested route of the last resource, near the end of the
 * table.
 */

/** The prefix nearly every route shares. */
export const API_PREFIX = "/api/v1";

/**
 * One route of the table. `path` uses `:name` parameters, one per segment.
 * When `choices` is given, the last parameter only matches one of those
 * words: handlerkit registers such a route as a RegExp (webapp2 style), the
 * others with their own constrained parameter syntax.
 */
export interface RestRoute {
  path: string;
  choices?: readonly string[];
}

/** The resources of the API, in registration order; the last one is the measured one. */
const RESOURCES = [
  "users", "accounts", "customers", "products", "categories", "carts", "payments", "invoices",
  "shipments", "addresses", "reviews", "coupons", "suppliers", "stores", "employees", "teams",
  "projects", "tasks", "comments", "tags", "files", "folders", "messages", "threads",
  "notifications", "subscriptions", "plans", "webhooks", "events", "sessions", "devices", "locations",
  "regions", "currencies", "taxes", "refunds", "returns", "vendors", "brands", "warehouses",
] as const;

/** The routes of one resource: a collection, an item, nested orders and their items, settings, an export. */
function resourceRoutes(name: string): RestRoute[] {
  const base = `${API_PREFIX}/${name}`;
  return [
    { path: base },
    { path: `${base}/:id` },
    { path: `${base}/:id/orders` },
    { path: `${base}/:id/orders/:orderId` },
    { path: `${base}/:id/orders/:orderId/items` },
    { path: `${base}/:id/orders/:orderId/items/:itemId` },
    { path: `${base}/:id/settings` },
    { path: `${base}/:id/export/:format`, choices: ["csv", "json"] },
  ];
}

/**
 * The whole table, in registration order: a health check first, the
 * resources, then two more statics at the end (as apps tend to append them).
 */
export const REST_TABLE: readonly RestRoute[] = [
  { path: "/health" },
  ...RESOURCES.flatMap(resourceRoutes),
  { path: `${API_PREFIX}/status` },
  { path: "/metrics" },
];

/** The measured request: the deepest route of the last resource. */
export const REST_TARGET_PATH = `${API_PREFIX}/${RESOURCES[RESOURCES.length - 1]}/12345/orders/678/items/9`;

/** The answer to it: every parameter, in path order. */
export const REST_TARGET_BODY = JSON.stringify({ id: "12345", orderId: "678", itemId: "9" });

/** The parameter names of a route, in path order. */
export function paramNames(route: RestRoute): string[] {
  return route.path.split("/").filter((s) => s.startsWith(":")).map((s) => s.slice(1));
}

/**
 * The route as one anchored RegExp, each parameter a capture group (named
 * when `named`): handlerkit's RegExp routes, Express's RegExp paths and the
 * raw node:http scan use it.
 */
export function restRegExp(route: RestRoute, named: boolean): RegExp {
  const last = paramNames(route).at(-1);
  const source = route.path
    .split("/")
    .map((segment) => {
      if (!segment.startsWith(":")) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      const name = segment.slice(1);
      const body = route.choices !== undefined && name === last ? route.choices.join("|") : "[^/]+";
      return named ? `(?<${name}>${body})` : `(${body})`;
    })
    .join("/");
  return new RegExp(`^${source}$`);
}
