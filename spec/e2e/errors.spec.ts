/**
 * Errors over real sockets: the built-in error bodies in each
 * format, custom error views (one that throws included), JSON routes and
 * JSON views, logging with the request id, debug off, and an error after
 * the head was sent.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Agent, request } from "undici";
import {
  Application,
  BadRequest,
  HttpError,
  JsonHandler,
  jsonView,
  NotFound,
  RequestHandler,
  Response,
  Route,
  type Logger,
} from "../../lib/index.js";

const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

let app: Application | undefined;
let agent: Agent | undefined;
afterEach(async () => {
  await app?.close({ timeout: 100 });
  await agent?.destroy();
  app = undefined;
  agent = undefined;
});

function recorder(): Logger & { lines: [string, unknown][] } {
  const lines: [string, unknown][] = [];
  return { lines, error: (message: string, error?: unknown) => void lines.push([message, error]), info() {} };
}

class Items extends RequestHandler {
  get(params: { id: string }) {
    if (params.id === "0") this.abort(404, { message: "No item <0>" });
    return { id: params.id };
  }
}

class Accounts extends JsonHandler {
  get(params: { id: string }) {
    if (params.id === "bad") throw new BadRequest("Invalid id", { detail: { id: ["must be a number"] } });
    if (params.id === "boom") throw new Error("ledger corrupted at 0xdead");
    return { id: Number(params.id) };
  }
}

async function start(debug = false) {
  const logger = recorder();
  app = new Application(
    [
      new Route("/items/:id", Items, { methods: ["GET"] }),
      new Route("/api/items/:id", Items, { methods: ["GET"], json: true }),
      ["/accounts/:id", Accounts],
    ],
    { debug, logger, trustProxy: true },
  );
  app.route("/boom")(() => {
    throw new Error("database password is hunter2");
  });
  app.route("/teapot")(() => {
    throw new HttpError(418, { headers: { "x-brew": "no" } });
  });
  app.route("/view-throws")(() => {
    throw new HttpError(409, { message: "Conflict on purpose" });
  });
  app.route("/api/json-view")(
    jsonView(() => {
      throw new Error("view secret");
    }),
  );
  app.route("/stream-fails")(
    () =>
      new Response(
        (async function* () {
          yield "first chunk\n";
          await new Promise((resolve) => setTimeout(resolve, 20));
          throw new Error("the stream broke after the head was sent");
        })(),
        200,
        { "content-type": "text/plain" },
      ),
  );
  app.errorHandlers[409] = () => {
    throw new Error("the 409 view is broken");
  };
  app.errorHandlers[418] = (_request, response) => {
    response.headers.set("x-view", "teapot");
    return `<h1>I am a teapot (${response.headers.get("x-brew")})</h1>`;
  };
  await app.listen(0, "127.0.0.1");
  agent = new Agent();
  return { logger, base: `http://127.0.0.1:${app.address!.port}` };
}

async function get(url: string, headers: Record<string, string> = {}, method = "GET") {
  const res = await request(url, { method: method as "GET", headers, dispatcher: agent });
  return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
}

describe("built-in error bodies over a socket", () => {
  it("answers a 404 in HTML, JSON and text, with exact headers", async () => {
    const { base } = await start();
    const html = await get(`${base}/nowhere`, { accept: BROWSER });
    expect(html.status).toBe(404);
    expect(html.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(html.headers["x-content-type-options"]).toBe("nosniff");
    expect(html.headers["content-length"]).toBe(String(Buffer.byteLength(html.body)));
    expect(html.body).toContain("<h1>404 Not Found</h1>");
    expect(html.body).not.toContain("/nowhere");

    const json = await get(`${base}/nowhere`, { accept: "application/json" });
    expect(json.status).toBe(404);
    expect(json.headers["content-type"]).toBe("application/json");
    expect(json.body).toBe('{"error":404,"message":"Not Found"}');

    const text = await get(`${base}/nowhere`);
    expect(text.status).toBe(404);
    expect(text.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(text.body).toBe("404 Not Found\n");
  });

  it("shows a 4xx message escaped, and never the 500's", async () => {
    const { base, logger } = await start();
    const item = await get(`${base}/items/0`, { accept: BROWSER });
    expect(item.status).toBe(404);
    expect(item.body).toContain("<p>No item &#60;0&#62;</p>");
    for (const accept of [BROWSER, "application/json", "*/*"]) {
      const boom = await get(`${base}/boom`, { accept });
      expect(boom.status).toBe(500);
      expect(boom.body).not.toContain("hunter2");
      expect(boom.body).not.toContain(" at ");
    }
    expect((await get(`${base}/boom`, { accept: "application/json" })).body).toBe('{"error":500,"message":"Internal Server Error"}');
    expect((await get(`${base}/boom`)).body).toBe("500 Internal Server Error\n");
    expect(logger.lines.length).toBe(5);
  });
});

