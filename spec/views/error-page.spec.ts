import { describe, expect, it } from "vitest";
import { errorBody, errorFormat, escapeHtml, isJsonRoute } from "../../lib/views/error-page.js";
import { reasonPhrase } from "../../lib/http/errors.js";
import {
  Application,
  BadRequest,
  errorPage,
  HttpError,
  NotFound,
  Request,
  RequestHandler,
  Response,
  Route,
  ServiceUnavailable,
  type Logger,
} from "../../lib/index.js";

const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

// Every status the built-in page may answer: the registered subclasses plus one without a class.
const STATUSES = [400, 401, 403, 404, 405, 406, 408, 409, 410, 411, 412, 413, 414, 415, 416, 418, 422, 429, 431, 500, 501, 502, 503, 504];

function blank(accept?: string): Request {
  return Request.blank("/x", accept === undefined ? {} : { headers: { accept } });
}

// Log lines without the request id, which the server assigns (its own test is below).
function withoutId(message: string): string {
  return message.replace(/ \[[^\]]+\]:/, ":");
}

function recorder(): Logger & { lines: [string, unknown][] } {
  const lines: [string, unknown][] = [];
  return { lines, error: (message: string, error?: unknown) => void lines.push([message, error]) };
}

describe("errorFormat()", () => {
  it.each([
    [undefined, "text"],
    ["*/*", "text"],
    [BROWSER, "html"],
    ["application/json", "json"],
    ["application/vnd.api+json", "json"],
    ["application/problem+json, text/html", "json"],
    ["text/html, application/json;q=0.9", "html"],
    ["text/html;q=0.5, application/json", "json"],
    ["text/plain", "text"],
    ["text/plain, text/html;q=0.5", "text"],
    ["text/html, text/plain", "html"],
    ["application/json;q=0", "text"],
    ["image/png", "text"],
  ])("Accept %j → %s", (accept, format) => {
    expect(errorFormat(blank(accept))).toBe(format);
  });
});

describe("escapeHtml()", () => {
  it("escapes the five HTML-significant characters", () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe("&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;&#38;&#60;/a&#62;");
  });
});

