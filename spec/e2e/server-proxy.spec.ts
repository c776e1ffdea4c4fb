/**
 * Behind a load balancer: two instances of the same app (two
 * "machines") behind a small round-robin proxy that adds the X-Forwarded-*
 * and X-Request-Id headers, as docs/deployment.md's nginx example does.
 * With trustProxy, both answer exactly alike; neither needs the other's
 * memory.
 */
import { createServer, request as forward, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { Application, type Request } from "../../lib/index.js";

function makeInstance(name: string): Application {
  const app = new Application([], { trustProxy: true, logger: { error() {}, info() {} } });
  app.route("/whoami", { name: "whoami" })((request: Request) => ({
    instance: name,
    url: request.url,
    scheme: request.scheme,
    host: request.host,
    ip: request.ip,
    id: request.id,
    self: request.app.router.build(request, "whoami", {}, { full: true }),
  }));
  app.route("/healthz")(() => 204);
  return app;
}

const instances = [makeInstance("a"), makeInstance("b")];
let proxy: Server;
let origin = "";
let next = 0;
let edgeIds = 0;

beforeAll(async () => {
  for (const app of instances) await app.listen(0, "127.0.0.1");
  proxy = createServer((req, res) => {
    const target = instances[next++ % instances.length]!;
    const forwardedFor = req.headers["x-forwarded-for"] ? `${req.headers["x-forwarded-for"]}, ${req.socket.remoteAddress}` : req.socket.remoteAddress!;
    const upstream = forward(
      {
        host: "127.0.0.1",
        port: target.address!.port,
        method: req.method,
        path: req.url,
        headers: {
          ...req.headers,
          "x-forwarded-for": forwardedFor,
          "x-forwarded-proto": "https",
          "x-forwarded-host": "shop.example.com",
          "x-request-id": `edge-${++edgeIds}`,
        },
      },
      (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => proxy.close(resolve));
  proxy.closeAllConnections();
  for (const app of instances) await app.close({ timeout: 100 });
});

describe("two instances behind a proxy, with trustProxy", () => {
  it("answer alike: the URL, scheme, host, client ip and request id come from the proxy's headers", async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) {
      const res = await request(`${origin}/whoami?page=2`, { headers: { "x-forwarded-for": "6.6.6.6" } });
      expect(res.statusCode).toBe(200);
      answers.push(await res.body.json());
    }
    expect(answers.map((a: any) => a.instance)).toEqual(["a", "b", "a", "b"]);
    answers.forEach((answer: any, i) => {
      expect(answer).toEqual({
        instance: i % 2 === 0 ? "a" : "b",
        url: "https://shop.example.com/whoami?page=2",
        scheme: "https",
        host: "shop.example.com",
        // The client's forged 6.6.6.6 is ignored: the last entry is what the proxy saw.
        ip: "127.0.0.1",
        id: `edge-${i + 1}`,
        self: "https://shop.example.com/whoami",
      });
    });
  });

  it("serve the health-check route from every instance", async () => {
    const statuses = [];
    for (let i = 0; i < 2; i++) {
      const res = await request(`${origin}/healthz`);
      await res.body.text();
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([204, 204]);
  });
});
