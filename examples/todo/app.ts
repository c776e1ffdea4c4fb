/**
 * The todo application: `createTodoApp(options)` opens (or creates) its
 * database, makes sure the demo user exists, loads the routes of
 * `routes/`, and adds the middleware, the templates and the error views.
 * It reads no environment and prints nothing unless asked, so a test makes
 * one on a temporary file; `site.ts` makes the one `npm start` serves.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Application, compress, errorPage, hashPassword, needsRehash, serveStatic, verifyPassword, type Logger } from "../../lib/index.js";
import { isApi, pageContext, pageMiddleware } from "./pages.js";
import { TodoRepository } from "./repository.js";
import type { TodoState } from "./state.js";

/** Options of `createTodoApp()`. */
export interface TodoAppOptions {
  /** The SQLite file (made, with its folder, when missing). */
  db: string;
  /** The folder for attachments; by default `<db name>-attachments` beside the database file. */
  attachments?: string;
  /** The demo user, made on first start; the password is set to this one at every start. */
  user: { name: string; password: string };
  /** The API token (`Authorization: Bearer <token>`). */
  apiToken: string;
  /** The secret that signs session cookies (32 bytes or more). */
  secret: string;
  /** handlerkit's debug mode: the debug page instead of the error templates, templates re-read on every render. */
  debug?: boolean;
  logger?: Logger;
  /** Lines to print when the server starts (the URL is printed by `run()` after them). */
  banner?: readonly string[];
}

/**
 * A folder of the example's sources (`templates`, `public`, `data`): beside
 * this file when it runs from the sources (vitest), and back in the source
 * tree when it runs from the build in dist/examples/todo/, since tsc
 * copies no templates or assets.
 */
export function sourceFolder(name: string): string {
  return join(EXAMPLE_SOURCES, name);
}

// The folder holding templates/ is the example's source folder.
const EXAMPLE_SOURCES = findSources();

function findSources(): string {
  const candidates = [new URL("./", import.meta.url), new URL("../../../examples/todo/", import.meta.url)].map((url) => fileURLToPath(url));
  const found = candidates.find((dir) => existsSync(join(dir, "templates")));
  if (found === undefined) throw new Error(`The todo example's templates/ folder is missing: looked in ${candidates.join(" and ")}.`);
  return found;
}

/**
 * Make the todo application over the database file `options.db`. Close it
 * with `app.close()` (a listening app) or `closeTodoApp(app)`: the
 * database is closed by the app's shutdown hook.
 *
 * @example
 * const app = await createTodoApp({ db: "/tmp/todo.db", user: { name: "demo", password: "demo" }, apiToken, secret });
 * await app.listen(8080, "127.0.0.1");
 */
export async function createTodoApp(options: TodoAppOptions): Promise<Application<TodoState>> {
  const todos = new TodoRepository(options.db);
  try {
    await ensureUser(todos, options.user.name, options.user.password);
    const attachments = options.attachments ?? join(dirname(options.db), `${basename(options.db, extname(options.db))}-attachments`);
    mkdirSync(attachments, { recursive: true });
    const state: TodoState = { todos, attachments, apiTokenDigest: createHash("sha256").update(options.apiToken).digest() };
    const app = await Application.fromRoutes<[], TodoState>(new URL("./routes/", import.meta.url), {
      config: state,
      secrets: [options.secret],
      debug: options.debug ?? false,
      logger: options.logger ?? console,
      templates: { dir: sourceFolder("templates"), context: [pageContext] },
      // Attachments up to 10 MB (spooled to a temporary file past 64 KiB, never held whole in memory).
      bodyLimit: 10 * 1024 * 1024,
    });
    // compress() outermost, so static files and pages are compressed; the
    // static files come before the sessions, so they never load one.
    app.use(compress(), serveStatic(sourceFolder("public"), { prefix: "/static", maxAge: 3600 }), ...pageMiddleware());
    // The custom 404 view: the API's in JSON whatever the client accepts
    // (its own routes are JSON routes, but a path no route serves is not),
    // the pages' through templates/404.html.
    app.errorHandlers[404] = (request, _response, error) => (isApi(request) ? errorPage(request, error, app.debug, { format: "json" }) : errorPage(request, error, app.debug));
    app.health("/healthz", { db: () => void todos.list(0, 1) });
    if (options.banner !== undefined) {
      const lines = options.banner;
      app.onStartup(() => {
        for (const line of lines) say(app.logger, line);
      });
    }
    app.onShutdown(() => {
      todos.close();
      if (options.banner !== undefined) say(app.logger, "todo: stopped; the database is closed.");
    });
    return app;
  } catch (error) {
    todos.close();
    throw error;
  }
}

/** Close an app that never listened: its shutdown hooks (the database) run. */
export async function closeTodoApp(app: Application<TodoState>): Promise<void> {
  if (app.address === undefined) app.config.todos.close();
  else await app.close();
}

// The demo user: made when missing, its password made the given one when it differs.
async function ensureUser(todos: TodoRepository, name: string, password: string): Promise<void> {
  const user = todos.userByName(name);
  if (user === undefined) todos.addUser(name, await hashPassword(password));
  else if (needsRehash(user.passwordHash) || !(await verifyPassword(password, user.passwordHash))) todos.setPasswordHash(user.id, await hashPassword(password));
}

function say(logger: Logger, line: string): void {
  if (logger.info) logger.info(line);
  else console.log(line);
}
