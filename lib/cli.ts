#!/usr/bin/env node
/**
 * The `handlerkit` command: `serve` an app module or a routes folder,
 * print its `routes` (as text, JSON or a declaration of their types) or its
 * `openapi` document,
 * `add-handler` to a routes folder, and scaffold a `new` project. Every
 * command has `--help`; `--version` prints the package version. Arguments
 * are read by `node:util`'s `parseArgs`, strictly. Exit codes: 0 done, 1
 * failed, 2 a usage error.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { Application } from "./application.js";
import { ROUTE_MODULE_NAMES, folderTemplate } from "./routes/route-folder.js";
import { formatRouteTable, routeTable } from "./routes/route-table.js";
import { routeTypes } from "./routes/route-types.js";
import { handlerModuleSource, packageName, parseMethods, projectFiles, routePathSegments } from "./routes/scaffold.js";
import type { FolderSegment } from "./routes/route-folder.js";
import type { RunOptions } from "./server/server.js";

const COMMON = {
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} as const;

/** Each command: its options (parseArgs refuses any other), its usage line and its help. */
const COMMANDS = {
  serve: {
    options: { ...COMMON, port: { type: "string" }, host: { type: "string" }, workers: { type: "string" }, watch: { type: "boolean" } },
    usage: "handlerkit serve [--port P] [--host H] [--workers N|auto] [--watch] [app-module | routes-dir]",
    help: `Serve an app module (it exports the application as default or as "app") or a
routes folder (default: routes), as app.run() does: listen, and on SIGINT or
SIGTERM close gracefully.

  --port P            the port to listen on (default: PORT, else 8080)
  --host H            the interface to listen on (default: HOST, else all)
  --workers N|auto    fork N worker processes (auto: one per core)
  --watch             restart on changes (node --watch: the module's imports,
                      or everything under the routes folder)`,
  },
  routes: {
    options: { ...COMMON, json: { type: "boolean" }, types: { type: "boolean" }, out: { type: "string" } },
    usage: "handlerkit routes [--json | --types [--out FILE]] [app-module | routes-dir]",
    help: `Print the route table of an app module or a routes folder (default: routes):
methods, pattern, name, handler and source file, in matching order.

  --json              print it as JSON
  --types             print a declaration of the named routes (export type
                      Routes) for Application.fromRoutes<Routes>(dir)
  --out FILE          write the --types declaration to FILE instead`,
  },
  openapi: {
    options: { ...COMMON, out: { type: "string" }, title: { type: "string" }, "api-version": { type: "string" } },
    usage: "handlerkit openapi [--out FILE] [--title T] [--api-version V] [app-module | routes-dir]",
    help: `Print the OpenAPI 3.1 document of an app module or a routes folder (default:
routes), as app.openapi() builds it: paths from the route templates, methods,
names, and parameters, bodies and responses from the route schemas.

  --out FILE          write it to FILE instead (openapi.json)
  --title T           the API's title (default: the name in ./package.json)
  --api-version V     the API's version (default: the version in ./package.json)`,
  },
  "add-handler": {
    options: { ...COMMON, class: { type: "boolean" }, methods: { type: "string" }, dir: { type: "string" } },
    usage: "handlerkit add-handler [--class] [--methods get,post] [--dir routes] route-path",
    help: `Create <dir>/<route-path>/handlers.ts with a stub for each method, and the
folders on the way; route-path is relative to the routes folder: todo,
todo/[id] (a parameter), files/[...path] (a splat), or . for the folder itself.
An existing file is never overwritten.

  --class             a RequestHandler subclass rather than verb functions
  --methods LIST      the verbs, comma-separated (default: get)
  --dir DIR           the routes folder (default: routes)`,
  },
  new: {
    options: { ...COMMON, handlerkit: { type: "string" } },
    usage: "handlerkit new [--handlerkit SPEC] dir",
    help: `Create a project in dir (new or empty): package.json, tsconfig.json, a
routes folder with one handler and a spec, so that npm install && npm test
pass at once.

  --handlerkit SPEC   the handlerkit dependency to write: a version range or a
                      tarball, file:../handlerkit-x.y.z.tgz (default: ^<version>)`,
  },
} as const;

type CommandName = keyof typeof COMMANDS;

const USAGE = `usage: ${Object.values(COMMANDS).map((c) => c.usage).join("\n       ")}
       handlerkit <command> --help | handlerkit --help | --version`;

