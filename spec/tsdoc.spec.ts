/**
 * Every name the package root exports has a TSDoc comment (STYLE: "every
 * exported name has a TSDoc paragraph"): read by the compiler from the
 * declaration each export resolves to, so a re-export counts only when
 * the thing it names is documented. TypeDoc builds docs/api/ from the same
 * comments (`npm run docs`).
 */
import { join, relative } from "node:path";
import ts from "typescript";
import { expect, it } from "vitest";
import { compilerOptions, root } from "./support/doc-samples.js";

/** The exported names of `file` that resolve to a declaration with no documentation comment, as `name (lib/file.ts)`. */
export function undocumented(program: ts.Program, file: string): string[] {
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
  const missing: string[] = [];
  for (const exported of checker.getExportsOfModule(module)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const documented = symbol.getDocumentationComment(checker).some((part) => part.text.trim() !== "");
    if (!documented) {
      const where = symbol.declarations?.[0]?.getSourceFile().fileName;
      missing.push(`${exported.name} (${where === undefined ? "?" : relative(root, where)})`);
    }
  }
  return missing.sort();
}

it("documents every name exported from the package root", () => {
  const index = join(root, "lib/index.ts");
  const program = ts.createProgram({ rootNames: [index], options: compilerOptions() });
  expect(undocumented(program, index)).toEqual([]);
});