describe("errorPage(): every built-in status in each format", () => {
  it.each(STATUSES)("%i as HTML, JSON and text", async (status) => {
    const phrase = reasonPhrase(status);
    const error = new HttpError(status);

    const html = await errorPage(blank(BROWSER), error, false);
    expect(html.status).toBe(status);
    expect(html.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(html.headers.get("x-content-type-options")).toBe("nosniff");
    expect(html.headers.get("content-security-policy")).toBe(CSP);
    const page = await html.text();
    expect(page).toContain(`<title>${escapeHtml(`${status} ${phrase}`)}</title>`);
    expect(page).toContain(`<h1>${escapeHtml(`${status} ${phrase}`)}</h1>`);
    expect(page).not.toContain("<p>");
    expect(page).not.toContain("<script");

    const json = await errorPage(blank("application/json"), error, false);
    expect(json.status).toBe(status);
    expect(json.headers.get("content-type")).toBe("application/json");
    expect(await json.text()).toBe(JSON.stringify({ error: status, message: phrase }));

    const text = await errorPage(blank(), error, false);
    expect(text.status).toBe(status);
    expect(text.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await text.text()).toBe(`${status} ${phrase}\n`);
  });
});

describe("errorPage(): messages", () => {
  it("shows a 4xx message in every mode and format, escaped in HTML", async () => {
    const error = new NotFound("No user <script>alert(1)</script>");
    for (const debug of [false, true]) {
      const html = await (await errorPage(blank(BROWSER), error, debug)).text();
      expect(html).toContain("<p>No user &#60;script&#62;alert(1)&#60;/script&#62;</p>");
      expect(html).not.toContain("<script>");
      expect(await (await errorPage(blank("application/json"), error, debug)).json()).toEqual({
        error: 404,
        message: "No user <script>alert(1)</script>",
      });
      expect(await (await errorPage(blank(), error, debug)).text()).toBe("404 Not Found\nNo user <script>alert(1)</script>\n");
    }
  });

  it("adds detail to JSON bodies of exposed errors", async () => {
    const error = new BadRequest("Invalid user", { detail: { name: ["required"], age: ["must be a number"] } });
    expect(await (await errorPage(blank("application/json"), error, false)).json()).toEqual({
      error: 400,
      message: "Invalid user",
      detail: { name: ["required"], age: ["must be a number"] },
    });
  });

  it("hides a 5xx message and detail outside debug, whatever the format", async () => {
    const error = new HttpError(500, { message: "password=hunter2", detail: { dsn: "postgres://u:hunter2@db" } });
    expect(await (await errorPage(blank("application/json"), error, false)).json()).toEqual({ error: 500, message: "Internal Server Error" });
    expect(await (await errorPage(blank(), error, false)).text()).toBe("500 Internal Server Error\n");
    const html = await (await errorPage(blank(BROWSER), error, false)).text();
    expect(html).not.toContain("hunter2");
    expect(html).toContain("<h1>500 Internal Server Error</h1>");
    const thrown = await (await errorPage(blank("application/json"), new TypeError("x is undefined"), false)).json();
    expect(thrown).toEqual({ error: 500, message: "Internal Server Error" });
  });

  it("shows a 5xx message written for the client (expose: true)", async () => {
    const error = new ServiceUnavailable("Back at 3 pm", { expose: true, headers: { "Retry-After": "3600" } });
    const res = await errorPage(blank("application/json"), error, false);
    expect(res.headers.get("retry-after")).toBe("3600");
    expect(await res.json()).toEqual({ error: 503, message: "Back at 3 pm" });
  });

  it("sends the error's headers (Allow, WWW-Authenticate, Retry-After)", async () => {
    const error = new HttpError(401, { headers: { "WWW-Authenticate": 'Basic realm="x"', "Retry-After": "5", Allow: "GET" } });
    const res = await errorPage(blank(), error, false);
    expect(res.headers.get("www-authenticate")).toBe('Basic realm="x"');
    expect(res.headers.get("retry-after")).toBe("5");
    expect(res.headers.get("allow")).toBe("GET");
  });

  it("never throws: an invalid header is left out", async () => {
    const error = new HttpError(400, { headers: { "x-bad": "a\r\nSet-Cookie: x=1", "x-good": "1" } });
    const res = await errorPage(blank(), error, false);
    expect(res.headers.has("x-bad")).toBe(false);
    expect(res.headers.has("set-cookie")).toBe(false);
    expect(res.headers.get("x-good")).toBe("1");
    expect(await res.text()).toBe("400 Bad Request\n");
  });

  it("encodes JSON bodies with the app's json options, and falls back when they fail", async () => {
    const app = new Application([], { json: { indent: 2, contentType: "application/problem+json" } });
    const res = await app.getResponse("/missing", { headers: { accept: "application/json" } });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await res.text()).toBe('{\n  "error": 404,\n  "message": "Not Found"\n}');
    const broken = new Application([], { json: { stringify: () => { throw new Error("encoder down"); } } });
    const fallback = await broken.getResponse("/missing", { headers: { accept: "application/json" } });
    expect(fallback.status).toBe(404);
    expect(await fallback.text()).toBe('{"error":404,"message":"Not Found"}');
  });

  it("errorBody() says what a JSON body holds", () => {
    expect(errorBody(new NotFound("gone"), false)).toEqual({ error: 404, message: "gone" });
    expect(errorBody(new Error("x"), false)).toEqual({ error: 500, message: "Internal Server Error" });
    expect(errorBody(new Error("x"), false, "An error occurred")).toEqual({ error: 500, message: "An error occurred" });
    const debug = errorBody(new Error("x"), true);
    expect(debug.message).toBe("Error: x");
    expect(debug.stack).toMatch(/^Error: x\n {4}at /);
    expect(errorBody("plain string", true).message).toBe("plain string");
  });
});

