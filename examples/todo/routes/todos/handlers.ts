/**
 * `/todos`: the list (a class handler: `get` shows a page of items, `post`
 * adds one from the form) and `/todos/completed`, the completed ones (a
 * subpath handler).
 */
import { handler, render, RequestHandler, type Request, type ValidationIssue } from "../../../../lib/index.js";
import { formFields, pageOptions } from "../../pages.js";
import { DEFAULT_LIMIT, paging } from "../../paging.js";
import { TodoCreate } from "../../schemas.js";
import { stateOf } from "../../state.js";
import { check } from "../../check.js";

export const options = pageOptions;

// The list page's context: a page of items and the links to its neighbours.
function listContext(request: Request, filter: "all" | "completed") {
  const { page, limit, offset } = paging(request);
  const { items, total } = stateOf(request).todos.list(offset, limit, { done: filter === "completed" });
  const route = filter === "all" ? "todos" : "todos.completed";
  // The default limit is left out of the links, and page 1 too.
  const link = (n: number) => request.app.uriFor(route, { ...(n === 1 ? {} : { page: n }), ...(limit === DEFAULT_LIMIT ? {} : { limit }) });
  return {
    filter,
    todos: items,
    total,
    page,
    previous: page > 1 ? link(page - 1) : undefined,
    next: offset + items.length < total ? link(page + 1) : undefined,
  };
}

export default class TodoList extends RequestHandler {
  get() {
    return this.render("todos.html", listContext(this.request, "all"));
  }

  async post() {
    const fields = formFields(await this.request.form(), ["title", "notes"]);
    const result = await check(TodoCreate, fields);
    if (result.issues) return this.#invalid(fields, result.issues);
    const todo = stateOf(this.request).todos.create(result.value);
    await this.request.session.flash(`Added “${todo.title}”.`, "success");
    return this.redirectTo("todos", {}, { status: 303 });
  }

  // The list again, with the form as it was sent and what is wrong with it.
  #invalid(fields: Record<string, string>, issues: ValidationIssue[]) {
    return this.render("todos.html", { ...listContext(this.request, "all"), form: fields, issues }, 422);
  }
}

export const completed = handler("get", (request) => render(request, "todos.html", listContext(request, "completed")));
