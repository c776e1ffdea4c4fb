/**
 * Templates: `render()` and `handler.render()` over the default nunjucks
 * engine and a custom one, the context (request, uriFor, providers),
 * autoescaping, caching outside debug and reloading in debug, the
 * `<status>.html` error pages, and templates that fail, in process and over
 * a real socket.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  addTemplateContext,
  Application,
  NotFound,
  render,
  RequestHandler,
  Route,
  TemplateError,
  type ApplicationOptions,
  type Logger,
  type TemplateContextProvider,
  csrf,
  sessions,
} from "../../lib/index.js";
import { fetchResult } from "../support/socket-client.js";

const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const HTML = "text/html; charset=utf-8";
const roots: string[] = [];
let listening: Application | undefined;

afterEach(async () => {
  await listening?.close({ timeout: 100 });
  listening = undefined;
});
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A template folder holding `files` (name → source). */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "handlerkit-templates-"));
  roots.push(dir);
  for (const [name, source] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), source);
  }
  return dir;
}

function recorder(): Logger & { lines: [string, unknown][] } {
  const lines: [string, unknown][] = [];
  return { lines, error: (message: string, error?: unknown) => void lines.push([message, error]), info() {} };
}

class TodoPage extends RequestHandler {
  get(params: { id: string }) {
    this.response.setCookie("seen", params.id);
    return this.render("todo.html", { id: params.id, title: this.request.get("title") ?? "none" }, params.id === "0" ? 410 : undefined);
  }
}

const FILES = {
  "todo.html": "<h1>Todo {{ id }}</h1><p>{{ title }}</p><a href=\"{{ uriFor('todo', { id: id }) }}\">self</a>",
  "plain.html": "{{ greeting }} at {{ request.path }}{% if user %} for {{ user }}{% endif %}",
  "broken.html": "<h1>ok</h1>\n{{ title }}\n{{ nope() }}\n",
  "syntax.html": "{% if x %}\n{{ y }\n",
  "outer.html": "before\n{% include \"partials/inner.html\" %}\nafter",
  "partials/inner.html": "line one\n  {{ nope() }}\n",
};

function makeApp(dir: string, options: ApplicationOptions = {}): Application {
  const app = new Application([new Route("/todos/:id", TodoPage, { name: "todo" })], { ...options, templates: { dir, ...options.templates } });
  app.route("/plain")((request) => render(request, "plain.html", { greeting: request.get("greeting") ?? "Hello" }));
  app.route("/page/:name")((request, params) => render(request, `${params.name}.html`, { title: "T" }));
  return app;
}

describe("render() and handler.render()", () => {
  const dir = folder(FILES);

  it("answers text/html; charset=utf-8 with the rendered page", async () => {
    const res = await makeApp(dir).getResponse("/plain");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(HTML);
    expect(await res.text()).toBe("Hello at /plain");
  });

  it("renders into the handler's response: its cookies stay, the status is the one given", async () => {
    const app = makeApp(dir);
    const ok = await app.getResponse("/todos/7?title=Milk");
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe(HTML);
    expect(ok.headers.getAll("set-cookie")).toEqual(["seen=7; Path=/"]);
    expect(await ok.text()).toBe('<h1>Todo 7</h1><p>Milk</p><a href="/todos/7">self</a>');
    const gone = await app.getResponse("/todos/0");
    expect(gone.status).toBe(410);
    expect(await gone.text()).toBe('<h1>Todo 0</h1><p>none</p><a href="/todos/0">self</a>');
  });

  it("escapes what it inserts: a <script> in the context comes out as text", async () => {
    const res = await makeApp(dir).getResponse("/todos/1", { query: { title: `<script>alert("x")</script>` } });
    expect(await res.text()).toBe('<h1>Todo 1</h1><p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p><a href="/todos/1">self</a>');
  });

  it("adds what the app's providers and a middleware's give, under the view's own names", async () => {
    const user: TemplateContextProvider = () => ({ user: "ada", greeting: "from the provider" });
    const app = makeApp(dir, { templates: { dir, context: [user] } });
    expect(await (await app.getResponse("/plain")).text()).toBe("Hello at /plain for ada");

    const later: TemplateContextProvider = async () => ({ user: "grace" });
    app.use((request, next) => {
      addTemplateContext(request, later);
      return next();
    });
    expect(await (await app.getResponse("/plain?greeting=Hi")).text()).toBe("Hi at /plain for grace");
  });

  it("gives pages the CSRF token and the flash messages through a provider, as docs/templates.md shows", async () => {
    const sessionContext: TemplateContextProvider = async (request) => ({
      csrfToken: await request.csrfToken(),
      flashes: await request.session.flashes(),
    });
    const pages = folder({ "form.html": '{% for f in flashes %}[{{ f.category }}: {{ f.message }}]{% endfor %}<input name="csrf_token" value="{{ csrfToken }}">' });
    const app = new Application([], { secrets: ["a".repeat(32)], templates: { dir: pages, context: [sessionContext] } });
    app.use(sessions(), csrf());
    app.route("/form")(async (request) => {
      await request.session.flash("Saved <it>", "success");
      return render(request, "form.html");
    });
    const res = await app.getResponse("/form");
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^\[success: Saved &lt;it&gt;\]<input name="csrf_token" value="[\w-]{20,}">$/);
  });

  it("takes any engine: a function of the name and the context", async () => {
    const seen: [string, string[]][] = [];
    const engine = (name: string, context: Record<string, unknown>) => {
      seen.push([name, Object.keys(context)]);
      return `<p>${String(context.greeting)}</p>`;
    };
    const app = makeApp(dir, { templates: { dir, engine } });
    const res = await app.getResponse("/plain");
    expect(res.headers.get("content-type")).toBe(HTML);
    expect(await res.text()).toBe("<p>Hello</p>");
    expect(seen).toEqual([["plain.html", ["request", "uriFor", "greeting"]]]);
  });

  it("is a 500 that says what to configure when the app has no templates", async () => {
    const app = new Application([], { debug: true, logger: recorder() });
    app.route("/")((request) => render(request, "index.html"));
    const res = await app.getResponse("/", { headers: { accept: "application/json" } });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { message: string }).message).toBe(
      'Error: render("index.html") needs templates: give the application the option templates: { dir: "templates" }.',
    );
  });
});

