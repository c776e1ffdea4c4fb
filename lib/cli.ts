#!/usr/bin/env node
/**
 * The `handlerkit` command: `handlerkit serve [--workers N] [--port P]
 * [--host H] app-module`, which imports a module that exports an
 * application (as `default` or `app`) and runs it as `app.run()` does;
 * `handlerkit --help` and `handlerkit --version`. Arguments are read by
 * `node:util`'s `parseArgs`, strictly.
 */
import { readFileSync, realpathSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { Application } from "./application.js";
import type { RunOptions } from "./server/server.js";

const USAGE = `usage: handlerkit serve [--workers N|auto] [--port P] [--host H] app-module
       handlerkit --help | --version`;

const HELP = `${USAGE}

Commands:
  serve app-module    Run the application app-module exports (as default, or
                      as "app"), as app.run() does: listen, and on SIGINT or
                      SIGTERM close gracefully.

Options of serve:
  --port P            the port to listen on (default: PORT, else 8080)
  --host H            the interface to listen on (default: HOST, else all)
  --workers N|auto    fork N worker processes (auto: one per core)

Options:
  -h, --help          print this help
  -v, --version       print the version of handlerkit`;

// Every option of every command: parseArgs refuses any other.
const OPTIONS = {
  workers: { type: "string" },
  port: { type: "string" },
  host: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} as const;

/** What `handlerkit serve` was asked to do. */
export interface ServeCommand {
  /** The module to import, as given. */
  module: string;
  options: RunOptions;
}

/** What the command line asks for: the help, the version, or to serve an app. */
export type CliCommand = { command: "help" } | { command: "version" } | ({ command: "serve" } & ServeCommand);

/**
 * Read the command line (without the `node` and script paths); throws a
 * `TypeError` whose one-line message says what is wrong. `--help` and
 * `--version` win over a command.
 *
 * @example
 * parseCommandLine(["serve", "--port", "3000", "dist/app.js"]); // { command: "serve", module: "dist/app.js", options: { port: 3000 } }
 * parseCommandLine(["--version"]); // { command: "version" }
 */
export function parseCommandLine(args: readonly string[]): CliCommand {
  const { values, positionals } = strictly(args);
  if (values.help) return { command: "help" };
  if (values.version) return { command: "version" };
  const [command, module, extra] = positionals;
  if (command !== "serve") throw new TypeError(command === undefined ? "no command given" : `unknown command "${command}"`);
  if (module === undefined) throw new TypeError("no app module given");
  if (extra !== undefined) throw new TypeError(`one app module only, got "${module}" and "${extra}"`);
  const options: RunOptions = {};
  if (values.workers !== undefined) options.workers = count(values.workers);
  if (values.port !== undefined) options.port = port(values.port);
  if (values.host !== undefined) options.host = host(values.host);
  return { command: "serve", module, options };
}

/**
 * Read `serve` arguments; throws a `TypeError` saying what is wrong, also
 * when they ask for `--help` or `--version` instead.
 *
 * @example
 * parseServeArgs(["serve", "--workers", "4", "dist/app.js"]); // { module: "dist/app.js", options: { workers: 4 } }
 */
export function parseServeArgs(args: readonly string[]): ServeCommand {
  const parsed = parseCommandLine(args);
  if (parsed.command !== "serve") throw new TypeError(`--${parsed.command} asks for no serve command`);
  return { module: parsed.module, options: parsed.options };
}

function strictly(args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new TypeError(misuse(args, error as Error));
  }
}

// parseArgs says what is wrong at length, over several lines; the tokens of
// a lenient reading name the culprit in a line of our own.
function misuse(args: readonly string[], error: Error): string {
  const { tokens } = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    if (!Object.hasOwn(OPTIONS, token.name)) return `unknown option ${token.rawName}`;
    const { type } = OPTIONS[token.name as keyof typeof OPTIONS];
    // A lenient reading takes `--port --host` as a port of "--host".
    if (type === "string" && (token.value === undefined || (!token.inlineValue && token.value.startsWith("-")))) return `${token.rawName} needs a value`;
    if (type === "boolean" && token.value !== undefined) return `${token.rawName} takes no value`;
  }
  return error.message.split("\n")[0]!;
}

function count(value: string): number {
  if (value === "auto") return availableParallelism();
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new TypeError(`--workers must be a positive whole number or "auto", not "${value}"`);
  return n;
}

function port(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n <= 65535)) throw new TypeError(`--port must be a port number, not "${value}"`);
  return n;
}

function host(value: string): string {
  if (value === "") throw new TypeError("--host needs a value");
  return value;
}

/** The version in handlerkit's package.json, found above this file whether it runs from `lib/` or from a build. */
function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: unknown; version?: unknown };
      if (pkg.name === "handlerkit" && typeof pkg.version === "string") return pkg.version;
    } catch {
      // No package.json here (or another package's): look further up.
    }
    if (dirname(dir) === dir) return "unknown";
  }
}

/**
 * Run the command line; resolves once the app is running, or once the help
 * or the version is printed on stdout. A usage error is printed on stderr,
 * in a line followed by the usage, and exits 2.
 */
export async function main(args: readonly string[]): Promise<void> {
  let command: CliCommand;
  try {
    command = parseCommandLine(args);
  } catch (error) {
    return usageError((error as Error).message);
  }
  if (command.command === "help" || command.command === "version") {
    process.stdout.write(`${command.command === "help" ? HELP : packageVersion()}\n`);
    return;
  }
  const exports = (await import(pathToFileURL(resolve(command.module)).href)) as { default?: unknown; app?: unknown };
  const app = isApplication(exports.default) ? exports.default : exports.app;
  if (!isApplication(app)) return usageError(`${command.module} exports no application (as default or as "app")`);
  await app.run(command.options);
}

function usageError(message: string): void {
  console.error(`handlerkit: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function isApplication(value: unknown): value is Application<any, any> {
  return typeof (value as Application | undefined)?.run === "function" && typeof (value as Application).handle === "function";
}

// Run only as the entry point (npm links it as `handlerkit`, hence the
// realpath), not when imported.
function isEntryPoint(): boolean {
  try {
    return process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) await main(process.argv.slice(2));
