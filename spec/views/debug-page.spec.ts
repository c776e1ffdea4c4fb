import { describe, expect, it } from "vitest";
import { causeChain, debugPage, errorChain, maskHeader, MASKED_HEADERS, parseStack } from "../../lib/views/debug-page.js";
import { Application, HttpError, NotFound, Request, RequestHandler, Route, type Logger } from "../../lib/index.js";

const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const quiet: Logger = { error() {} };

class Checkout extends RequestHandler {
  post(params: { cart: string }) {
    try {
      JSON.parse("{not json");
    } catch (error) {
      // The line below is what the debug page must quote from this file.
      throw new Error(`Checkout of cart ${params.cart} failed <script>alert("x")</script>`, { cause: error }); // MARKER-LINE
    }
  }
}

function makeApp(debug: boolean): Application {
  const app = new Application([new Route("/carts/:cart/checkout", Checkout, { name: "checkout", methods: ["POST"] })], {
    debug,
    logger: quiet,
  });
  app.route("/string")(() => {
    throw "a thrown string <b>";
  });
  app.route("/http500")(() => {
    throw new HttpError(500, { message: "db password is hunter2", detail: { host: "db.internal" } });
  });
  app.route("/missing")(() => {
    throw new NotFound("No such page");
  });
  return app;
}

const SECRET_HEADERS = {
  accept: BROWSER,
  authorization: "Bearer s3cr3t-token",
  cookie: "session=abc123secret; theme=dark",
  "x-api-key": "key-666",
  "x-trace": "visible-value",
};

describe("debug page (debug: true)", () => {
  const app = makeApp(true);

  it("shows the error, its cause, source lines of user frames, the request and the route", async () => {
    const res = await app.getResponse("/carts/42/checkout?step=pay", { method: "POST", headers: SECRET_HEADERS });
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    const page = await res.text();
    // The error, escaped.
    expect(page).toContain(
      `<h1>Error: Checkout of cart 42 failed &#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;</h1>`,
    );
    expect(page).not.toContain("<script>");
    // The cause chain.
    expect(page).toContain(`<h3 class="caused">Caused by</h3><h2><span class="name">SyntaxError</span>:`);
    // The stack, with this file's frame and the source line that threw, highlighted.
    expect(page).toContain("<code>Checkout.post</code>");
    expect(page).toMatch(/<span class="where">[^<]*spec\/views\/debug-page\.spec\.ts:\d+:\d+<\/span>/);
    expect(page).toMatch(/<span class="here"><b>\s*\d+<\/b>[^<]*MARKER-LINE<\/span>/);
    // The request, and the headers with credentials masked.
    expect(page).toContain("<tr><th>method</th><td>POST</td></tr>");
    expect(page).toContain("<tr><th>url</th><td>http://localhost/carts/42/checkout?step=pay</td></tr>");
    expect(page).toContain("<tr><th>authorization</th><td>Bearer ********</td></tr>");
    expect(page).toContain("<tr><th>cookie</th><td>session=********; theme=********</td></tr>");
    expect(page).toContain("<tr><th>x-api-key</th><td>********</td></tr>");
    expect(page).toContain("<tr><th>x-trace</th><td>visible-value</td></tr>");
    for (const secret of ["s3cr3t-token", "abc123secret", "dark", "key-666"]) expect(page).not.toContain(secret);
    // The matched route.
    expect(page).toContain("<tr><th>pattern</th><td>/carts/:cart/checkout</td></tr>");
    expect(page).toContain("<tr><th>handler</th><td>Checkout</td></tr>");
    expect(page).toContain("<tr><th>name</th><td>checkout</td></tr>");
    expect(page).toContain("<tr><th>methods</th><td>POST</td></tr>");
    expect(page).toContain("<tr><th>parameters</th><td>{&#34;cart&#34;:&#34;42&#34;}</td></tr>");
  });

  it("does not quote handlerkit's own files or Node's", async () => {
    const page = await (await app.getResponse("/carts/1/checkout", { method: "POST", headers: { accept: BROWSER } })).text();
    expect(page).toMatch(/<li class="lib"><code>[^<]*<\/code> <span class="where">[^<]*lib\/core\/router\.ts:\d+:\d+<\/span><\/li>/);
    expect(page).not.toContain("export class " + "Router");
  });

  it("shows the stack to JSON and text clients too", async () => {
    const json = await app.getResponse("/carts/7/checkout", { method: "POST", headers: { accept: "application/json" } });
    const body = (await json.json()) as { error: number; message: string; stack: string };
    expect(body.error).toBe(500);
    expect(body.message).toBe(`Error: Checkout of cart 7 failed <script>alert("x")</script>`);
    expect(body.stack).toMatch(/^Error: Checkout of cart 7 failed[^\n]*\n {4}at Checkout\.post /);
    expect(body.stack).toContain("\nCaused by: SyntaxError: ");
    const text = await (await app.getResponse("/carts/7/checkout", { method: "POST" })).text();
    expect(text).toMatch(/^500 Internal Server Error\nError: Checkout of cart 7 failed[^\n]*\n\nError: Checkout[^\n]*\n {4}at Checkout\.post /);
  });

  it("shows a 5xx HttpError's message, detail and stack", async () => {
    const body = (await (await app.getResponse("/http500", { headers: { accept: "application/json" } })).json()) as Record<string, unknown>;
    expect(body.message).toBe("db password is hunter2");
    expect(body.detail).toEqual({ host: "db.internal" });
    expect(body.stack).toMatch(/^HttpError: db password is hunter2\n {4}at /);
  });

  it("handles a thrown non-error", async () => {
    const page = await (await app.getResponse("/string", { headers: { accept: BROWSER } })).text();
    expect(page).toContain("<h1>a thrown string &#60;b&#62;</h1>");
    expect(page).toContain("<tr><th>pattern</th><td>/string</td></tr>");
  });

  it("keeps 4xx pages plain: their message, no stack", async () => {
    const res = await app.getResponse("/missing", { headers: { accept: BROWSER } });
    expect(res.status).toBe(404);
    const page = await res.text();
    expect(page).toContain("<p>No such page</p>");
    expect(page).not.toContain(" at ");
    expect(page).not.toContain("stack");
    expect(await (await app.getResponse("/missing", { headers: { accept: "application/json" } })).json()).toEqual({
      error: 404,
      message: "No such page",
    });
  });
});

