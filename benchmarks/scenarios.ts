/**
 * The benchmark scenarios, shared by every peer: what each one serves and
 * what a correct answer looks like (checked once before every measurement,
 * so a peer that answers 404 quickly is never counted as fast).
 */

import { API_PREFIX, REST_TARGET_BODY, REST_TARGET_PATH } from "./rest-table.js";

/**
 * A scenario a server is started for. `routes1000`, `prefixed1000` and
 * `regex1000` are measured at their first and last route; `mixed-rest`
 * (the table in `rest-table.ts`) near its end; `routes-folder` is
 * `routes1000` loaded from a generated routes folder (`r<i>/[id]/handlers.mjs`),
 * measured at its last route.
 */
export type ServerScenario = "hello" | "param" | "routes1000" | "prefixed1000" | "regex1000" | "mixed-rest" | "json-post" | "routes-folder" | "middleware5";

/** The number of routes in `routes1000`, `prefixed1000` and `regex1000`. */
export const ROUTE_COUNT = 1000;

/**
 * What comes before `/r<i>/:id` in each route of a 1,000-route scenario:
 * `prefixed1000` shares one prefix across all its routes, as a versioned API
 * does, so the first segment tells them apart no more.
 */
export function routePrefix(scenario: "routes1000" | "prefixed1000"): string {
  return scenario === "prefixed1000" ? API_PREFIX : "";
}

/**
 * The no-op middleware of `middleware5`, around `hello`: what composing
 * middleware costs per request (handlerkit's `app.use`, Hono's `app.use`,
 * koa-compose in front of node:http).
 */
export const MIDDLEWARE_COUNT = 5;

/** The parameter value every parameterised request carries. */
export const PRODUCT_ID = "12345";

/** The 1 KB JSON document of `json-post`: a small catalogue, as an API would receive. */
export const ECHO_DOCUMENT = makeEchoDocument();

/** The body of `json-post`, as sent. */
export const ECHO_BODY = JSON.stringify(ECHO_DOCUMENT);

function makeEchoDocument(): Record<string, unknown> {
  const items: { id: number; name: string; price: number; tags: string[] }[] = [];
  for (let i = 0; JSON.stringify({ items }).length < 960; i++) {
    items.push({ id: i, name: `Product number ${i}`, price: 10 + i * 1.25, tags: ["new", "sale"] });
  }
  return { items, total: items.length };
}

/** One measured request target: the server it needs and what to send. */
export interface Target {
  /** The row name in the results table (`routes1000-last`). */
  name: string;
  scenario: ServerScenario;
  method: "GET" | "POST";
  path: string;
  body?: string;
  headers?: Record<string, string>;
  /** The exact answer expected: status, media type (before `;`) and body. */
  expect: { status: number; type: string; body: string };
}

const idJson = JSON.stringify({ id: PRODUCT_ID });

/** Every measured target, in table order. */
export const TARGETS: readonly Target[] = [
  { name: "hello", scenario: "hello", method: "GET", path: "/", expect: { status: 200, type: "text/plain", body: "Hello, world!" } },
  { name: "param", scenario: "param", method: "GET", path: `/products/${PRODUCT_ID}`, expect: { status: 200, type: "application/json", body: idJson } },
  { name: "routes1000-first", scenario: "routes1000", method: "GET", path: `/r0/${PRODUCT_ID}`, expect: { status: 200, type: "application/json", body: idJson } },
  { name: "routes1000-last", scenario: "routes1000", method: "GET", path: `/r${ROUTE_COUNT - 1}/${PRODUCT_ID}`, expect: { status: 200, type: "application/json", body: idJson } },
  { name: "prefixed1000-first", scenario: "prefixed1000", method: "GET", path: `${API_PREFIX}/r0/${PRODUCT_ID}`, expect: { status: 200, type: "application/json", body: idJson } },
  { name: "prefixed1000-last", scenario: "prefixed1000", method: "GET", path: `${API_PREFIX}/r${ROUTE_COUNT - 1}/${PRODUCT_ID}`, expect: { status: 200, type: "application/json", body: idJson } },
  { name: "regex1000-first", scenario: "regex1000", method: "GET", path: `/r0/${PRODUCT_ID}`, expect: { status: 200, type: "application/json", body: idJson } },
  { name: "regex1000-last", scenario: "regex1000", method: "GET", path: `/r${ROUTE_COUNT - 1}/${PRODUCT_ID}`, expect: { status: 200, type: "application/json", body: idJson } },
  { name: "routes-folder", scenario: "routes-folder", method: "GET", path: `/r${ROUTE_COUNT - 1}/${PRODUCT_ID}`, expect: { status: 200, type: "application/json", body: idJson } },
  { name: "mixed-rest-last", scenario: "mixed-rest", method: "GET", path: REST_TARGET_PATH, expect: { status: 200, type: "application/json", body: REST_TARGET_BODY } },
  {
    name: "json-post",
    scenario: "json-post",
    method: "POST",
    path: "/echo",
    body: ECHO_BODY,
    headers: { "content-type": "application/json" },
    expect: { status: 200, type: "application/json", body: ECHO_BODY },
  },
  { name: "middleware5", scenario: "middleware5", method: "GET", path: "/", expect: { status: 200, type: "text/plain", body: "Hello, world!" } },
];

/** Options every peer's server takes. */
export interface ServeOptions {
  /** `server.keepAliveTimeout` in ms (the memory figure holds 1,000 idle connections open). */
  keepAliveTimeout?: number;
  /** handlerkit only: the `context` option (`getRequest()`), to measure what it costs. */
  context?: boolean;
}

/** In-process requests: resolve once the answer (status and body) has been read. */
export type Inject = () => Promise<{ status: number; body: string }>;

/**
 * One framework under test, one small file per peer in `benchmarks/peers/`.
 * `serve` starts a server for a scenario on 127.0.0.1 and a free port;
 * `inject`, when the peer has in-process requests, makes the request
 * function for a target.
 */
export interface Peer {
  name: string;
  /** The scenarios it serves (`regex1000`: handlerkit and node:http only). */
  scenarios: readonly ServerScenario[];
  serve(scenario: ServerScenario, options: ServeOptions): Promise<import("node:http").Server>;
  inject?(target: Target): Promise<Inject>;
}

/**
 * Import a peer's adapter from `peers/` by its name (`node:http` →
 * `peers/node-http.js`); `handlerkit@REV`, an earlier revision, is
 * `peers/handlerkit-baseline.js`.
 */
export async function loadPeer(name: string): Promise<Peer> {
  const file = name.includes("@") ? `${name.split("@")[0]}-baseline` : name.replace(/[^a-z0-9]+/gi, "-");
  const module = (await import(`./peers/${file}.js`)) as { peer: Peer };
  return module.peer;
}
