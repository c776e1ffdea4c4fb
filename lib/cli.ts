#!/usr/bin/env node
/**
 * The `handlerkit` command: `handlerkit serve [--workers N] [--port P]
 * [--host H] app-module`, which imports a module that exports an
 * application (as `default` or `app`) and runs it as `app.run()` does.
 */
import { realpathSync } from "node:fs";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Application } from "./application.js";
import type { RunOptions } from "./server/server.js";

const USAGE = `usage: handlerkit serve [--workers N|auto] [--port P] [--host H] app-module

Runs the application exported (as default, or as "app") by app-module:
listens on --port or PORT (8080), --host or HOST (all interfaces), and on
SIGINT/SIGTERM closes gracefully. --workers forks N processes (auto: one per core).`;

/** What `handlerkit serve` was asked to do. */
export interface ServeCommand {
  /** The module to import, as given. */
  module: string;
  options: RunOptions;
}

/**
 * Read `serve` arguments; throws a `TypeError` saying what is wrong.
 *
 * @example
 * parseServeArgs(["serve", "--workers", "4", "dist/app.js"]); // { module: "dist/app.js", options: { workers: 4 } }
 */
export function parseServeArgs(args: readonly string[]): ServeCommand {
  const [command, ...rest] = args;
  if (command !== "serve") throw new TypeError(command === undefined ? "no command given" : `unknown command "${command}"`);
  const options: RunOptions = {};
  let module: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? rest[++i];
      if (v === undefined) throw new TypeError(`${flag} needs a value`);
      return v;
    };
    if (flag === "--workers") options.workers = count(value());
    else if (flag === "--port") options.port = port(value());
    else if (flag === "--host") options.host = value();
    else if (flag.startsWith("-")) throw new TypeError(`unknown option ${flag}`);
    else if (module === undefined) module = arg;
    else throw new TypeError(`one app module only, got "${module}" and "${arg}"`);
  }
  if (module === undefined) throw new TypeError("no app module given");
  return { module, options };
}

function count(value: string): number {
  if (value === "auto") return availableParallelism();
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new TypeError(`--workers must be a positive whole number or "auto", not "${value}"`);
  return n;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new TypeError(`--port must be a port number, not "${value}"`);
  return n;
}

/** Run the command line; resolves once the app is running. A usage error is printed with the usage, and exits 2. */
export async function main(args: readonly string[]): Promise<void> {
  let command: ServeCommand;
  try {
    command = parseServeArgs(args);
  } catch (error) {
    return usageError((error as Error).message);
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
