/**
 * handlerkit, written the way its README teaches: class handlers, template
 * routes, and webapp2's RegExp routes for `regex1000` and the constrained
 * routes of `mixed-rest`. One function of the library it is given, so that
 * `handlerkit` (this checkout) and `handlerkit@REV` (an earlier revision,
 * compiled by `baseline.ts`) run exactly the same adapter code.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as Lib from "../../lib/index.js";
import { REST_TABLE, restRegExp } from "../rest-table.js";
import { MIDDLEWARE_COUNT, ROUTE_COUNT, routePrefix, type Inject, type Peer, type ServeOptions, type ServerScenario, type Target } from "../scenarios.js";

/**
 * What the adapter uses of a handlerkit build: only names exported by
 * `lib/index.ts`, so a revision with another file layout below it works.
 */
export type HandlerkitLib = Pick<typeof Lib, "Application" | "RequestHandler" | "Route">;

/**
 * `routes1000` as a routes folder in a temporary directory: `r<i>/[id]/handlers.mjs`,
 * each a default `RequestHandler` subclass answering as `ProductHandler`
 * does, importing the build at `libUrl`. Loaded, then removed.
 */
async function routesFolderApp(lib: HandlerkitLib, libUrl: string, options: Lib.ApplicationOptions): Promise<Lib.Application> {
  const dir = mkdtempSync(join(tmpdir(), "handlerkit-bench-routes-"));
  try {
    const source = `import { RequestHandler } from ${JSON.stringify(libUrl)};\nexport default class extends RequestHandler {\n  get(params) {\n    return { id: params.id };\n  }\n}\n`;
    for (let i = 0; i < ROUTE_COUNT; i++) {
      mkdirSync(join(dir, `r${i}`, "[id]"), { recursive: true });
      writeFileSync(join(dir, `r${i}`, "[id]", "handlers.mjs"), source);
    }
    return await lib.Application.fromRoutes(dir, options);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The peer for one handlerkit build, under `name`; `libUrl`, the build's
 * `index.js` as a URL, is what generated route modules import (the
 * `routes-folder` scenario, offered by builds that have `fromRoutes`).
 *
 * @example
 * export const peer = handlerkitPeer(await import("../../lib/index.js"), "handlerkit", new URL("../../lib/index.js", import.meta.url).href);
 */
export function handlerkitPeer(lib: HandlerkitLib, name: string, libUrl?: string): Peer {
  const { Application, RequestHandler, Route } = lib;

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

  /** Answers with every parameter of its route (`mixed-rest`). */
  class ParamsHandler extends RequestHandler {
    get(params: Record<string, string>) {
      return params;
    }
  }

  class EchoHandler extends RequestHandler {
    async post() {
      return await this.request.json();
    }
  }

  function routes(scenario: ServerScenario): Lib.RouteLike[] {
    switch (scenario) {
      case "hello":
      case "middleware5":
        return [["/", HelloHandler]];
      case "param":
        return [["/products/:id", ProductHandler]];
      case "routes1000":
      case "prefixed1000": {
        const prefix = routePrefix(scenario);
        return Array.from({ length: ROUTE_COUNT }, (_, i) => new Route(`${prefix}/r${i}/:id`, ProductHandler));
      }
      case "regex1000":
        return Array.from({ length: ROUTE_COUNT }, (_, i) => [new RegExp(`^/r${i}/([^/]+)$`), PositionalProductHandler] as const);
      case "mixed-rest":
        // Constrained routes as RegExps (their groups arrive positionally; none is measured).
        return REST_TABLE.map((r) => (r.choices === undefined ? new Route(r.path, ParamsHandler) : ([restRegExp(r, false), PositionalProductHandler] as const)));
      case "json-post":
        return [["/echo", EchoHandler]];
      case "routes-folder":
        throw new Error("routes-folder is loaded from a folder: see routesFolderApp().");
    }
  }

  const scenarios: ServerScenario[] = ["hello", "param", "routes1000", "prefixed1000", "regex1000", "mixed-rest", "json-post"];
  // An earlier revision may have no routes folders.
  if (libUrl !== undefined && typeof (Application as { fromRoutes?: unknown }).fromRoutes === "function") scenarios.push("routes-folder");
  // Nor middleware.
  if (typeof (Application.prototype as { use?: unknown }).use === "function") scenarios.push("middleware5");

  return {
    name,
    scenarios,
    async serve(scenario: ServerScenario, options: ServeOptions): Promise<Server> {
      const appOptions = { keepAliveTimeout: options.keepAliveTimeout, context: options.context };
      const app = scenario === "routes-folder" ? await routesFolderApp(lib, libUrl!, appOptions) : new Application(routes(scenario), appOptions);
      if (scenario === "middleware5") for (let i = 0; i < MIDDLEWARE_COUNT; i++) app.use((_request, next) => next());
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
}
