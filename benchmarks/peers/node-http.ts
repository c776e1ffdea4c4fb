/**
 * Raw `node:http`: the least code that answers each scenario, the physical
 * limit every framework is measured against. `routes1000` and
 * `prefixed1000` look the distinguishing segment up in a Set. `regex1000` is
 * a naive linear scan over 1,000 RegExps, what a first-match regex router
 * costs untuned; `mixed-rest` is what hand-written code does with a table
 * of a few hundred routes: its statics in a Map by exact path, the rest a
 * linear scan over one RegExp per route. `middleware5` runs the hello
 * answer behind 5 no-op middleware composed by koa-compose (Koa's own).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import compose from "koa-compose";
import { paramNames, REST_TABLE, restRegExp } from "../rest-table.js";
import { MIDDLEWARE_COUNT, ROUTE_COUNT, routePrefix, type Peer, type ServeOptions, type ServerScenario } from "../scenarios.js";

const HELLO = "Hello, world!";

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function notFound(res: ServerResponse): void {
  send(res, 404, "text/plain; charset=utf-8", "Not Found");
}

function sendId(res: ServerResponse, id: string): void {
  send(res, 200, "application/json", JSON.stringify({ id }));
}

function listener(scenario: ServerScenario): (req: IncomingMessage, res: ServerResponse) => void {
  switch (scenario) {
    case "hello":
      return (req, res) => (req.url === "/" ? send(res, 200, "text/plain; charset=utf-8", HELLO) : notFound(res));
    case "middleware5": {
      // koa-compose, Koa's own, with the no-ops in front of the hello answer.
      type Context = { req: IncomingMessage; res: ServerResponse };
      const noops = Array.from({ length: MIDDLEWARE_COUNT }, () => (_ctx: Context, next: () => Promise<unknown>) => next());
      const run = compose<Context>([...noops, (ctx) => (ctx.req.url === "/" ? send(ctx.res, 200, "text/plain; charset=utf-8", HELLO) : notFound(ctx.res))]);
      return (req, res) => void run({ req, res });
    }
    case "param":
      return (req, res) => {
        const url = req.url!;
        if (url.startsWith("/products/") && url.indexOf("/", 10) === -1) sendId(res, decodeURIComponent(url.slice(10)));
        else notFound(res);
      };
    case "routes1000":
    case "routes-folder":
    case "prefixed1000": {
      const prefix = routePrefix(scenario === "routes-folder" ? "routes1000" : scenario);
      const names = new Set(Array.from({ length: ROUTE_COUNT }, (_, i) => `r${i}`));
      const start = prefix.length + 1;
      return (req, res) => {
        const url = req.url!;
        const slash = url.indexOf("/", start);
        if (url.startsWith(`${prefix}/`) && slash !== -1 && names.has(url.slice(start, slash)) && url.indexOf("/", slash + 1) === -1 && slash + 1 < url.length) {
          sendId(res, decodeURIComponent(url.slice(slash + 1)));
        } else notFound(res);
      };
    }
    case "regex1000": {
      const patterns = Array.from({ length: ROUTE_COUNT }, (_, i) => new RegExp(`^/r${i}/([^/]+)$`));
      return (req, res) => {
        const url = req.url!;
        for (const re of patterns) {
          const m = re.exec(url);
          if (m !== null) return sendId(res, decodeURIComponent(m[1]!));
        }
        notFound(res);
      };
    }
    case "mixed-rest": {
      const statics = new Map(REST_TABLE.filter((r) => paramNames(r).length === 0).map((r) => [r.path, JSON.stringify({ path: r.path })]));
      const dynamic = REST_TABLE.filter((r) => paramNames(r).length > 0).map((r) => restRegExp(r, true));
      return (req, res) => {
        const url = req.url!;
        const body = statics.get(url);
        if (body !== undefined) return send(res, 200, "application/json", body);
        for (const re of dynamic) {
          const groups = re.exec(url)?.groups;
          if (groups === undefined) continue;
          const params: Record<string, string> = {};
          for (const name in groups) params[name] = decodeURIComponent(groups[name]!);
          return send(res, 200, "application/json", JSON.stringify(params));
        }
        notFound(res);
      };
    }
    case "json-post":
      return (req, res) => {
        if (req.method !== "POST" || req.url !== "/echo") return notFound(res);
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => {
          try {
            send(res, 200, "application/json", JSON.stringify(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
          } catch {
            send(res, 400, "text/plain; charset=utf-8", "Bad Request");
          }
        });
      };
  }
}

export const peer: Peer = {
  name: "node:http",
  scenarios: ["hello", "param", "routes1000", "prefixed1000", "regex1000", "mixed-rest", "json-post", "routes-folder", "middleware5"],
  serve(scenario: ServerScenario, options: ServeOptions): Promise<Server> {
    const server = createServer(listener(scenario));
    if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
    return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
  },
};