describe("caching", () => {
  it("reads a template once outside debug mode, and on every render in debug mode", async () => {
    for (const debug of [false, true]) {
      const dir = folder({ "plain.html": "first" });
      const app = makeApp(dir, { debug });
      expect(await (await app.getResponse("/plain")).text()).toBe("first");
      writeFileSync(join(dir, "plain.html"), "second");
      expect(await (await app.getResponse("/plain")).text()).toBe(debug ? "second" : "first");
    }
  });
});

describe("templates that fail", () => {
  const dir = folder(FILES);

  it("is a 500 naming the template and its line in debug mode", async () => {
    const logger = recorder();
    const app = makeApp(dir, { debug: true, logger });
    const res = await app.getResponse("/page/broken", { headers: { accept: "application/json" } });
    expect(res.status).toBe(500);
    const body = (await res.json()) as { message: string };
    expect(body.message).toBe('TemplateError: Template "broken.html", line 3, column 8: Error: Unable to call `nope`, which is undefined or falsey');
    const [line, error] = logger.lines[0]!;
    expect(line).toMatch(/^GET \/page\/broken \[[-0-9a-f]{36}\]: uncaught error$/);
    expect(error).toBeInstanceOf(TemplateError);
    expect(error).toMatchObject({ template: "broken.html", line: 3, column: 8 });
  });

  it("shows the debug page to a browser in debug mode, with the template's name and line", async () => {
    const res = await makeApp(dir, { debug: true, logger: recorder() }).getResponse("/page/syntax", { headers: { accept: BROWSER } });
    expect(res.status).toBe(500);
    expect(await res.text()).toContain("Template &#34;syntax.html&#34;, line 2, column 6: expected variable end");
  });

  it("names the included template where the failure is", async () => {
    const res = await makeApp(dir, { debug: true, logger: recorder() }).getResponse("/page/outer", { headers: { accept: "application/json" } });
    expect(((await res.json()) as { message: string }).message).toBe(
      'TemplateError: Template "partials/inner.html", line 2, column 10: Error: Unable to call `nope`, which is undefined or falsey',
    );
  });

  it("names a missing template", async () => {
    const res = await makeApp(dir, { debug: true, logger: recorder() }).getResponse("/page/absent", { headers: { accept: "application/json" } });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { message: string }).message).toBe('TemplateError: Template "absent.html": template not found: absent.html');
  });

  it("shows nothing of the template outside debug mode: the page any 500 gets", async () => {
    const app = makeApp(dir, { logger: recorder() });
    app.route("/throws")(() => {
      throw new Error("not a template");
    });
    const anyError = await (await app.getResponse("/throws", { headers: { accept: BROWSER } })).text();
    expect(anyError).toContain("<h1>500 Internal Server Error</h1>");
    for (const name of ["broken", "syntax", "outer", "absent"]) {
      const html = await app.getResponse(`/page/${name}`, { headers: { accept: BROWSER } });
      expect(html.status).toBe(500);
      expect(await html.text()).toBe(anyError);
      const json = await app.getResponse(`/page/${name}`, { headers: { accept: "application/json" } });
      expect(await json.json()).toEqual({ error: 500, message: "Internal Server Error" });
    }
  });
});