const HELP = `${USAGE}

Commands:
  serve [target]      serve an app module or a routes folder
  routes [target]     print the route table (--json, --types)
  openapi [target]    print the OpenAPI 3.1 document (--out FILE)
  add-handler path    create routes/<path>/handlers.ts
  new dir             scaffold a project

Options:
  -h, --help          print this help, or a command's with the command
  -v, --version       print the version of handlerkit`;

/** What `handlerkit serve` was asked to do. */
export interface ServeCommand {
  /** The app module or routes folder, as given (`routes` when none is). */
  module: string;
  options: RunOptions;
  /** Restart on changes, through `node --watch`. */
  watch?: true;
}

/** What the command line asks for. */
export type CliCommand =
  | { command: "help"; topic?: CommandName }
  | { command: "version" }
  | ({ command: "serve" } & ServeCommand)
  | { command: "routes"; module: string; format: "text" | "json" | "types"; out?: string }
  | { command: "openapi"; module: string; out?: string; title?: string; apiVersion?: string }
  | { command: "add-handler"; path: string; segments: FolderSegment[]; methods: string[]; asClass: boolean; dir: string }
  | { command: "new"; dir: string; handlerkit?: string };

/**
 * Read the command line (without the `node` and script paths); throws a
 * `TypeError` whose one-line message says what is wrong. `--help` and
 * `--version` win over the rest; `<command> --help` asks for that
 * command's help.
 *
 * @example
 * parseCommandLine(["serve", "--port", "3000", "dist/app.js"]); // { command: "serve", module: "dist/app.js", options: { port: 3000 } }
 * parseCommandLine(["add-handler", "todo"]); // { command: "add-handler", path: "todo", methods: ["GET"], ... }
 */
export function parseCommandLine(args: readonly string[]): CliCommand {
  const name = args[0];
  if (name === undefined || !Object.hasOwn(COMMANDS, name)) {
    const { values, positionals } = strictly(args, COMMON);
    if (values.help) return { command: "help" };
    if (values.version) return { command: "version" };
    throw new TypeError(positionals[0] === undefined ? "no command given" : `unknown command "${positionals[0]}"`);
  }
  const command = name as CommandName;
  const { values, positionals } = strictly(args.slice(1), COMMANDS[command].options) as { values: Record<string, string | boolean | undefined>; positionals: string[] };
  if (values.help) return { command: "help", topic: command };
  if (values.version) return { command: "version" };
  const [target, extra] = positionals;
  if (extra !== undefined) throw new TypeError(`${command} takes one ${command === "new" ? "dir" : command === "add-handler" ? "route path" : "app module or routes folder"}, got "${target}" and "${extra}"`);
  switch (command) {
    case "serve": {
      const options: RunOptions = {};
      if (values.workers !== undefined) options.workers = count(values.workers as string);
      if (values.port !== undefined) options.port = port(values.port as string);
      if (values.host !== undefined) options.host = host(values.host as string);
      return { command, module: target ?? "routes", options, ...(values.watch ? { watch: true as const } : {}) };
    }
    case "routes": {
      if (values.json && values.types) throw new TypeError("--json and --types ask for two outputs: give one");
      if (values.out !== undefined && !values.types) throw new TypeError("--out is where --types writes: give --types too");
      const out = values.out === undefined ? {} : { out: nonEmpty("--out", values.out as string) };
      return { command, module: target ?? "routes", format: values.types ? "types" : values.json ? "json" : "text", ...out };
    }
    case "openapi": {
      const out = values.out === undefined ? {} : { out: nonEmpty("--out", values.out as string) };
      const title = values.title === undefined ? {} : { title: nonEmpty("--title", values.title as string) };
      const apiVersion = values["api-version"] === undefined ? {} : { apiVersion: nonEmpty("--api-version", values["api-version"] as string) };
      return { command, module: target ?? "routes", ...out, ...title, ...apiVersion };
    }
    case "add-handler": {
      if (target === undefined) throw new TypeError("no route path given: handlerkit add-handler todo creates routes/todo/handlers.ts");
      const methods = values.methods === undefined ? ["GET"] : parseMethods(values.methods as string);
      const dir = values.dir === undefined ? "routes" : nonEmpty("--dir", values.dir as string);
      return { command, path: target, segments: routePathSegments(target), methods, asClass: values.class === true, dir };
    }
    case "new": {
      if (target === undefined) throw new TypeError("no dir given: handlerkit new my-app creates my-app/");
      return { command, dir: target, ...(values.handlerkit === undefined ? {} : { handlerkit: nonEmpty("--handlerkit", values.handlerkit as string) }) };
    }
  }
}

