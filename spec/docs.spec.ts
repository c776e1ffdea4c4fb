/**
 * The docs' TypeScript samples are checked: every ```ts block of README.md
 * and docs/ is type-checked against the package (one program, the
 * compiler's own diagnostics, each placed on its Markdown line), and every
 * block not marked `fragment` is run. The convention: docs/writing-docs.md.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { closeAll } from "./support/doc-runtime.js";
import {
  collectSamples,
  compilerOptions,
  exportsOf,
  fences,
  kindOf,
  markdownFiles,
  ownNames,
  PRELUDE,
  problemsOf,
  root,
  runnableText,
  samplesIn,
  samplesProgram,
} from "./support/doc-samples.js";

const options = compilerOptions();
const index = join(root, "lib/index.ts");
const base = ts.createProgram({ rootNames: [index, PRELUDE], options });
const samples = collectSamples(markdownFiles(), exportsOf(base, index), exportsOf(base, PRELUDE));
const program = samplesProgram(samples, options, base);
const runtime = join(root, "spec/support/doc-runtime.ts");
const scratch = mkdtempSync(join(tmpdir(), "handlerkit-docs-"));

afterEach(closeAll);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the checker", () => {
  it("reads fences CommonMark's way: indented in a list, longer fences around shorter ones, tildes", () => {
    const markdown = ["- item", "", "  ```ts", "  const a = 1;", "    const b = 2;", "  ```", "", "````md", "```ts", "inner", "```", "````", "~~~ts fragment", "x", "~~~"].join("\n");
    expect(fences(markdown)).toEqual([
      { info: "ts", line: 4, code: "const a = 1;\n  const b = 2;" },
      { info: "md", line: 9, code: "```ts\ninner\n```" },
      { info: "ts fragment", line: 14, code: "x" },
    ]);
  });

  it("knows the info strings, and refuses one it does not", () => {
    expect(["ts", "ts fragment", "ts fragment class", "ts fragment method", "sh", "json"].map(kindOf)).toEqual(["run", "fragment", "class", "method", undefined, undefined]);
    expect(() => kindOf("ts fragmnet")).toThrow("a TypeScript sample is `ts`, `ts fragment`, `ts fragment class` or `ts fragment method`");
  });

  it("imports for a fragment only what it does not declare or import itself", () => {
    expect([...ownNames('import { Route as R } from "handlerkit";\nconst { a, b: [c] } = x;\nclass UserHandler {}\ntype T = 1;')]).toEqual(["R", "a", "c", "UserHandler", "T"]);
  });

  it("reports a wrong sample on its Markdown line with the compiler's message, and checks expected errors", () => {
    const markdown = [
      "# Example", "", "```ts", 'import { Application } from "handlerkit";', "const app = new Application();", "app.nope();", "```", "",
      "```ts fragment", 'app.uriFor("x", 1); // error: Argument of type ... is not assignable', "```", "",
      "```ts fragment", "const n: number = 1;", "// error: is not assignable", "```",
    ].join("\n");
    const made = samplesIn("docs/example.md", markdown, exportsOf(base, index), exportsOf(base, PRELUDE));
    const checked = samplesProgram(made, options, program);
    expect(made.map((sample) => problemsOf(sample, checked).map((p) => p.text))).toEqual([
      ["docs/example.md:6:5 TS2339: Property 'nope' does not exist on type 'Application<Record<string, unknown>, RouteLike[]>'."],
      [],
      ['docs/example.md:14: expected a compile error containing "is not assignable", and the compiler reported none like it'],
    ]);
  });

  it("runs a runnable sample, so a failing assert or a throw fails the spec", async () => {
    const markdown = ["```ts", 'import * as assert from "node:assert/strict";', 'import { Application } from "handlerkit";', "const app = new Application();", 'app.route("/")(() => "hi");', "await app.listen(8080);", 'assert.equal(await (await app.getResponse("/")).text(), "bye");', "```"].join("\n");
    const [sample] = samplesIn("docs/example.md", markdown, [], []);
    const path = join(scratch, "failing.ts");
    writeFileSync(path, runnableText(sample!, runtime));
    await expect(import(/* @vite-ignore */ pathToFileURL(path).href)).rejects.toThrow("Expected values to be strictly equal");
  });
});

for (const file of new Set(samples.map((sample) => sample.file))) {
  describe(file, () => {
    for (const sample of samples.filter((s) => s.file === file)) {
      it(`${file}:${sample.line} type-checks (${sample.kind === "run" ? "runs" : `fragment${sample.kind === "fragment" ? "" : ` ${sample.kind}`}`})`, () => {
        const problems = problemsOf(sample, program);
        if (problems.length > 0) throw new Error(`The sample at ${file}:${sample.line} does not compile:\n${problems.map((p) => p.text).join("\n")}`);
      });
      if (sample.kind === "run") {
        it(`${file}:${sample.line} runs`, async () => {
          const path = join(scratch, `${file.replace(/[/.]/g, "_")}_${sample.line}.ts`);
          writeFileSync(path, runnableText(sample, runtime));
          await import(/* @vite-ignore */ pathToFileURL(path).href);
        });
      }
    }
  });
}
