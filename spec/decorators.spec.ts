/**
 * app.route() as a decorator, whichever way the decorator is compiled:
 * TypeScript's standard decorators (what tsc emits, `(cls, context)`) and
 * legacy experimentalDecorators (`(cls)`, what vitest's transformer emits).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import * as handlerkit from "../lib/index.js";

const source = `
import { Application, RequestHandler } from "handlerkit";
export const app = new Application();
@app.route("/decorated/:id", { name: "decorated" })
export class Decorated extends RequestHandler {
  get(params: { id: string }) { return "decorated " + params.id; }
}
`;

const dir = mkdtempSync(join(tmpdir(), "handlerkit-decorators-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function compileAndLoad(experimentalDecorators: boolean) {
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, experimentalDecorators },
  });
  // The compiled module imports "handlerkit"; hand it this checkout's build
  // through a global, so the test needs no build step.
  (globalThis as Record<string, unknown>).__handlerkit = handlerkit;
  const code = outputText.replace(/import \{([^}]*)\} from "handlerkit";/, "const {$1} = globalThis.__handlerkit;");
  const file = join(dir, `decorated-${experimentalDecorators ? "legacy" : "standard"}.mjs`);
  writeFileSync(file, code);
  return { code, module: (await import(pathToFileURL(file).href)) as { app: handlerkit.Application; Decorated: Function } };
}

describe("@app.route() decorator", () => {
  it("works as a standard decorator, as tsc emits it", async () => {
    const { code, module } = await compileAndLoad(false);
    expect(code).toContain("__esDecorate");
    expect(module.Decorated.name).toBe("Decorated");
    const res = await module.app.getResponse("/decorated/5");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("decorated 5");
    expect(module.app.uriFor("decorated", { id: 6 })).toBe("/decorated/6");
  });

  it("works as a legacy experimentalDecorators decorator", async () => {
    const { code, module } = await compileAndLoad(true);
    expect(code).toContain("__decorate");
    expect(code).not.toContain("__esDecorate");
    const res = await module.app.getResponse("/decorated/7");
    expect(await res.text()).toBe("decorated 7");
  });
});
