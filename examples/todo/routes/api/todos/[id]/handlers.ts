/**
 * `/api/todos/:id`: read, replace (PUT), change (PATCH) and delete one
 * item. Reading and deleting are a class handler, each verb a method and a
 * missing item a 404 through `abort`. PUT and PATCH take different bodies,
 * and a route checks one body schema, so each is a route of its own on the
 * same path (a sub-path handler with `path: ""`), its body checked before
 * it runs: a body that does not fit is the framework's 422 naming the fields.
 */
import { converters, handler, RequestHandler, type ValidRequest } from "../../../../../../lib/index.js";
import { apiOptions, jsonBodyOnly, todoJson } from "../../../../api.js";
import { removeAttachment } from "../../../../attachments.js";
import { TodoId, TodoPatch, TodoReplace } from "../../../../schemas.js";
import { requireTodo, stateOf } from "../../../../state.js";

// A non-number id (/api/todos/x) is no route's: the JSON 404.
export const options = { ...apiOptions, params: { id: converters.int } };

/** `GET` and `DELETE /api/todos/:id`. */
class TodoResource extends RequestHandler {
  static summary = { get: "Read an item", delete: "Delete an item and its attachment" };

  get(params: { id: number }) {
    return todoJson(requireTodo(this.request, params.id));
  }

  async delete(params: { id: number }) {
    const state = stateOf(this.request);
    const todo = state.todos.remove(params.id) ?? requireTodo(this.request, params.id);
    await removeAttachment(state, todo.attachment);
    return 204;
  }
}

export const item = handler(["get", "delete"], { path: "", name: "api.todos.id" }, TodoResource);

const replaceSchema = { params: TodoId, body: TodoReplace };

/** `PUT /api/todos/:id` with `{"title", "notes", "done"}`: every field replaced. */
function replaceItem(request: ValidRequest<typeof replaceSchema>, params: { id: number }) {
  requireTodo(request, params.id);
  return todoJson(stateOf(request).todos.update(params.id, request.valid("body"))!);
}
replaceItem.summary = "Replace an item: every field given";

export const replace = handler("put", { path: "", schema: replaceSchema, middleware: [jsonBodyOnly] }, replaceItem);

const changeSchema = { params: TodoId, body: TodoPatch };

/** `PATCH /api/todos/:id` with any of the fields: those changed. */
function changeItem(request: ValidRequest<typeof changeSchema>, params: { id: number }) {
  requireTodo(request, params.id);
  return todoJson(stateOf(request).todos.update(params.id, request.valid("body"))!);
}
changeItem.summary = "Change some of an item's fields";

export const change = handler("patch", { path: "", schema: changeSchema, middleware: [jsonBodyOnly] }, changeItem);
