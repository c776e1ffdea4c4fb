/**
 * The nunjucks adapter: configuration, autoescaping on by default, where a
 * failing template failed, and the clear error when the package is missing
 * (at render and at listen()), seen by plain Node in a folder without it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { execFile } from "node:child_process";
import { readdirSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { nunjucksEngine, TemplateError } from "../../lib/index.js";
import { compileLib, type CompiledLib } from "../e2e/fixtures/compile-lib.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));

const dir = mkdtempSync(join(tmpdir(), "handlerkit-nunjucks-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
for (const [name, source] of Object.entries({
  "money.html": "{{ cents | money }} for {{ who }}",
  "base.html": "<title>{% block title %}{% endblock %}</title>{% block body %}{% endblock %}",
  "child.html": '{% extends "base.html" %}{% block title %}{{ name }}{% endblock %}{% block body %}<p>{{ name }}</p>{% endblock %}',
  "first-line.html": "{{ nope() }}",
  "deep/page.html": "one\ntwo\n{% for x in items %}{{ x.y() }}{% endfor %}",
})) {
  mkdirSync(join(dir, name, ".."), { recursive: true });
  writeFileSync(join(dir, name), source);
}

describe("nunjucksEngine()", () => {
  it("renders with the filters configure() adds, escaping by default", async () => {
    const engine = nunjucksEngine({ dir, configure: (env) => env.addFilter("money", (cents: number) => `$${(cents / 100).toFixed(2)}`) });
    expect(await engine("money.html", { cents: 1250, who: "<Ada>" })).toBe("$12.50 for &lt;Ada&gt;");
    const raw = nunjucksEngine({ dir, autoescape: false, configure: (env) => env.addFilter("money", String) });
    expect(await raw("money.html", { cents: 1, who: "<Ada>" })).toBe("1 for <Ada>");
  });

  it("extends and fills blocks, Jinja2's way", async () => {
    expect(await nunjucksEngine({ dir })("child.html", { name: "a&b" })).toBe("<title>a&amp;b</title><p>a&amp;b</p>");
  });

  it("reports lines and columns from 1, on the first line and in a folder", async () => {
    const engine = nunjucksEngine({ dir });
    await expect(engine("first-line.html", {})).rejects.toMatchObject({ template: "first-line.html", line: 1, column: 8 });
    const error = await engine("deep/page.html", { items: [{}] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateError);
    expect(error).toMatchObject({ template: "deep/page.html", line: 3 });
    expect((error as Error).message).toMatch(/^Template "deep\/page\.html", line 3, column \d+: Error: Unable to call `x\["y"\]`, which is undefined or falsey$/);
  });
});

describe("when nunjucks is not installed", () => {
  // A compiled copy of lib/ in a folder whose node_modules has every
  // package of the project's but nunjucks, run by plain Node.
  let compiled: CompiledLib | undefined;
  let outside: string | undefined;
  afterAll(() => {
    compiled?.remove();
    if (outside !== undefined) rmSync(outside, { recursive: true, force: true });
  });

  it("says `npm install nunjucks` when a page is rendered, and makes listen() fail the same way", async () => {
    outside = mkdtempSync(join(tmpdir(), "handlerkit-no-nunjucks-"));
    const modules = join(outside, "node_modules");
    mkdirSync(modules);
    for (const entry of readdirSync(join(root, "node_modules"))) {
      if (entry !== "nunjucks" && !entry.startsWith(".")) symlinkSync(join(root, "node_modules", entry), join(modules, entry));
    }
    compiled = compileLib(outside);
    const script = join(dirname(compiled.index), "..", "main.js");
    writeFileSync(
      script,
      `import { Application, render } from ${JSON.stringify(pathToFileURL(compiled.index).href)};
const app = new Application([], { debug: true, templates: { dir: ${JSON.stringify(dir)} }, logger: { error() {}, info() {} } });
app.route("/")((request) => render(request, "money.html"));
const res = await app.getResponse("/", { headers: { accept: "application/json" } });
const listen = await app.listen(0, "127.0.0.1").then(() => "listening", (error) => error.message);
console.log(JSON.stringify({ status: res.status, message: (await res.json()).message, listen }));
`,
    );
    const { stdout } = await run(process.execPath, [script], { cwd: outside });
    const out = JSON.parse(stdout) as { status: number; message: string; listen: string };
    const advice = `The templates option needs the template engine nunjucks, which is not installed: run \`npm install nunjucks\` (or give templates.engine). Template folder: ${dir}`;
    expect(out).toEqual({ status: 500, message: `Error: ${advice}`, listen: advice });
  });
});
