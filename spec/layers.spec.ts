/**
 * The layer rule of `lib/` (docs/architecture.md): a folder imports only from
 * the folders below it, type-only imports included; only the entry points
 * (`index.ts`, `cli.ts`) import `application.ts`; and no file takes part in
 * an import cycle, whether through values, types or dynamic `import()`.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const lib = fileURLToPath(new URL("../lib", import.meta.url));

/** The folders of `lib/`, lowest first; the top level (`application.ts`, `cli.ts`, `index.ts`) is above them all. */
export const LAYERS = ["http", "security", "core", "views", "extras", "middleware", "sessions", "routes", "server"] as const;
const ENTRY_POINTS = new Set(["index.ts", "cli.ts"]);

/** The `lib/`-relative files a source file imports, by any form of import a compiler or a bundler would follow. */
export function importsOf(file: string, source: string): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true);
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg !== undefined && ts.isStringLiteralLike(arg)) specifiers.push(arg.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      specifiers.push(node.argument.literal.text);
    } else if (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name)) {
      // `declare module "./x.js"` augments x: it depends on it like an import.
      specifiers.push(node.name.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return specifiers
    .filter((s) => s.startsWith("."))
    .map((s) => relative(lib, resolve(dirname(join(lib, file)), s)).replace(/\.js$/, ".ts"));
}

/** Which layer a `lib/`-relative file is in: its folder's index in `LAYERS`, or `LAYERS.length` for the top level. */
export function layerOf(file: string): number {
  const folder = file.includes("/") ? file.slice(0, file.indexOf("/")) : undefined;
  if (folder === undefined) return LAYERS.length;
  const index = (LAYERS as readonly string[]).indexOf(folder);
  if (index === -1) throw new Error(`lib/${file} is in a folder with no place in the layer order: add "${folder}" to LAYERS.`);
  return index;
}

/** The edges that break the layer rule, as `from -> to` lines. */
export function layerViolations(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const bad: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      if (to === "application.ts" && !ENTRY_POINTS.has(from)) bad.push(`${from} -> ${to} (only ${[...ENTRY_POINTS].join(" and ")} import the application)`);
      else if (layerOf(to) > layerOf(from)) bad.push(`${from} -> ${to} (an upward import)`);
    }
  }
  return bad;
}

/** The import cycles of a graph (Tarjan's strongly connected components of more than one file, or a file importing itself). */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) connect(v);
  return found;
}

function libGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of readdirSync(lib, { recursive: true }) as string[]) {
    if (!file.endsWith(".ts")) continue;
    graph.set(file, importsOf(file, readFileSync(join(lib, file), "utf8")));
  }
  return graph;
}

describe("the layers of lib/", () => {
  const graph = libGraph();

  it("has every file in a known layer", () => {
    for (const file of graph.keys()) expect(() => layerOf(file)).not.toThrow();
  });

  it("imports only downwards, and the application only from the entry points", () => {
    expect(layerViolations(graph)).toEqual([]);
  });

  it("has no import cycle, type-only or dynamic included", () => {
    expect(cycles(graph)).toEqual([]);
  });

  it("reports an upward import and a cycle when there is one", () => {
    const bad = new Map([
      ["http/errors.ts", ["core/request.ts"]],
      ["core/request.ts", ["http/errors.ts"]],
      ["core/route.ts", ["application.ts"]],
    ]);
    expect(layerViolations(bad)).toEqual([
      "http/errors.ts -> core/request.ts (an upward import)",
      "core/route.ts -> application.ts (only index.ts and cli.ts import the application)",
    ]);
    expect(cycles(bad)).toEqual([["core/request.ts", "http/errors.ts"]]);
  });

  it("reads type-only, re-exported, dynamic and augmenting imports", () => {
    const source = [
      'import type { A } from "../core/a.js";',
      'export { B } from "./b.js";',
      'const c = await import("../views/c.js");',
      'type D = import("./d.js").D;',
      'declare module "../core/e.js" {}',
      'import { readFile } from "node:fs";',
    ].join("\n");
    expect(importsOf("server/x.ts", source)).toEqual(["core/a.ts", "server/b.ts", "views/c.ts", "server/d.ts", "core/e.ts"]);
  });
});
