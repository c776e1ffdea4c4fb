/**
 * The todo example (examples/todo/) for specs: made on a database in a
 * fresh temporary folder, with a known login and API token, silent.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomToken } from "../../lib/index.js";
import { createTodoApp, type TodoAppOptions } from "../../examples/todo/app.js";

/** The login and token every spec app has. */
export const TODO_USER = { name: "demo", password: "correct horse" };
export const TODO_TOKEN = "spec-api-token-0123456789";
/** The header that authenticates an API request. */
export const AUTH = { authorization: `Bearer ${TODO_TOKEN}` };

/** A temporary folder for one spec's databases. */
export function todoDir(): string {
  return mkdtempSync(join(tmpdir(), "handlerkit-todo-"));
}

/** The todo app on `db` (a new file in a new temporary folder by default). */
export function todoApp(options: Partial<TodoAppOptions> = {}) {
  return createTodoApp({
    db: options.db ?? join(todoDir(), "todo.db"),
    user: TODO_USER,
    apiToken: TODO_TOKEN,
    secret: randomToken(),
    logger: { error() {}, warn() {}, info() {} },
    ...options,
  });
}
