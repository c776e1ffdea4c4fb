/**
 * `/todos/:id`: one item's page (a class handler: `get` shows the edit
 * form, `post` saves it), with `POST /todos/:id/complete` and
 * `POST /todos/:id/delete` as subpath handlers (HTML forms send only GET
 * and POST).
 */
import { converters, handler, RequestHandler, Response, type Request, type RouteKwargs } from "../../../../../lib/index.js";
import { removeAttachment } from "../../../attachments.js";
import { formFields, pageOptions } from "../../../pages.js";
import { TodoForm } from "../../../schemas.js";
import { requireTodo, stateOf } from "../../../state.js";
import { check } from "../../../check.js";

// `id` is a whole number or the path is not this route's: /todos/x is a 404.
export const options = { ...pageOptions, params: { id: converters.int } };

export default class TodoPage extends RequestHandler {
  get(params: { id: number }) {
    return this.render("todo.html", { todo: requireTodo(this.request, params.id) });
  }

  async post(params: { id: number }) {
    const todo = requireTodo(this.request, params.id);
    const fields = formFields(await this.request.form(), ["title", "notes"]);
    const result = await check(TodoForm, fields);
    if (result.issues) return this.render("todo.html", { todo, form: fields, issues: result.issues }, 422);
    stateOf(this.request).todos.update(todo.id, result.value);
    await this.request.session.flash(`Saved “${result.value.title}”.`, "success");
    return this.redirectTo("todos.id", { id: todo.id }, { status: 303 });
  }
}

// Back to the list, or to where the form said it was (the completed list).
function back(request: Request, form: { get(name: string): unknown }): Response {
  const to = form.get("back") === "completed" ? "todos.completed" : "todos";
  return Response.redirect(request.app.uriFor(to), 303);
}

/** `POST /todos/:id/complete`: `done=1` marks it done, `done=0` not done. */
export const complete = handler("post", async (request: Request, params: RouteKwargs) => {
  const todo = requireTodo(request, params.id as number);
  const form = await request.form();
  const done = form.get("done") !== "0";
  stateOf(request).todos.update(todo.id, { done });
  await request.session.flash(done ? `Done: “${todo.title}”.` : `Not done yet: “${todo.title}”.`, "success");
  return back(request, form);
});

/** `POST /todos/:id/delete`: the item and its attachment. */
export const remove = handler("post", { path: "delete" }, async (request: Request, params: RouteKwargs) => {
  const state = stateOf(request);
  const todo = state.todos.remove(params.id as number) ?? requireTodo(request, params.id as number);
  await removeAttachment(state, todo.attachment);
  await request.session.flash(`Deleted “${todo.title}”.`, "success");
  return back(request, await request.form());
});
