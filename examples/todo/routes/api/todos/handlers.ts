/**
 * `/api/todos`: the list, a page at a time (`?page=`, `?limit=`), and
 * creating an item; `/api/todos/completed`, the completed ones. Function
 * handlers, answering with plain objects (JSON) and tuples.
 */
import { handler, type Request } from "../../../../../lib/index.js";
import { apiOptions, todoJson } from "../../../api.js";
import { paging } from "../../../paging.js";
import { TodoCreate } from "../../../schemas.js";
import { stateOf } from "../../../state.js";
import { validate } from "../../../validate.js";

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

/** `POST /api/todos` with `{"title": "...", "notes"?: "...", "done"?: false}`: 201, the item, and its URL in `Location`. */
export async function post(request: Request) {
  const input = await validate(TodoCreate, await request.json());
  const todo = stateOf(request).todos.create(input);
  return [todoJson(todo), 201, { location: request.app.uriFor("api.todos.id", { id: todo.id }) }];
}

/** `GET /api/todos/completed`: the same pages, of the completed items only. */
export const completed = handler("get", (request) => listPage(request, "api.todos.completed"));
