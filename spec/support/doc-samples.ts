/**
 * The TypeScript samples of the docs, as the docs spec checks them: found in
 * the Markdown, type-checked together in one program against `lib/` (as the
 * package `handlerkit`), and the runnable ones prepared to run. The
 * convention is documented in docs/writing-docs.md.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export const root = fileURLToPath(new URL("../..", import.meta.url));

/** How a sample is checked, from the words after `ts` in its info string. */
export type SampleKind = "run" | "fragment" | "class" | "method";

/** One ```ts block of a Markdown file. */
export interface Sample {
  /** The Markdown file, relative to the repository (`docs/handlers.md`). */
  file: string;
  /** The line of the block's first code line in that file, from 1. */
  line: number;
  kind: SampleKind;
  code: string;
  /** The virtual file the sample is checked as. */
  path: string;
  /** Its full text: the header (imports, a wrapper), the code, a footer. */
  text: string;
  /** How many lines come before the code in `text`. */
  offset: number;
  /** Lines of the code (from 0) where an error is expected, and what its message must contain. */
  expected: Map<number, string>;
}

const LANGUAGES = new Set(["ts", "typescript"]);
const FLAGS: Record<string, SampleKind> = { fragment: "fragment", class: "class", method: "method" };

/** The Markdown files whose samples are checked: README.md and docs/ (not the generated docs/api/). */
export function markdownFiles(): string[] {
  const docs = (readdirSync(join(root, "docs"), { recursive: true }) as string[])
    .filter((file) => file.endsWith(".md") && !file.startsWith("api/") && !file.startsWith("api\\"))
    .map((file) => `docs/${file.split("\\").join("/")}`);
  return ["README.md", ...docs.sort()];
}

/** A fenced code block, CommonMark's way: its info string, first code line (from 1) and code, de-indented to the fence. */
export interface Fence {
  info: string;
  line: number;
  code: string;
}

/**
 * The fenced code blocks of a Markdown text. A fence is three or more
 * backticks or tildes, indented or not (in a list item); the block ends at
 * a fence of the same character at least as long, and its lines lose the
 * opening fence's indentation.
 */
export function fences(markdown: string): Fence[] {
  const lines = markdown.split("\n");
  const found: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( *)(`{3,}|~{3,})(.*)$/.exec(lines[i]!);
    if (open === null || (open[2]![0] === "`" && open[3]!.includes("`"))) continue;
    const [, indent, fence, info] = open as unknown as [string, string, string, string];
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = /^ *(`{3,}|~{3,}) *$/.exec(lines[j]!);
      if (close !== null && close[1]![0] === fence[0] && close[1]!.length >= fence.length) break;
      body.push(lines[j]!.replace(new RegExp(`^ {0,${indent.length}}`), ""));
    }
    found.push({ info: info.trim(), line: i + 2, code: body.join("\n") });
    i = j;
  }
  return found;
}

/**
 * The kind a ```ts block's info string asks for: `ts` alone is a program
 * that runs; `ts fragment` is checked but not run; `ts fragment class` and
 * `ts fragment method` are checked inside a `RequestHandler` subclass (as
 * its members, or as the body of one of its methods). Anything else throws.
 */
export function kindOf(info: string): SampleKind | undefined {
  const [language, ...flags] = info.split(/\s+/);
  if (language === undefined || !LANGUAGES.has(language)) return undefined;
  if (flags.length === 0) return "run";
  const unknown = flags.filter((flag) => !Object.hasOwn(FLAGS, flag));
  if (unknown.length > 0 || flags[0] !== "fragment" || flags.length > 2) {
    throw new Error(`\`\`\`${info}: a TypeScript sample is \`ts\`, \`ts fragment\`, \`ts fragment class\` or \`ts fragment method\` (see docs/writing-docs.md).`);
  }
  return FLAGS[flags[1] ?? "fragment"];
}

// An expected compile error: `// error: message` after the code on a line,
// or alone on the line after it. `...` in the message stands for anything.
const EXPECTED = /\/\/ error: (.*)$/;