/**
 * Read `serve` arguments; throws a `TypeError` saying what is wrong, also
 * when they ask for another command, `--help` or `--version` instead.
 *
 * @example
 * parseServeArgs(["serve", "--workers", "4", "dist/app.js"]); // { module: "dist/app.js", options: { workers: 4 } }
 */
export function parseServeArgs(args: readonly string[]): ServeCommand {
  const parsed = parseCommandLine(args);
  if (parsed.command !== "serve") throw new TypeError(`${parsed.command === "help" || parsed.command === "version" ? `--${parsed.command}` : parsed.command} asks for no serve command`);
  const { command: _, ...serve } = parsed;
  return serve;
}

type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string }>;

function strictly(args: readonly string[], options: OptionSpec) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new TypeError(misuse(args, options, error as Error));
  }
}

// parseArgs says what is wrong at length, over several lines; the tokens of
// a lenient reading name the culprit in a line of our own.
function misuse(args: readonly string[], options: OptionSpec, error: Error): string {
  const { tokens } = parseArgs({ args: [...args], options, allowPositionals: true, strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    if (!Object.hasOwn(options, token.name)) return `unknown option ${token.rawName}`;
    const { type } = options[token.name]!;
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
  return nonEmpty("--host", value);
}

function nonEmpty(option: string, value: string): string {
  if (value === "") throw new TypeError(`${option} needs a value`);
  return value;
}

/** handlerkit's package.json, found above this file whether it runs from `lib/` or from a build. */
function ownPackage(): { version: string; devDependencies?: Record<string, string> } {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: unknown; version?: unknown; devDependencies?: Record<string, string> };
      if (pkg.name === "handlerkit" && typeof pkg.version === "string") return pkg as { version: string };
    } catch {
      // No package.json here (or another package's): look further up.
    }
    if (dirname(dir) === dir) return { version: "unknown" };
  }
}

/**
 * Run the command line; resolves once the command is done (for `serve`,
 * once the app is running). A usage error is one line on stderr followed by
 * the usage, and exit code 2; a failure (a file that exists, a routes
 * folder that does not load) is one line on stderr and exit code 1.
 */
