/**
 * `/api/todos/:id`: read, replace (PUT), change (PATCH) and delete one
 * item. A class handler: each verb a method, a missing item a 404 through
 * `abort`, and a body that does not fit its schema a 422 naming the fields.
 */
import { converters, RequestHandler } from "../../../../../../lib/index.js";
import { apiOptions, todoJson } from "../../../../api.js";
import { removeAttachment } from "../../../../attachments.js";
import { TodoPatch, TodoReplace } from "../../../../schemas.js";
import { requireTodo, stateOf } from "../../../../state.js";
import { validate } from "../../../../validate.js";

// A non-number id (/api/todos/x) is no route's: the JSON 404.
export const options = { ...apiOptions, params: { id: converters.int } };

export default class TodoResource extends RequestHandler {
  get(params: { id: number }) {
    return todoJson(requireTodo(this.request, params.id));
  }

  async put(params: { id: number }) {
    requireTodo(this.request, params.id);
    const input = await validate(TodoReplace, await this.request.json());
    return todoJson(stateOf(this.request).todos.update(params.id, input)!);
  }

  async patch(params: { id: number }) {
    requireTodo(this.request, params.id);
    const changes = await validate(TodoPatch, await this.request.json());
    return todoJson(stateOf(this.request).todos.update(params.id, changes)!);
  }

  async delete(params: { id: number }) {
    const state = stateOf(this.request);
    const todo = state.todos.remove(params.id) ?? requireTodo(this.request, params.id);
    await removeAttachment(state, todo.attachment);
    return 204;
  }
}