/** The names a sample declares or imports at its top level: these are never imported for it. */
export function ownNames(code: string): Set<string> {
  const sf = ts.createSourceFile("sample.ts", code, ts.ScriptTarget.ES2022, true);
  const names = new Set<string>();
  const bind = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name);
  };
  for (const statement of sf.statements) {
    if (ts.isImportDeclaration(statement) && statement.importClause !== undefined) {
      const clause = statement.importClause;
      if (clause.name !== undefined) names.add(clause.name.text);
      const bindings = clause.namedBindings;
      if (bindings !== undefined && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      else if (bindings !== undefined) for (const element of bindings.elements) names.add(element.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) bind(declaration.name);
    } else if (
      (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement)) &&
      statement.name !== undefined
    ) {
      names.add(statement.name.text);
    }
  }
  return names;
}

/** The names a module exports, read by the compiler: types as `type Name`, as a fragment imports them. */
export function exportsOf(program: ts.Program, file: string): string[] {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const symbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
  if (symbol === undefined) throw new Error(`${file} is not a module the compiler could read.`);
  return checker.getExportsOfModule(symbol).map((s) => {
    const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    const typeOnly = (s.declarations ?? []).some((d) => ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly));
    return target.flags & ts.SymbolFlags.Value && !typeOnly ? s.name : `type ${s.name}`;
  });
}

/**
 * The folder a fragment is checked in, as if it were a file there: it holds
 * the prelude and the modules samples may import (`./app.js`,
 * `./handlers/product.js`). The samples themselves exist only in the
 * compiler host.
 */
export const PROJECT = join(root, "spec/support/doc-project");
export const PRELUDE = join(PROJECT, "prelude.ts");

/** Every ```ts block of `files`, with its virtual file (imports and wrapper for fragments). */
export function collectSamples(files: readonly string[], handlerkitNames: readonly string[], preludeNames: readonly string[]): Sample[] {
  return files.flatMap((file) => samplesIn(file, readFileSync(join(root, file), "utf8"), handlerkitNames, preludeNames));
}

/** The ```ts blocks of one Markdown text, as `file`'s. */
export function samplesIn(file: string, markdown: string, handlerkitNames: readonly string[], preludeNames: readonly string[]): Sample[] {
  const samples: Sample[] = [];
  for (const fence of fences(markdown)) {
    const kind = kindOf(fence.info);
    if (kind !== undefined) samples.push(sampleOf(file, fence, kind, handlerkitNames, preludeNames));
  }
  return samples;
}

function sampleOf(file: string, fence: Fence, kind: SampleKind, handlerkitNames: readonly string[], preludeNames: readonly string[]): Sample {
  const path = join(PROJECT, `sample.${file.replace(/[/.]/g, "_")}_${fence.line}.ts`);
  const header: string[] = ["export {};"];
  if (kind !== "run") {
    // A fragment sees every export of the package and of the prelude that
    // it does not declare or import itself.
    const own = ownNames(fence.code);
    const bare = (name: string) => name.replace(/^type /, "");
    const fromPackage = handlerkitNames.filter((name) => !own.has(bare(name)));
    const taken = new Set(fromPackage.map(bare));
    const fromPrelude = preludeNames.filter((name) => !own.has(bare(name)) && !taken.has(bare(name)));
    if (fromPackage.length > 0) header.push(`import { ${fromPackage.join(", ")} } from "handlerkit";`);
    if (fromPrelude.length > 0) header.push(`import { ${fromPrelude.join(", ")} } from "./${basename(PRELUDE).replace(/\.ts$/, ".js")}";`);
  }
  let footer = "";
  if (kind === "class") {
    header.push("export class Sample extends RequestHandler {");
    footer = "\n}";
  } else if (kind === "method") {
    header.push("export class Sample extends RequestHandler {", "async sample(..._args: any[]) {", "const request = this.request; {");
    footer = "\n}}}";
  }
  const expected = new Map<number, string>();
  const lines = fence.code.split("\n");
  lines.forEach((text, index) => {
    const match = EXPECTED.exec(text);
    if (match === null) return;
    // Alone on its line, it is about the line above.
    expected.set(text.trimStart().startsWith("//") ? index - 1 : index, match[1]!.trim());
  });
  return {
    file,
    line: fence.line,
    kind,
    code: fence.code,
    path,
    text: `${header.join("\n")}\n${fence.code}${footer}\n`,
    offset: header.length,
    expected,
  };
}

