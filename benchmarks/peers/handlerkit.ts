/**
 * handlerkit, written the way its README teaches: class handlers, template
 * routes, and webapp2's RegExp routes for `regex1000`.
 */
import type { Server } from "node:http";
import { Application, RequestHandler, Route, type RouteLike } from "../../lib/index.js";
import { ROUTE_COUNT, type Inject, type Peer, type ServeOptions, type ServerScenario, type Target } from "../scenarios.js";

class HelloHandler extends RequestHandler {
  get() {
    this.response.contentType = "text/plain";
    this.response.write("Hello, world!");
  }
}

class ProductHandler extends RequestHandler {
  get(params: { id: string }) {
    return { id: params.id };
  }
}

/** The same for RegExp routes, whose unnamed group arrives positionally. */
class PositionalProductHandler extends RequestHandler {
  get(id: string) {
    return { id };
  }
}

class EchoHandler extends RequestHandler {
  async post() {
    return await this.request.json();
  }
}

function routes(scenario: ServerScenario): RouteLike[] {
  switch (scenario) {
    case "hello":
      return [["/", HelloHandler]];
    case "param":
      return [["/products/:id", ProductHandler]];
    case "routes1000":
      return Array.from({ length: ROUTE_COUNT }, (_, i) => new Route(`/r${i}/:id`, ProductHandler));
    case "regex1000":
      return Array.from({ length: ROUTE_COUNT }, (_, i) => [new RegExp(`^/r${i}/([^/]+)$`), PositionalProductHandler] as const);
    case "json-post":
      return [["/echo", EchoHandler]];
  }
}

export const peer: Peer = {
  name: "handlerkit",
  scenarios: ["hello", "param", "routes1000", "regex1000", "json-post"],
  async serve(scenario: ServerScenario, options: ServeOptions): Promise<Server> {
    const app = new Application(routes(scenario), { keepAliveTimeout: options.keepAliveTimeout, context: options.context });
    return await app.listen(0, "127.0.0.1");
  },
  async inject(target: Target): Promise<Inject> {
    const app = new Application(routes(target.scenario));
    const init = { method: target.method, body: target.body, headers: target.headers };
    return async () => {
      const res = await app.getResponse(target.path, init);
      return { status: res.status, body: await res.text() };
    };
  },
};