export async function main(args: readonly string[]): Promise<void> {
  let command: CliCommand;
  try {
    command = parseCommandLine(args);
  } catch (error) {
    return usageError((error as Error).message, Object.hasOwn(COMMANDS, args[0] ?? "") ? (args[0] as CommandName) : undefined);
  }
  try {
    await run(command, args);
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message, error.topic);
    console.error(`handlerkit: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

/** A usage error found past parsing (a module that exports no application). */
class UsageError extends Error {
  constructor(message: string, readonly topic: CommandName) {
    super(message);
  }
}

async function run(command: CliCommand, args: readonly string[]): Promise<void> {
  switch (command.command) {
    case "help":
      return print(command.topic === undefined ? HELP : `usage: ${COMMANDS[command.topic].usage}\n\n${COMMANDS[command.topic].help}`);
    case "version":
      return print(ownPackage().version);
    case "serve":
      if (command.watch) return watch(command.module, args);
      await (await loadApp(command.module, "serve")).run(command.options);
      return;
    case "routes":
      return printRoutes(await loadApp(command.module, "routes"), command);
    case "openapi":
      return printOpenApi(await loadApp(command.module, "openapi"), command);
    case "add-handler":
      return print(addHandler(command));
    case "new":
      return print(newProject(command));
  }
}

function print(text: string): void {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

function usageError(message: string, topic?: CommandName): void {
  console.error(`handlerkit: ${message}\n\n${topic === undefined ? USAGE : `usage: ${COMMANDS[topic].usage}`}`);
  process.exit(2);
}

/** The application of an app module (its `default` or `app` export), or one made from a routes folder. */
async function loadApp(target: string, topic: CommandName): Promise<Application<any, any>> {
  const path = resolve(target);
  if (existsSync(path) && statSync(path).isDirectory()) return Application.fromRoutes(path);
  if (!existsSync(path)) throw new Error(`${target} does not exist: give an app module or a routes folder`);
  const exports = (await import(pathToFileURL(path).href)) as { default?: unknown; app?: unknown };
  const app = isApplication(exports.default) ? exports.default : exports.app;
  if (!isApplication(app)) throw new UsageError(`${target} exports no application (as default or as "app")`, topic);
  return app;
}

function isApplication(value: unknown): value is Application<any, any> {
  return typeof (value as Application | undefined)?.run === "function" && typeof (value as Application).handle === "function";
}

function printRoutes(app: Application<any, any>, command: Extract<CliCommand, { command: "routes" }>): void {
  const routes = app.router.routes;
  if (command.format === "text") return print(formatRouteTable(routeTable(routes)));
  if (command.format === "json") return print(JSON.stringify(routeTable(routes), null, 2));
  const types = routeTypes(routes, { folder: command.module });
  if (command.out === undefined) return print(types);
  writeFileSync(command.out, types);
  print(`wrote ${command.out}: ${types.split("\n").filter((line) => line.startsWith("  Route<")).length} named routes`);
}

// The document of `handlerkit openapi`, with its title and version from the
// options, else from the package.json of the folder it runs in.
function printOpenApi(app: Application<any, any>, command: Extract<CliCommand, { command: "openapi" }>): void {
  let pkg: { name?: unknown; version?: unknown; description?: unknown } = {};
  try {
    pkg = JSON.parse(readFileSync("package.json", "utf8")) as typeof pkg;
  } catch {
    // No package.json here: the defaults below, unless the options say.
  }
  const title = command.title ?? (typeof pkg.name === "string" ? pkg.name : "API");
  const version = command.apiVersion ?? (typeof pkg.version === "string" ? pkg.version : "0.0.0");
  const info = { title, version, ...(command.title === undefined && typeof pkg.description === "string" ? { description: pkg.description } : {}) };
  const document = app.openapi({ info });
  const operations = Object.values(document.paths).reduce((n, item) => n + Object.keys(item).length, 0);
  if (operations === 0) console.error("handlerkit: no route has a template to document (RegExp and build-only routes are left out)");
  const text = `${JSON.stringify(document, null, 2)}\n`;
  if (command.out === undefined) return print(text);
  writeFileSync(command.out, text);
  const paths = Object.keys(document.paths).length;
  print(`wrote ${command.out}: ${paths} path${paths === 1 ? "" : "s"}, ${operations} operation${operations === 1 ? "" : "s"}`);
}

// `node --watch` restarts this same command line, without --watch, on changes:
// of what the app module imports, or of anything under the routes folder
// (where a new handler is no import yet). It does the watching, not us.
function watch(target: string, args: readonly string[]): Promise<void> {
  const path = resolve(target);
  const folder = existsSync(path) && statSync(path).isDirectory();
  const rest = args.filter((arg) => arg !== "--watch");
  const child = spawn(process.execPath, [folder ? `--watch-path=${path}` : "--watch", fileURLToPath(import.meta.url), ...rest], { stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  return new Promise((done) => {
    child.on("exit", (code, signal) => {
      process.exitCode = code ?? (signal === "SIGINT" || signal === "SIGTERM" ? 0 : 1);
      done();
    });
  });
}

function addHandler(command: Extract<CliCommand, { command: "add-handler" }>): string {
  const folder = join(command.dir, ...command.path.split("/").filter((s) => s !== "." && s !== ""));
  const file = join(folder, "handlers.ts");
  for (const name of ROUTE_MODULE_NAMES) {
    const existing = join(folder, name);
    if (existsSync(existing)) throw new Error(`${existing} exists: edit it, or remove it to start again (add-handler never overwrites)`);
  }
  mkdirSync(folder, { recursive: true });
  writeFileSync(file, handlerModuleSource(command.segments, command.methods, command.asClass), { flag: "wx" });
  return `created ${file}: ${command.methods.join(", ")} ${folderTemplate(command.segments)}`;
}

function newProject(command: Extract<CliCommand, { command: "new" }>): string {
  const dir = resolve(command.dir);
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)) throw new Error(`${command.dir} is not empty: give a new or empty folder`);
  const pkg = ownPackage();
  const files = projectFiles({
    name: packageName(basename(dir)),
    handlerkit: command.handlerkit ?? `^${pkg.version}`,
    typescript: pkg.devDependencies?.typescript ?? "5.9.3",
    typesNode: pkg.devDependencies?.["@types/node"] ?? "20.19.43",
  });
  for (const [name, text] of Object.entries(files)) {
    const file = join(dir, name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text, { flag: "wx" });
  }
  const where = relative(process.cwd(), dir) || ".";
  return `created ${where}: ${Object.keys(files).join(", ")}\nnext: cd ${where} && npm install && npm test`;
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