/** The compiler options of tsconfig.json, with `handlerkit` mapped to `lib/index.ts`. */
export function compilerOptions(): ts.CompilerOptions {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, "tsconfig.json"), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
    },
  });
  if (config === undefined) throw new Error("tsconfig.json could not be read.");
  return { ...config.options, noEmit: true, baseUrl: root, paths: { handlerkit: ["./lib/index.ts"] } };
}

/** One program over the samples (virtual files) and whatever they import. */
export function samplesProgram(samples: readonly Sample[], options: ts.CompilerOptions, oldProgram?: ts.Program): ts.Program {
  const virtual = new Map(samples.map((sample) => [sample.path, sample.text]));
  const host = ts.createCompilerHost(options, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => virtual.has(name) || fileExists.call(host, name);
  host.readFile = (name) => virtual.get(name) ?? readFile.call(host, name);
  host.getSourceFile = (name, language, onError, create) => {
    const text = virtual.get(name);
    return text === undefined ? getSourceFile.call(host, name, language, onError, create) : ts.createSourceFile(name, text, language, true);
  };
  return ts.createProgram({ rootNames: [...virtual.keys()], options, host, oldProgram });
}

/** A diagnostic as a line of the Markdown file: `docs/handlers.md:26:27 TS2304 Cannot find name 'db'.` */
export interface SampleProblem {
  line: number;
  text: string;
}

/**
 * What is wrong with a sample's types: every error the compiler reports in
 * it that was not expected, and every expected error that did not come (or
 * came with another message), each placed on its line of the Markdown file.
 */
export function problemsOf(sample: Sample, program: ts.Program): SampleProblem[] {
  const source = program.getSourceFile(sample.path);
  if (source === undefined) return [{ line: sample.line, text: "the sample was not compiled" }];
  const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
  const problems: SampleProblem[] = [];
  const met = new Set<number>();
  for (const diagnostic of diagnostics) {
    const at = diagnostic.start === undefined ? 0 : source.getLineAndCharacterOfPosition(diagnostic.start);
    const line = typeof at === "number" ? 0 : at.line - sample.offset;
    const column = typeof at === "number" ? 0 : at.character + 1;
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, " ");
    const wanted = sample.expected.get(line);
    if (wanted !== undefined && matches(message, wanted)) {
      met.add(line);
      continue;
    }
    // Before the code: in the imports or the wrapper the checker adds (a prelude name that clashes, say).
    const where = line < 0 ? `${sample.file}:${sample.line} (the checker's header)` : `${sample.file}:${sample.line + line}:${column}`;
    problems.push({ line: sample.line + Math.max(line, 0), text: `${where} TS${diagnostic.code}: ${message}` });
  }
  for (const [line, wanted] of sample.expected) {
    if (!met.has(line)) problems.push({ line: sample.line + line, text: `${sample.file}:${sample.line + line}: expected a compile error containing "${wanted}", and the compiler reported none like it` });
  }
  return problems.sort((a, b) => a.line - b.line);
}

// `wanted` with `...` standing for anything, found in order in `message`.
function matches(message: string, wanted: string): boolean {
  let from = 0;
  for (const piece of wanted.split("...").map((p) => p.trim()).filter((p) => p !== "")) {
    const at = message.indexOf(piece, from);
    if (at === -1) return false;
    from = at + piece.length;
  }
  return true;
}

/**
 * The sample's code as a module to run: its imports of `handlerkit` point
 * at `runtime` (the docs runtime), found by the compiler's parser, not by
 * searching text.
 */
export function runnableText(sample: Sample, runtime: string): string {
  const sf = ts.createSourceFile(sample.path, sample.code, ts.ScriptTarget.ES2022, true);
  const edits: { start: number; end: number }[] = [];
  const visit = (node: ts.Node): void => {
    let specifier: ts.Expression | undefined;
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined) specifier = node.moduleSpecifier;
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) specifier = node.arguments[0];
    if (specifier !== undefined && ts.isStringLiteralLike(specifier) && specifier.text === "handlerkit") {
      edits.push({ start: specifier.getStart(sf), end: specifier.getEnd() });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  let text = sample.code;
  for (const edit of edits.reverse()) text = `${text.slice(0, edit.start)}${JSON.stringify(runtime)}${text.slice(edit.end)}`;
  return `${text}\nexport {};\n`;
}
