/**
 * `/todos/:id/attachment`: upload a file to an item (a multipart form) and
 * download it back. The bytes are kept on disk in the attachments folder
 * beside the database, the name, type and size in the database.
 */
import { abort, converters, Response, UploadedFile, type Request, type RouteKwargs } from "../../../../../../lib/index.js";
import { attachmentResponse, removeAttachment, storeAttachment } from "../../../../attachments.js";
import { pageOptions } from "../../../../pages.js";
import { requireTodo, stateOf } from "../../../../state.js";

export const options = { ...pageOptions, params: { id: converters.int } };

/** The attachment as a download, or a 404 when the item has none. */
export function get(request: Request, params: RouteKwargs) {
  const todo = requireTodo(request, params.id as number);
  if (todo.attachment === undefined) abort(404, { message: `“${todo.title}” has no attachment.` });
  return attachmentResponse(stateOf(request), todo.attachment);
}

/** The form's `file` becomes the item's attachment, replacing the one it had. */
export async function post(request: Request, params: RouteKwargs) {
  const todo = requireTodo(request, params.id as number);
  const state = stateOf(request);
  const file = (await request.form()).get("file");
  const page = request.app.uriFor("todos.id", { id: todo.id });
  if (!(file instanceof UploadedFile) || file.size === 0) {
    await request.session.flash("Choose a file to attach.", "error");
    return Response.redirect(page, 303);
  }
  const before = state.todos.attach(todo.id, await storeAttachment(state, todo.id, file));
  await removeAttachment(state, before?.attachment);
  await request.session.flash(`Attached “${file.filename}” (${file.size} bytes).`, "success");
  return Response.redirect(page, 303);
}
