/**
 * What the todo application's handlers share: the database, the
 * attachments folder and the API token, kept as the application's `config`
 * (so a test can make as many apps as it likes, each on its own file).
 */
import { abort, type Request } from "../../lib/index.js";
import type { Todo, TodoRepository } from "./repository.js";

/** The application's `config`: set once by `createTodoApp()`. */
export interface TodoState {
  /** The database. */
  todos: TodoRepository;
  /** The folder attachments are stored in, one file per item. */
  attachments: string;
  /** The SHA-256 digest of the API token (compared in constant time, whatever its length). */
  apiTokenDigest: Buffer;
}

/**
 * The state of the application serving `request`.
 *
 * @example
 * const todo = stateOf(request).todos.get(params.id);
 */
export function stateOf(request: Request): TodoState {
  return request.app.config as TodoState;
}

/**
 * The item `id`, or a 404 (`abort`) saying which one is missing: a JSON
 * body on the API's routes, `templates/404.html` on the pages'.
 *
 * @example
 * const todo = requireTodo(request, params.id);
 */
export function requireTodo(request: Request, id: number): Todo {
  return stateOf(request).todos.get(id) ?? abort(404, { message: `There is no todo ${id}.` });
}