describe("JSON routes and JSON views over a socket", () => {
  it("answers a JSON route's 404 and 405 as JSON to a browser", async () => {
    const { base } = await start();
    const missing = await get(`${base}/api/items/0`, { accept: BROWSER });
    expect(missing.status).toBe(404);
    expect(missing.headers["content-type"]).toBe("application/json");
    expect(missing.body).toBe('{"error":404,"message":"No item <0>"}');
    const method = await get(`${base}/api/items/1`, { accept: BROWSER }, "DELETE");
    expect(method.status).toBe(405);
    expect(method.headers.allow).toBe("GET, HEAD, OPTIONS");
    expect(method.body).toBe('{"error":405,"message":"Method Not Allowed"}');
    const html = await get(`${base}/items/1`, { accept: BROWSER }, "DELETE");
    expect(html.status).toBe(405);
    expect(html.headers["content-type"]).toBe("text/html; charset=utf-8");
  });

  it("answers JsonHandler and jsonView errors as JSON, 500s hidden", async () => {
    const { base } = await start();
    expect(await get(`${base}/accounts/7`, { accept: BROWSER })).toMatchObject({ status: 200, body: '{"id":7}' });
    expect(await get(`${base}/accounts/bad`, { accept: BROWSER })).toMatchObject({
      status: 400,
      body: '{"error":400,"message":"Invalid id","detail":{"id":["must be a number"]}}',
    });
    expect(await get(`${base}/accounts/boom`, { accept: BROWSER })).toMatchObject({
      status: 500,
      body: '{"error":500,"message":"An error occurred"}',
    });
    expect(await get(`${base}/accounts/1`, { accept: BROWSER }, "POST")).toMatchObject({
      status: 405,
      body: '{"error":405,"message":"Method Not Allowed"}',
    });
    expect(await get(`${base}/api/json-view`)).toMatchObject({ status: 500, body: '{"error":500,"message":"An error occurred"}' });
  });
});

describe("custom error views over a socket", () => {
  it("answers with the view's result, status and headers", async () => {
    const { base } = await start();
    const res = await get(`${base}/teapot`, { accept: BROWSER });
    expect(res.status).toBe(418);
    expect(res.headers["x-view"]).toBe("teapot");
    expect(res.headers["x-brew"]).toBe("no");
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.body).toBe("<h1>I am a teapot (no)</h1>");
  });

  it("falls back to the built-in page when the view throws, and keeps serving", async () => {
    const { base, logger } = await start();
    const res = await get(`${base}/view-throws`, { accept: "application/json", "x-request-id": "req-409" });
    expect(res.status).toBe(409);
    expect(res.body).toBe('{"error":409,"message":"Conflict on purpose"}');
    expect(logger.lines.map(([message]) => message)).toEqual(["GET /view-throws [req-409]: error view for 409 failed"]);
    expect((await get(`${base}/items/3`)).body).toBe('{"id":"3"}');
  });
});

describe("logging over a socket", () => {
  it("logs each uncaught error once, with method, path and request id", async () => {
    const { base, logger } = await start();
    await get(`${base}/boom?token=x`, { "x-request-id": "abc-123" }, "POST");
    await get(`${base}/items/0`, { "x-request-id": "not-logged" });
    expect(logger.lines.length).toBe(1);
    expect(logger.lines[0]![0]).toBe("POST /boom [abc-123]: uncaught error");
    expect((logger.lines[0]![1] as Error).message).toBe("database password is hunter2");
  });
});

describe("an error after the head was sent", () => {
  it("cuts the connection instead of writing a second head, and the server keeps serving", async () => {
    const { base } = await start();
    const res = await request(`${base}/stream-fails`, { dispatcher: agent });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/plain");
    await expect(res.body.text()).rejects.toThrow();
    const next = await get(`${base}/items/5`);
    expect(next).toMatchObject({ status: 200, body: '{"id":"5"}' });
  });
});