describe("JSON routes (route option json: true)", () => {
  class Api extends RequestHandler {
    get(params: { id: string }) {
      if (params.id === "0") this.abort(404, { message: "No such item" });
      return { id: params.id };
    }
  }
  const app = new Application([
    new Route("/api/items/:id", Api, { json: true, methods: ["GET"] }),
    new Route("/pages/:id", Api, { methods: ["GET"] }),
  ]);

  it("answers a handler's 404 as JSON even to a browser", async () => {
    const res = await app.getResponse("/api/items/0", { headers: { accept: BROWSER } });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toEqual({ error: 404, message: "No such item" });
  });

  it("answers the matcher's 405 as JSON, with Allow", async () => {
    const res = await app.getResponse("/api/items/1", { method: "DELETE", headers: { accept: BROWSER } });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    expect(await res.json()).toEqual({ error: 405, message: "Method Not Allowed" });
    expect(isJsonRoute(Object.assign(Request.blank("/api/items/1"), { app }))).toBe(true);
  });

  it("leaves other routes to content negotiation", async () => {
    const res = await app.getResponse("/pages/0", { headers: { accept: BROWSER } });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const notFound = await app.getResponse("/nowhere", { headers: { accept: BROWSER } });
    expect(notFound.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const put = await app.getResponse("/pages/1", { method: "PUT" });
    expect(put.status).toBe(405);
    expect(await put.text()).toBe("405 Method Not Allowed\n");
  });
});

describe("Application error handling order", () => {
  it("lets handleException answer first, then errorHandlers[status], then the built-in page", async () => {
    const calls: string[] = [];
    class Recovering extends RequestHandler {
      get(params: { mode: string }) {
        throw new NotFound(`missing ${params.mode}`);
      }
      override handleException(error: unknown, debug: boolean): unknown {
        calls.push(`handleException debug=${debug}`);
        if (this.request.routeKwargs.mode === "recover") return ["recovered", 200];
        throw error;
      }
    }
    const app = new Application([["/r/:mode", Recovering]], { debug: true });
    app.errorHandlers[404] = (request, response, error) => {
      calls.push("errorHandlers[404]");
      if (request.routeKwargs.mode === "view") return `<p>custom: ${escapeHtml((error as Error).message)}</p>`;
      return undefined;
    };
    const recovered = await app.getResponse("/r/recover");
    expect(recovered.status).toBe(200);
    expect(await recovered.text()).toBe("recovered");
    expect(calls).toEqual(["handleException debug=true"]);

    calls.length = 0;
    const viewed = await app.getResponse("/r/view");
    expect(viewed.status).toBe(404);
    expect(viewed.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await viewed.text()).toBe("<p>custom: missing view</p>");
    expect(calls).toEqual(["handleException debug=true", "errorHandlers[404]"]);

    // A view that returns nothing answers with the fresh response it got: the status, no body.
    calls.length = 0;
    const empty = await app.getResponse("/r/other");
    expect(empty.status).toBe(404);
    expect(await empty.text()).toBe("");
  });

  it("gives the view a response with the error's status and headers, and converts what it returns", async () => {
    const app = new Application();
    app.route("/gone")(() => {
      throw new HttpError(410, { headers: { "x-why": "moved" } });
    });
    app.errorHandlers[410] = (_request, response) => {
      expect(response.status).toBe(410);
      expect(response.headers.get("x-why")).toBe("moved");
      return { gone: true };
    };
    const res = await app.getResponse("/gone");
    expect(res.status).toBe(410);
    expect(res.headers.get("x-why")).toBe("moved");
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toEqual({ gone: true });
  });

  it.each([400, 403, 404, 500])("errorHandlers[%i] answers its status", async (status) => {
    const app = new Application();
    app.route("/e")(() => {
      if (status === 500) throw new Error("boom");
      throw new HttpError(status);
    });
    app.errorHandlers[status] = (_request, response) => new Response(`custom ${response.status}`, status, { "content-type": "text/plain" });
    const logger = recorder();
    app.logger = logger;
    const res = await app.getResponse("/e");
    expect(res.status).toBe(status);
    expect(await res.text()).toBe(`custom ${status}`);
    expect(logger.lines.length).toBe(status === 500 ? 1 : 0);
  });

  it("falls back to the built-in page when an error view throws, and logs both", async () => {
    const app = new Application();
    const logger = recorder();
    app.logger = logger;
    app.route("/nope")(() => {
      throw new NotFound("nothing here");
    });
    app.route("/boom")(() => {
      throw new Error("first");
    });
    app.errorHandlers[404] = () => {
      throw new Error("the 404 view is broken");
    };
    app.errorHandlers[500] = async () => {
      throw new Error("the 500 view is broken too");
    };
    const notFound = await app.getResponse("/nope", { headers: { accept: "application/json" } });
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toEqual({ error: 404, message: "nothing here" });
    const boom = await app.getResponse("/boom", { headers: { accept: "application/json" } });
    expect(boom.status).toBe(500);
    expect(await boom.json()).toEqual({ error: 500, message: "Internal Server Error" });
    expect(logger.lines.map(([message]) => withoutId(message))).toEqual([
      "GET /nope: error view for 404 failed",
      "GET /boom: uncaught error",
      "GET /boom: error view for 500 failed",
    ]);
    expect((logger.lines[1]![1] as Error).message).toBe("first");
  });

  it("falls back when an error view returns what cannot be encoded", async () => {
    const app = new Application();
    app.logger = recorder();
    app.route("/nope")(() => {
      throw new NotFound();
    });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    app.errorHandlers[404] = () => cyclic;
    const res = await app.getResponse("/nope");
    expect(res.status).toBe(404);
    expect(await res.text()).toBe("404 Not Found\n");
  });

  it("answers HEAD errors without a body", async () => {
    const app = new Application();
    const res = await app.getResponse("/missing", { method: "HEAD", headers: { accept: BROWSER } });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(Number(res.headers.get("content-length"))).toBeGreaterThan(0);
    expect(await res.text()).toBe("");
  });
});

describe("Application error logging", () => {
  it("logs an uncaught error once, with method and path, and no 4xx", async () => {
    const app = new Application();
    const logger = recorder();
    app.logger = logger;
    const failure = new Error("db down");
    app.route("/boom")(() => {
      throw failure;
    });
    app.route("/bad")(() => {
      throw new BadRequest("bad input");
    });
    await app.getResponse("/boom?x=1", { method: "POST" });
    await app.getResponse("/bad");
    await app.getResponse("/missing");
    expect(logger.lines.map(([message, error]) => [withoutId(message), error])).toEqual([["POST /boom: uncaught error", failure]]);
  });

  it("adds the request id when the request has one", async () => {
    const app = new Application();
    const logger = recorder();
    app.logger = logger;
    app.route("/boom")(() => {
      throw new Error("x");
    });
    const request = Request.blank("/boom");
    Object.defineProperty(request, "id", { value: "req-42" });
    await app.getResponse(request);
    expect(logger.lines.map(([message]) => message)).toEqual(["GET /boom [req-42]: uncaught error"]);
  });

  it("survives a logger that throws", async () => {
    const app = new Application([], {
      logger: {
        error() {
          throw new Error("logger down");
        },
      },
    });
    app.route("/boom")(() => {
      throw new Error("x");
    });
    const res = await app.getResponse("/boom");
    expect(res.status).toBe(500);
    expect(await res.text()).toBe("500 Internal Server Error\n");
  });
});
