/**
 * Templates: HTML pages rendered by a template engine, Django's
 * `render(request, "polls/detail.html", context)`. The engine is one
 * function, `(name, context) => string | Promise<string>`; the application
 * uses nunjucks (extras/nunjucks-engine.ts) when its `templates` option
 * names no other. Resolved once, when the application is made, into
 * `request.settings.templates`, so a request that renders nothing pays
 * nothing and an app with no `templates` option loads no engine.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Request } from "./request.js";
import { Response } from "./response.js";
import type { BuildOptions } from "./route.js";

declare module "./settings.js" {
  // `request.settings.templates` is the app's `Templates` (see `TemplateSettings`).
  interface TemplateSettings extends Templates {}
}

/**
 * A template engine: render the template `name` (a path under the template
 * folder, `"todos/list.html"`) with `context`, to HTML. Whatever it throws
 * becomes a `TemplateError` (a 500). An engine escapes what it inserts
 * unless told otherwise: the context holds what the client sent.
 *
 * @example
 * // Any engine fits in a line or two; this one is for tests.
 * const engine: TemplateEngine = (name, context) => `<p>${escapeHtml(String(context.message))}</p>`;
 * new Application(routes, { templates: { dir: "templates", engine } });
 */
export type TemplateEngine = (name: string, context: Record<string, unknown>) => string | Promise<string>;

/**
 * What every template also sees, computed when a page is rendered (never
 * for a request that renders nothing), like Django's context processors:
 * the values it returns are added to the context, under the view's own.
 * A middleware adds one for its requests with `addTemplateContext`; the
 * app option `templates.context` adds them for every request.
 *
 * @example
 * // Sessions and CSRF plug in this way: nothing here imports them.
 * const user: TemplateContextProvider = (request) => ({ user: request.app.registry.get("currentUser") });
 */
export type TemplateContextProvider = (
  request: Request,
) => Record<string, unknown> | undefined | Promise<Record<string, unknown> | undefined>;

/**
 * The app option `templates`.
 *
 * @example
 * new Application(routes, { templates: { dir: "templates" } });        // nunjucks, `npm install nunjucks`
 */
export interface TemplateOptions {
  /** The template folder. Relative paths are taken from the working directory. */
  dir: string;
  /** The engine; by default nunjucks over `dir`, autoescaping, cached outside debug mode (see `nunjucksEngine`). */
  engine?: TemplateEngine;
  /** Providers of what every page's context also holds (see `TemplateContextProvider`). */
  context?: readonly TemplateContextProvider[];
}

/** An engine that can be loaded ahead of the first page (at `listen()`), so a missing package fails at startup. */
export type LoadableEngine = TemplateEngine & { load?: () => Promise<void> };

/** Where a template failed: its name (under the template folder), and the line and column when the engine said. */
export interface TemplateErrorOptions {
  /** The line, from 1. */
  line?: number | undefined;
  /** The column, from 1. */
  column?: number | undefined;
  /** The engine's own error. */
  cause?: unknown;
}

/**
 * A template that could not be rendered: missing, with a syntax error, or
 * failing while it ran. It is a 500 like any uncaught error: in debug mode
 * its message (the template's name and line) is on the debug page; outside
 * it the client sees only "Internal Server Error", nothing of the template.
 *
 * @example
 * // TemplateError: Template "todos/list.html", line 3, column 8: Unable to call `nope`, which is undefined or falsey
 */
export class TemplateError extends Error {
  /** The template that failed (the included or extended one, when the engine says which). */
  readonly template: string;
  /** The line in that template, from 1, when the engine reported it. */
  readonly line: number | undefined;
  /** The column, from 1, when the engine reported it. */
  readonly column: number | undefined;