describe("no debug page outside debug mode", () => {
  const app = makeApp(false);

  it.each([
    ["HTML", BROWSER],
    ["JSON", "application/json"],
    ["text", undefined],
  ])("a 500 to a %s client says only Internal Server Error", async (_label, accept) => {
    for (const [path, method] of [["/carts/42/checkout", "POST"], ["/http500", "GET"], ["/string", "GET"]] as const) {
      const { accept: _browser, ...secrets } = SECRET_HEADERS;
      const res = await app.getResponse(path, { method, headers: accept === undefined ? secrets : { ...secrets, accept } });
      expect(res.status).toBe(500);
      const body = await res.text();
      if (accept === "application/json") expect(JSON.parse(body)).toEqual({ error: 500, message: "Internal Server Error" });
      else if (accept === undefined) expect(body).toBe("500 Internal Server Error\n");
      else expect(body).toContain("<h1>500 Internal Server Error</h1>");
      // Never the stack, the message, the code, the request or its secrets.
      for (const leak of [" at ", "Checkout", "SyntaxError", "hunter2", "db.internal", "debug-page.spec", "MARKER-LINE", "s3cr3t", "thrown string", "stack"]) {
        expect(body).not.toContain(leak);
      }
    }
  });

  it("keeps 4xx messages (they are meant for the client)", async () => {
    const res = await app.getResponse("/missing", { headers: { accept: BROWSER } });
    expect(await res.text()).toContain("<p>No such page</p>");
  });
});

describe("debug page helpers", () => {
  it("parseStack() reads V8 frames and tells user code from Node's and node_modules'", () => {
    const frames = parseStack(
      [
        "Error: x",
        "    at Foo.bar (/srv/app/handlers.js:10:5)",
        "    at async file:///srv/app/main.js:3:1",
        "    at node:internal/process/task_queues:95:5",
        "    at Object.fn (/srv/app/node_modules/pg/lib/client.js:1:2)",
        "    at <anonymous>",
      ].join("\n"),
    );
    expect(frames).toEqual([
      { fn: "Foo.bar", file: "/srv/app/handlers.js", line: 10, column: 5, user: true },
      { fn: undefined, file: "/srv/app/main.js", line: 3, column: 1, user: true },
      { fn: undefined, file: "node:internal/process/task_queues", line: 95, column: 5, user: false },
      { fn: "Object.fn", file: "/srv/app/node_modules/pg/lib/client.js", line: 1, column: 2, user: false },
    ]);
  });

  it("maskHeader() masks credentials and keeps what identifies them", () => {
    expect(maskHeader("Authorization", "Basic dXNlcjpwYXNz")).toBe("Basic ********");
    expect(maskHeader("authorization", "token")).toBe("********");
    expect(maskHeader("Proxy-Authorization", "Bearer x")).toBe("Bearer ********");
    expect(maskHeader("cookie", "a=1; b=2")).toBe("a=********; b=********");
    expect(maskHeader("X-Api-Key", "k")).toBe("********");
    expect(maskHeader("accept", "text/html")).toBe("text/html");
    expect(MASKED_HEADERS.has("set-cookie")).toBe(true);
  });

  it("causeChain() stops at a loop", () => {
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(causeChain(b)).toEqual([b, a]);
    expect(errorChain(b)).toMatch(/^Error: b\n[\s\S]*\nCaused by: Error: a\n/);
  });

  it("debugPage() escapes what comes from the request", () => {
    const request = Request.blank("/x?q=<img src=x onerror=alert(1)>", { headers: { "x-evil": "<svg onload=alert(1)>" } });
    const page = debugPage(request, new Error("e"));
    expect(page).not.toContain("<img");
    expect(page).not.toContain("<svg");
    expect(page).toContain("<tr><th>x-evil</th><td>&#60;svg onload=alert(1)&#62;</td></tr>");
    expect(page).toContain("<tr><th>route</th><td>(none matched)</td></tr>");
  });
});
