/**
 * Express 5, with its defaults (`express.json()` for the JSON body). Its
 * path syntax has no constrained parameters any more, so the constrained
 * routes of `mixed-rest` are RegExp paths.
 */
import type { Server } from "node:http";
import express, { type Express } from "express";
import { REST_TABLE, restRegExp } from "../rest-table.js";
import { ROUTE_COUNT, routePrefix, type Peer, type ServeOptions, type ServerScenario } from "../scenarios.js";

function build(scenario: ServerScenario): Express {
  const app = express();
  switch (scenario) {
    case "hello":
      app.get("/", (_req, res) => {
        res.type("text/plain").send("Hello, world!");
      });
      break;
    case "param":
      app.get("/products/:id", (req, res) => {
        res.json({ id: req.params.id });
      });
      break;
    case "routes1000":
    case "prefixed1000": {
      const prefix = routePrefix(scenario);
      for (let i = 0; i < ROUTE_COUNT; i++) {
        app.get(`${prefix}/r${i}/:id`, (req, res) => {
          res.json({ id: req.params.id });
        });
      }
      break;
    }
    case "mixed-rest":
      for (const route of REST_TABLE) {
        app.get(route.choices === undefined ? route.path : restRegExp(route, false), (req, res) => {
          res.json(req.params);
        });
      }
      break;
    case "json-post":
      app.post("/echo", express.json(), (req, res) => {
        res.json(req.body);
      });
      break;
    case "regex1000":
      throw new Error("Express RegExp routes are not measured.");
  }
  return app;
}

export const peer: Peer = {
  name: "express",
  scenarios: ["hello", "param", "routes1000", "prefixed1000", "mixed-rest", "json-post"],
  serve(scenario: ServerScenario, options: ServeOptions): Promise<Server> {
    return new Promise((resolve) => {
      const server = build(scenario).listen(0, "127.0.0.1", () => resolve(server));
      if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
    });
  },
};