describe("error pages from <status>.html", () => {
  const dir = folder({
    ...FILES,
    "404.html": "<h1>Lost: {{ status }} {{ reason }}</h1><p>{{ message }}</p>",
    "500.html": "<h1>Sorry ({{ status }})</h1><p>{{ message }}</p>",
  });

  function errorApp(options: ApplicationOptions = {}): Application {
    const app = makeApp(dir, { logger: recorder(), ...options });
    app.route("/missing/:id")((request, params) => {
      throw new NotFound(`No todo <${params.id}>`);
    });
    app.route("/boom")(() => {
      throw new Error("password=hunter2");
    });
    return app;
  }

  it("renders 404.html outside debug mode, with the status and the (escaped) message", async () => {
    const app = errorApp();
    const routed = await app.getResponse("/missing/7", { headers: { accept: BROWSER } });
    expect(routed.status).toBe(404);
    expect(routed.headers.get("content-type")).toBe(HTML);
    expect(routed.headers.get("x-content-type-options")).toBe("nosniff");
    expect(routed.headers.has("content-security-policy")).toBe(false);
    expect(await routed.text()).toBe("<h1>Lost: 404 Not Found</h1><p>No todo &lt;7&gt;</p>");
    const unrouted = await app.getResponse("/nowhere", { headers: { accept: BROWSER } });
    expect(unrouted.status).toBe(404);
    expect(await unrouted.text()).toBe("<h1>Lost: 404 Not Found</h1><p>Not Found</p>");
  });

  it("renders 500.html with the reason phrase only, never the error", async () => {
    const res = await errorApp().getResponse("/boom", { headers: { accept: BROWSER } });
    expect(res.status).toBe(500);
    expect(await res.text()).toBe("<h1>Sorry (500)</h1><p>Internal Server Error</p>");
  });

  it("keeps JSON and text clients, statuses without a template, and debug mode on the built-in page", async () => {
    const app = errorApp();
    expect(await (await app.getResponse("/missing/7", { headers: { accept: "application/json" } })).json()).toEqual({ error: 404, message: "No todo <7>" });
    expect(await (await app.getResponse("/missing/7")).text()).toBe("404 Not Found\nNo todo <7>\n");
    const notAllowed = await app.getResponse("/todos/7", { method: "DELETE", headers: { accept: BROWSER } });
    expect(notAllowed.status).toBe(405);
    expect(await notAllowed.text()).toContain("<h1>405 Method Not Allowed</h1>");
    const debug = await errorApp({ debug: true }).getResponse("/missing/7", { headers: { accept: BROWSER } });
    expect(await debug.text()).toContain("<h1>404 Not Found</h1><p>No todo &#60;7&#62;</p>");
  });

  it("falls back to the built-in page, and logs, when the error template fails", async () => {
    const broken = folder({ "404.html": "{{ nope() }}" });
    const logger = recorder();
    const app = new Application([], { logger, templates: { dir: broken } });
    const res = await app.getResponse("/nowhere", { headers: { accept: BROWSER } });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("<h1>404 Not Found</h1>");
    expect(logger.lines.map(([line]) => line)).toEqual([expect.stringMatching(/^GET \/nowhere \[[-0-9a-f]{36}\]: error template 404\.html failed$/)]);
    expect(logger.lines[0]![1]).toBeInstanceOf(TemplateError);
  });
});

describe("over a real socket", () => {
  const dir = folder({ ...FILES, "404.html": "<h1>Lost: {{ status }}</h1>" });

  it("serves rendered pages, escaped, and the 404 template", async () => {
    listening = makeApp(dir, { logger: recorder() });
    await listening.listen(0, "127.0.0.1");
    const base = `http://127.0.0.1:${listening.address!.port}`;
    const page = await fetchResult(`${base}/todos/3?title=${encodeURIComponent("<b>milk</b>")}`);
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toBe(HTML);
    expect(page.headers["set-cookie"]).toBe("seen=3; Path=/");
    expect(page.body).toBe('<h1>Todo 3</h1><p>&lt;b&gt;milk&lt;/b&gt;</p><a href="/todos/3">self</a>');
    const missing = await fetchResult(`${base}/nowhere`, { headers: { accept: BROWSER } });
    expect(missing.status).toBe(404);
    expect(missing.body).toBe("<h1>Lost: 404</h1>");
    const broken = await fetchResult(`${base}/page/broken`, { headers: { accept: BROWSER } });
    expect(broken.status).toBe(500);
    expect(broken.body).toContain("<h1>500 Internal Server Error</h1>");
    expect(broken.body).not.toContain("nope");
  });
});
