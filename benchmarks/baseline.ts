/**
 * `--baseline=REV`: an earlier revision's `lib/`, compiled so it can be
 * measured as one more peer (`handlerkit@REV`) in the same interleaved
 * rounds as this checkout.
 *
 * The revision's `lib/` (with its `package.json` and tsconfig files) is
 * exported with `git archive` into a temporary directory under `dist/`, and
 * compiled there with this checkout's TypeScript. Being under the checkout,
 * its imports of `path-to-regexp` and the like resolve to this checkout's
 * `node_modules`. Only its `lib/index.ts` is relied on (the adapter uses
 * nothing else), so any file layout below it works. The adapter code is
 * today's (`peers/handlerkit-peer.ts`), so the two peers differ only in the
 * library.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { ROOT } from "./report.js";

/** A compiled earlier revision, until `remove()` deletes it. */
export interface Baseline {
  /** The revision as given (`main`, `HEAD~3`, `7a67df9`). */
  revision: string;
  /** The commit it names. */
  commit: string;
  /** The compiled `lib/index.js`. */
  lib: string;
  /** Delete the temporary directory (safe to call twice). */
  remove(): void;
}

function git(args: string[]): string {
  const result = spawnSync("git", args, { cwd: ROOT, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

/** The files the export needs: `lib/` always, the rest when the revision has them. */
function exportedPaths(commit: string): string[] {
  const top = new Set(git(["ls-tree", "--name-only", commit]).split("\n"));
  if (!top.has("lib")) throw new Error(`${commit} has no lib/ folder.`);
  if (!git(["ls-tree", "--name-only", `${commit}:lib`]).split("\n").includes("index.ts")) throw new Error(`${commit} has no lib/index.ts.`);
  return ["lib", ...["package.json", "tsconfig.json", "tsconfig.build.json"].filter((f) => top.has(f))];
}

/**
 * The compiler options: the revision's own build config (its target decides
 * what the emitted code looks like), or this checkout's when it has none;
 * emitted without type checking, since the revision was checked when it was
 * committed and its types may not agree with today's `@types`.
 */
function compilerOptions(dir: string): ts.CompilerOptions {
  const configs = [join(dir, "tsconfig.build.json"), join(dir, "tsconfig.json"), join(ROOT, "tsconfig.json")];
  const config = configs.find((file) => existsSync(file))!;
  const parsed = ts.getParsedCommandLineOfConfigFile(config, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  return {
    ...parsed?.options,
    noEmit: false,
    noCheck: true,
    rootDir: dir,
    outDir: join(dir, "dist"),
    declaration: false,
    declarationMap: false,
    sourceMap: false,
    incremental: false,
    composite: false,
    tsBuildInfoFile: undefined,
  };
}

function compile(dir: string): void {
  const lib = join(dir, "lib");
  const files = readdirSync(lib, { recursive: true, encoding: "utf8" });
  const sources = files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")).map((f) => join(lib, f));
  const program = ts.createProgram(sources, compilerOptions(dir));
  const emitted = program.emit();
  const errors = [...program.getOptionsDiagnostics(), ...program.getSyntacticDiagnostics(), ...emitted.diagnostics].filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (emitted.emitSkipped || errors.length > 0) {
    const host = { getCanonicalFileName: (f: string) => f, getCurrentDirectory: () => dir, getNewLine: () => "\n" };
    throw new Error(`The baseline's lib/ did not compile:\n${ts.formatDiagnostics(errors, host)}`);
  }
  // Files lib/ reads at run time (templates and the like) go beside the output.
  for (const file of files.filter((f) => !f.endsWith(".ts") && statSync(join(lib, f)).isFile())) {
    cpSync(join(lib, file), join(dir, "dist", "lib", file));
  }
}

/**
 * Export and compile `revision`'s `lib/` into a temporary directory under
 * `dist/`; throws when the revision is unknown or does not compile.
 */
export function buildBaseline(revision: string): Baseline {
  const commit = git(["rev-parse", "--verify", `${revision}^{commit}`]);
  mkdirSync(join(ROOT, "dist"), { recursive: true });
  const dir = mkdtempSync(join(ROOT, "dist", "baseline-"));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    const tar = join(dir, "source.tar");
    git(["archive", "--format=tar", `--output=${tar}`, commit, "--", ...exportedPaths(commit)]);
    const untar = spawnSync("tar", ["-xf", tar, "-C", dir], { encoding: "utf8" });
    if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);
    rmSync(tar);
    compile(dir);
    const lib = join(dir, "dist", "lib", "index.js");
    if (!existsSync(lib)) throw new Error(`Compiling ${revision} produced no lib/index.js.`);
    return { revision, commit, lib, remove };
  } catch (error) {
    remove();
    throw error;
  }
}
