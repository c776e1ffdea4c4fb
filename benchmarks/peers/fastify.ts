/**
 * Fastify 5, with its defaults (no schemas: what a first app looks like).
 * The constrained routes of `mixed-rest` use find-my-way's RegExp parameters.
 */
import type { Server } from "node:http";
import Fastify, { type FastifyInstance } from "fastify";
import { REST_TABLE } from "../rest-table.js";
import { ROUTE_COUNT, routePrefix, type Inject, type Peer, type ServeOptions, type ServerScenario, type Target } from "../scenarios.js";

type IdParams = { Params: { id: string } };

function build(scenario: ServerScenario, options: ServeOptions): FastifyInstance {
  const app = Fastify({ logger: false, ...(options.keepAliveTimeout !== undefined ? { keepAliveTimeout: options.keepAliveTimeout } : {}) });
  switch (scenario) {
    case "hello":
      app.get("/", async () => "Hello, world!");
      break;
    case "param":
      app.get<IdParams>("/products/:id", async (request) => ({ id: request.params.id }));
      break;
    case "routes1000":
    case "prefixed1000": {
      const prefix = routePrefix(scenario);
      for (let i = 0; i < ROUTE_COUNT; i++) app.get<IdParams>(`${prefix}/r${i}/:id`, async (request) => ({ id: request.params.id }));
      break;
    }
    case "mixed-rest":
      for (const route of REST_TABLE) {
        const path = route.choices === undefined ? route.path : `${route.path}(^(?:${route.choices.join("|")})$)`;
        app.get(path, async (request) => request.params);
      }
      break;
    case "json-post":
      app.post("/echo", async (request) => request.body);
      break;
    case "regex1000":
      throw new Error("Fastify has no RegExp routes.");
  }
  return app;
}

export const peer: Peer = {
  name: "fastify",
  scenarios: ["hello", "param", "routes1000", "prefixed1000", "mixed-rest", "json-post"],
  async serve(scenario: ServerScenario, options: ServeOptions): Promise<Server> {
    const app = build(scenario, options);
    await app.listen({ port: 0, host: "127.0.0.1" });
    return app.server;
  },
  async inject(target: Target): Promise<Inject> {
    const app = build(target.scenario, {});
    await app.ready();
    const request = { method: target.method, url: target.path, payload: target.body, headers: target.headers };
    return async () => {
      const res = await app.inject(request);
      return { status: res.statusCode, body: res.payload };
    };
  },
};
