/**
 * Issues 6 and 14: the fast paths keep every default feature. Over real
 * sockets, with the benchmark's shapes (a synchronous class handler, 1,000
 * template and RegExp routes, 1,000 under a shared prefix): 405 with Allow,
 * HEAD, 404, 501, handleException for synchronous and asynchronous failures,
 * first-match-wins, and getRequest(). Twice: in an application with an
 * async handler (every request in AsyncLocalStorage) and in one whose
 * handlers are all synchronous (the request current for the synchronous
 * call only).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Application, getRequest, RequestHandler, Route, type Request } from "../../lib/index.js";
import { requestContext } from "../../lib/core/context.js";
import { fetchResult } from "../support/socket-client.js";

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

class PositionalHandler extends RequestHandler {
  get(id: string) {
    return { id, regex: true };
  }
}

/** Fails synchronously; handleException answers. */
class RescuedHandler extends RequestHandler {
  get() {
    throw new Error("sync failure");
  }
  override handleException(error: unknown): unknown {
    return [`rescued: ${(error as Error).message}`, 409];
  }
}

/** Fails asynchronously too, and rescues with a promise. */
class AsyncRescuedHandler extends RescuedHandler {
  async post() {
    await Promise.resolve();
    throw new Error("async failure");
  }
  override handleException(error: unknown): unknown {
    return Promise.resolve(super.handleException(error));
  }
}

class FailingHandler extends RequestHandler {
  get() {
    throw new Error("not rescued");
  }
}

const logged: unknown[] = [];
const logger = { error: (...args: unknown[]) => logged.push(args) };

function table(rescued: typeof RescuedHandler): Route[] {
  return [
    new Route("/", HelloHandler),
    new Route("/rescued", rescued),
    new Route("/failing", FailingHandler),
    new Route("/whoami", (request: Request) => ({ current: getRequest() === request, stored: requestContext.getStore() === request })),
    // The catch-all is not indexable: it is tried for every path, in its place.
    new Route("/:section/special", () => "special", { methods: ["POST"] }),
    ...Array.from({ length: 1000 }, (_, i) => new Route(`/r${i}/:id`, ProductHandler, { methods: ["GET"] })),
    ...Array.from({ length: 1000 }, (_, i) => new Route(new RegExp(`^/x${i}/([^/]+)$`), PositionalHandler)),
    ...Array.from({ length: 1000 }, (_, i) => new Route(`/api/v1/r${i}/:id`, ProductHandler)),
    // Shadowed for GET by /r999/:id above; reached by the methods that one refuses.
    new Route("/r999/:id", () => "never"),
  ];
}

const apps = {
  "with an async handler": new Application(table(AsyncRescuedHandler), { logger }),
  "with synchronous handlers only": new Application(table(RescuedHandler), { logger }),
};
const bases: Record<string, string> = {};

beforeAll(async () => {
  for (const [name, app] of Object.entries(apps)) {
    await app.listen(0, "127.0.0.1");
    bases[name] = `http://127.0.0.1:${app.address!.port}`;
  }
});

afterAll(async () => {
  for (const app of Object.values(apps)) await app.close();
});

describe.each(Object.keys(apps))("the hot path keeps the defaults, %s", (name) => {
  const fetchText = (path: string, method = "GET") => fetchResult(bases[name] + path, { method: method as "GET" });
  const synchronous = name === "with synchronous handlers only";

  it("answers hello from a synchronous class handler", async () => {
    const res = await fetchText("/");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(res.headers["content-length"]).toBe("13");
    expect(res.body).toBe("Hello, world!");
  });

  it("answers HEAD with the GET headers and no body", async () => {
    const res = await fetchText("/r999/7", "HEAD");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(res.headers["content-length"]).toBe(String(JSON.stringify({ id: "7" }).length));
    expect(res.body).toBe("");
  });

  it("routes the last of 1,000 template and RegExp routes, and the first match wins", async () => {
    expect(await fetchText("/r999/12345")).toMatchObject({ status: 200, body: '{"id":"12345"}' });
    expect(await fetchText("/r0/a%20b")).toMatchObject({ status: 200, body: '{"id":"a b"}' });
    expect(await fetchText("/x999/12345")).toMatchObject({ status: 200, body: '{"id":"12345","regex":true}' });
  });

  it("answers 405 with Allow from the route table, and 404 for no match", async () => {
    const wrongMethod = await fetchText("/r998/1", "DELETE");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe("GET, HEAD, OPTIONS");
    // /r999/:id refuses DELETE, so the next route in order that matches answers.
    expect(await fetchText("/r999/1", "DELETE")).toMatchObject({ status: 200, body: "never" });
    // Both the catch-all (POST) and /r5/:id (GET) match the path.
    const both = await fetchText("/r5/special", "PUT");
    expect(both.status).toBe(405);
    expect(both.headers.allow).toBe("GET, HEAD, OPTIONS, POST");
    expect(await fetchText("/r5/special", "POST")).toMatchObject({ status: 200, body: "special" });
    expect((await fetchText("/r1000/1")).status).toBe(404);
    expect((await fetchText("/nowhere")).status).toBe(404);
  });

  it("answers 405 with Allow for a verb the class does not implement", async () => {
    const res = await fetchText("/", "PUT");
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("GET, HEAD, OPTIONS");
  });

  it("answers 501 for a method outside allowedMethods, before routing", async () => {
    expect((await fetchText("/", "PROPFIND")).status).toBe(501);
  });

  it("hands synchronous and asynchronous failures to handleException", async () => {
    expect(await fetchText("/rescued")).toMatchObject({ status: 409, body: "rescued: sync failure" });
    if (!synchronous) expect(await fetchText("/rescued", "POST")).toMatchObject({ status: 409, body: "rescued: async failure" });
  });

  it("routes the last of 1,000 routes under a shared prefix", async () => {
    expect(await fetchText("/api/v1/r999/12345")).toMatchObject({ status: 200, body: '{"id":"12345"}' });
    expect(await fetchText("/api/v1/r0/7")).toMatchObject({ status: 200, body: '{"id":"7"}' });
    expect((await fetchText("/api/v1/r1000/7")).status).toBe(404);
  });

  it("gives getRequest() the request, from AsyncLocalStorage only when a handler may go asynchronous", async () => {
    expect(JSON.parse((await fetchText("/whoami")).body)).toEqual({ current: true, stored: !synchronous });
  });

  it("answers an unrescued synchronous failure with a 500 and logs it, the server still up", async () => {
    logged.length = 0;
    const res = await fetchText("/failing");
    expect(res.status).toBe(500);
    expect(res.body).not.toContain("not rescued");
    expect(logged).toHaveLength(1);
    expect((await fetchText("/")).status).toBe(200);
  });
});
