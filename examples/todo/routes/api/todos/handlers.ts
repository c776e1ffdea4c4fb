/**
 * `/api/todos`: the list, a page at a time (`?page=`, `?limit=`), and
 * creating an item; `/api/todos/completed`, the completed ones. Function
 * handlers, answering with plain objects (JSON) and tuples. Creating has a
 * route schema: the body is checked before the handler runs, and a body
 * that does not fit is the framework's 422.
 */
import { handler, type Request, type ValidRequest } from "../../../../../lib/index.js";
import { apiOptions, jsonBodyOnly, todoJson } from "../../../api.js";
import { paging } from "../../../paging.js";
import { TodoCreate } from "../../../schemas.js";
import { stateOf } from "../../../state.js";

export const options = apiOptions;

// A page of the list, with the URLs of the pages before and after it.
function listPage(request: Request, route: "api.todos" | "api.todos.completed") {
  const { page, limit, offset } = paging(request);
  const { items, total } = stateOf(request).todos.list(offset, limit, { done: route === "api.todos.completed" });
  const link = (n: number) => request.app.uriFor(route, { page: n, limit });
  return {
    items: items.map(todoJson),
    page,
    limit,
    total,
    previous: page > 1 ? link(page - 1) : null,
    next: offset + items.length < total ? link(page + 1) : null,
  };
}

/** `GET /api/todos?page=2&limit=10`: newest first. */
export function get(request: Request) {
  return listPage(request, "api.todos");
}
get.summary = "List the items, newest first, a page at a time";

const createSchema = { body: TodoCreate };

/** `POST /api/todos` with `{"title": "...", "notes"?: "...", "done"?: false}`: 201, the item, and its URL in `Location`. */
function createItem(request: ValidRequest<typeof createSchema>) {
  const todo = stateOf(request).todos.create(request.valid("body"));
  return [todoJson(todo), 201, { location: request.app.uriFor("api.todos.id", { id: todo.id }) }];
}
createItem.summary = "Add an item";

// A sub-path handler for the folder's own path, so the schema is this verb's alone.
export const create = handler("post", { path: "", schema: createSchema, middleware: [jsonBodyOnly] }, createItem);

/** `GET /api/todos/completed`: the same pages, of the completed items only. */
function listCompleted(request: Request) {
  return listPage(request, "api.todos.completed");
}
listCompleted.summary = "List the completed items, a page at a time";

export const completed = handler("get", listCompleted);