  constructor(template: string, reason: string, options: TemplateErrorOptions = {}) {
    const where = options.line === undefined ? "" : options.column === undefined ? `, line ${options.line}` : `, line ${options.line}, column ${options.column}`;
    super(`Template "${template}"${where}: ${reason}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "TemplateError";
    this.template = template;
    this.line = options.line;
    this.column = options.column;
  }
}

/**
 * The app's templates, resolved once from the `templates` option: the
 * folder, the engine and the context providers. `request.settings.templates`
 * holds it; `render()`, `handler.render()` and the error pages use it.
 */
export class Templates {
  /** The template folder, absolute. */
  readonly dir: string;
  /** The engine (the app's `debug` decides whether nunjucks caches). */
  readonly engine: LoadableEngine;
  /** The app-wide context providers. */
  readonly context: readonly TemplateContextProvider[];
  readonly #debug: boolean;
  // `<status>.html` looked up once per status outside debug mode (a file
  // added later is seen after a restart, as the templates themselves).
  readonly #errorTemplates = new Map<number, string | undefined>();

  constructor(options: TemplateOptions & { engine: LoadableEngine }, debug: boolean) {
    this.dir = resolve(options.dir);
    this.engine = options.engine;
    this.context = Object.freeze([...(options.context ?? [])]);
    this.#debug = debug;
  }

  /** Load the engine now (the application does it at `listen()`): a missing engine package fails there, not on the first page. */
  async load(): Promise<void> {
    await this.engine.load?.();
  }

  /**
   * The error template for `status`, Django's rule: `404.html` (or any
   * `<status>.html`) in the template folder, or `undefined`.
   */
  errorTemplate(status: number): string | undefined {
    if (!this.#debug && this.#errorTemplates.has(status)) return this.#errorTemplates.get(status);
    const name = `${status}.html`;
    const found = existsSync(join(this.dir, name)) ? name : undefined;
    if (!this.#debug) this.#errorTemplates.set(status, found);
    return found;
  }

  /**
   * Render `name` for `request` to a string. The context holds `request`,
   * `uriFor(name, params?, options?)` (URLs relative to this request), what
   * the providers give (the app's, then the request's), then `context`,
   * whose names win. Anything the engine throws is a `TemplateError`.
   */
  async render(request: Request, name: string, context: Record<string, unknown> = {}): Promise<string> {
    const full: Record<string, unknown> = { request, uriFor: uriForOf(request) };
    for (const provider of this.context) Object.assign(full, await provider(request));
    const own = requestProviders.get(request);
    if (own !== undefined) for (const provider of own) Object.assign(full, await provider(request));
    Object.assign(full, context);
    // An engine that cannot load (its package missing) says so as it is, not as a template's fault.
    await this.engine.load?.();
    try {
      return await this.engine(name, full);
    } catch (error) {
      if (error instanceof TemplateError) throw error;
      throw new TemplateError(name, error instanceof Error ? error.message : String(error), { cause: error });
    }
  }
}

// The providers middleware added to one request, kept off the Request
// itself so a request that adds none pays nothing.
const requestProviders = new WeakMap<Request, TemplateContextProvider[]>();

/**
 * Add a context provider for one request: what a middleware calls so every
 * page rendered for that request also sees its values (a session's flash
 * messages, a CSRF token). It runs only if a page is rendered.
 *
 * @example
 * const flashes: TemplateContextProvider = (request) => ({ flashes: (request as any).session?.flashes() ?? [] });
 * app.use((request, next) => {
 *   addTemplateContext(request, flashes);
 *   return next();
 * });
 */
export function addTemplateContext(request: Request, provider: TemplateContextProvider): void {
  const list = requestProviders.get(request);
  if (list === undefined) requestProviders.set(request, [provider]);
  else list.push(provider);
}

// `uriFor` as templates call it. nunjucks passes keyword arguments
// (`uriFor("user", id=7)`) as a last object marked `__keywords`: that
// marker is not a parameter.
function uriForOf(request: Request) {
  return (name: string, params?: Record<string, unknown>, options?: BuildOptions): string => {
    if (params !== undefined && Object.hasOwn(params, "__keywords")) {
      const { __keywords: _, ...rest } = params;
      params = rest;
    }
    return request.app.router.build(request, name, params, options);
  };
}

const HTML = "text/html; charset=utf-8";

/** The templates in force for `request`, or a clear error when the app has none. */
function templatesOf(request: Request, name: string): Templates {
  const templates = request.settings.templates;
  if (templates === undefined) {
    throw new Error(`render("${name}") needs templates: give the application the option templates: { dir: "templates" }.`);
  }
  return templates;
}

/**
 * Render the template `name` for `request` into `response` (a fresh one by
 * default): its body, `Content-Type: text/html; charset=utf-8`, and
 * `status` when given. What `render()` and `handler.render()` share.
 */
export async function renderInto(request: Request, name: string, context: Record<string, unknown> | undefined, status: number | undefined, response = new Response()): Promise<Response> {
  const html = await templatesOf(request, name).render(request, name, context);
  if (status !== undefined) response.setStatus(status);
  response.setBody(html);
  response.headers.set("content-type", HTML);
  return response;
}

/**
 * Render a template to an HTML response, Django's `render()` for function
 * handlers: `text/html; charset=utf-8`, status 200 unless given. The
 * context also holds `request`, `uriFor` and what the context providers
 * give. The app needs the `templates` option.
 *
 * @example
 * app.route("/todos")(async (request) => render(request, "todos/list.html", { todos: await db.todos() }));
 */
export function render(request: Request, name: string, context?: Record<string, unknown>, status?: number): Promise<Response> {
  return renderInto(request, name, context, status);
}
