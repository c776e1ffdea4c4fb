/**
 * The template engine handlerkit ships an adapter for: nunjucks, Mozilla's
 * port of Jinja2, the engine webapp2 used (`webapp2_extras.jinja2`) and the
 * syntax Django's templates share (`{% extends %}`, `{% block %}`,
 * `{{ value | filter }}`). It is an optional peer dependency, imported the
 * first time a page is rendered (or at `listen()`), so an application that
 * renders nothing installs nothing.
 */
import { relative, resolve } from "node:path";
import { TemplateError, type LoadableEngine } from "../core/templates.js";

/** The part of a nunjucks `Environment` that `configure` is given (filters, globals, extensions). */
export interface NunjucksEnvironment {
  /** A filter, `{{ value | name(args) }}`; an `async` one takes a callback last. */
  addFilter(name: string, filter: (...args: any[]) => unknown, async?: boolean): unknown;
  /** A value or function every template sees. */
  addGlobal(name: string, value: unknown): unknown;
  /** A custom tag (see nunjucks' extension docs). */
  addExtension(name: string, extension: unknown): unknown;
}

/** Options of {@link nunjucksEngine}. */
export interface NunjucksOptions {
  /** The template folder. */
  dir: string;
  /**
   * Read each template from disk on every render, so an edit shows on the
   * next request (the app's `debug`, for the default engine). Otherwise a
   * template is read and compiled once, then served from memory.
   */
  debug?: boolean;
  /** Escape every `{{ value }}` (`| safe` opts out). Default true; turning it off lets what a client sent run as HTML. */
  autoescape?: boolean;
  /** Add filters, globals or extensions to the environment, once, when it is made. */
  configure?: (env: NunjucksEnvironment) => void;
}

/** What {@link nunjucksEngine} makes: an always-asynchronous `TemplateEngine` that can be loaded ahead. */
export type NunjucksEngine = ((name: string, context: Record<string, unknown>) => Promise<string>) & Required<Pick<LoadableEngine, "load">>;

/**
 * A template engine on nunjucks over a folder, autoescaping. The `nunjucks`
 * package is imported on first use; when it is not installed, rendering
 * (and `app.listen()`) fails with an error saying `npm install nunjucks`.
 * A template that fails is a `TemplateError` naming the template (the
 * included or extended one where the failure is) and its line.
 *
 * @example
 * const engine = nunjucksEngine({
 *   dir: "templates",
 *   configure: (env) => env.addFilter("money", (cents: number) => (cents / 100).toFixed(2)),
 * });
 * new Application(routes, { templates: { dir: "templates", engine } });
 */
export function nunjucksEngine(options: NunjucksOptions): NunjucksEngine {
  const dir = resolve(options.dir);
  let environment: Promise<Environment> | undefined;
  const ready = (): Promise<Environment> => (environment ??= createEnvironment(dir, options));
  const engine = async (name: string, context: Record<string, unknown>): Promise<string> => {
    const env = await ready();
    return new Promise((done, fail) => {
      env.render(name, context, (error, html) => (error ? fail(toTemplateError(error, name, dir)) : done(html ?? "")));
    });
  };
  return Object.assign(engine, { load: async () => void (await ready()) });
}

type Environment = import("nunjucks").Environment;

async function createEnvironment(dir: string, options: NunjucksOptions): Promise<Environment> {
  let nunjucks: typeof import("nunjucks");
  try {
    nunjucks = await import("nunjucks");
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code !== "ERR_MODULE_NOT_FOUND") throw error;
    throw new Error(
      `The templates option needs the template engine nunjucks, which is not installed: run \`npm install nunjucks\` (or give templates.engine). Template folder: ${dir}`,
      { cause: error },
    );
  }
  const loader = new nunjucks.FileSystemLoader(dir, { noCache: options.debug ?? false });
  // `dev` keeps nunjucks' own error (with its line and cause) rather than a copy holding only the message.
  const env = new nunjucks.Environment(loader, { autoescape: options.autoescape ?? true, dev: true });
  options.configure?.(env);
  return env;
}

// nunjucks writes where an error is into its message, one
// `(path) [Line n, Column m]` line per template it passed through, the
// innermost with the line. Its line and column fields count from 0 for an
// error raised while the template ran (which carries a `cause`) and from 1
// for a syntax error.
const WHERE = /\(([^()\n]+)\) \[Line \d+/;
const PREFIXES = /^(?:\s*\([^\n]*\)(?: \[Line [^\]\n]*\])?\n)+\s*/;

function toTemplateError(error: unknown, name: string, dir: string): TemplateError {
  if (error instanceof TemplateError) return error;
  const e = (typeof error === "object" && error !== null ? error : {}) as { message?: unknown; lineno?: unknown; colno?: unknown; cause?: unknown };
  const message = typeof e.message === "string" ? e.message : String(error);
  const path = WHERE.exec(message)?.[1];
  const template = path === undefined ? name : relative(dir, path).split("\\").join("/");
  const base = e.cause === undefined ? 0 : 1;
  const line = typeof e.lineno === "number" ? e.lineno + base : undefined;
  const column = typeof e.colno === "number" && line !== undefined ? e.colno + base : undefined;
  return new TemplateError(template, message.replace(PREFIXES, "").trim(), { line, column, cause: e.cause ?? error });
}
