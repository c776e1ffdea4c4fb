/**
 * Hono 4 (its default SmartRouter) on `@hono/node-server`. The constrained
 * routes of `mixed-rest` use its `:name{regexp}` parameters.
 */
import type { Server } from "node:http";
import { createAdaptorServer } from "@hono/node-server";
import { Hono } from "hono";
import { paramNames, REST_TABLE } from "../rest-table.js";
import { MIDDLEWARE_COUNT, ROUTE_COUNT, routePrefix, type Inject, type Peer, type ServeOptions, type ServerScenario, type Target } from "../scenarios.js";

function build(scenario: ServerScenario): Hono {
  const app = new Hono();
  switch (scenario) {
    case "hello":
      app.get("/", (c) => c.text("Hello, world!"));
      break;
    case "middleware5":
      for (let i = 0; i < MIDDLEWARE_COUNT; i++) app.use((_c, next) => next());
      app.get("/", (c) => c.text("Hello, world!"));
      break;
    case "param":
      app.get("/products/:id", (c) => c.json({ id: c.req.param("id") }));
      break;
    case "routes1000":
    case "prefixed1000": {
      const prefix = routePrefix(scenario);
      for (let i = 0; i < ROUTE_COUNT; i++) app.get(`${prefix}/r${i}/:id`, (c) => c.json({ id: c.req.param("id") }));
      break;
    }
    case "mixed-rest":
      for (const route of REST_TABLE) {
        const path = route.choices === undefined ? route.path : `${route.path}{${route.choices.join("|")}}`;
        // c.req.param() lists the parameters last first: put them back in path order.
        const names = paramNames(route);
        app.get(path, (c) => {
          const params = c.req.param() as Record<string, string>;
          return c.json(Object.fromEntries(names.map((name) => [name, params[name]])));
        });
      }
      break;
    case "json-post":
      app.post("/echo", async (c) => c.json(await c.req.json()));
      break;
    case "regex1000":
      throw new Error("Hono has no RegExp routes.");
  }
  return app;
}

export const peer: Peer = {
  name: "hono",
  scenarios: ["hello", "param", "routes1000", "prefixed1000", "mixed-rest", "json-post", "middleware5"],
  serve(scenario: ServerScenario, options: ServeOptions): Promise<Server> {
    const server = createAdaptorServer({ fetch: build(scenario).fetch }) as Server;
    if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
    return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
  },
  async inject(target: Target): Promise<Inject> {
    const app = build(target.scenario);
    const init = { method: target.method, body: target.body, headers: target.headers };
    return async () => {
      const res = await app.request(target.path, init);
      return { status: res.status, body: await res.text() };
    };
  },
};
