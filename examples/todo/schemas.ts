/**
 * The shapes the todo application accepts, as zod schemas, in one place:
 * the API's JSON bodies (route schemas, which also describe them in the
 * OpenAPI document) and the pages' forms (through `check.ts`). Both see
 * them only as Standard Schema objects, so another schema library that
 * implements it would fit as well.
 */
import { z } from "zod";

const title = z.string().trim().min(1, "Give the item a title.").max(200, "A title has at most 200 characters.");
const notes = z.string().max(2000, "Notes have at most 2000 characters.");

/**
 * The path's `id`, after `converters.int` made it a number: it types the
 * handlers' params. It has no lower bound, since an id that no item has is
 * a 404, not a malformed request.
 */
export const TodoId = z.object({ id: z.number().int() });

/** A new item: `POST /api/todos`, and the add form (whose `done` is absent). */
export const TodoCreate = z.strictObject({
  title,
  notes: notes.optional(),
  done: z.boolean().optional(),
});

/** A full replacement, `PUT /api/todos/:id`: every field given. */
export const TodoReplace = z.strictObject({
  title,
  notes,
  done: z.boolean(),
});

/** A change, `PATCH /api/todos/:id`: any of the fields, at least one. */
export const TodoPatch = z
  .strictObject({ title: title.optional(), notes: notes.optional(), done: z.boolean().optional() })
  .refine((patch) => Object.keys(patch).length > 0, "Give at least one of title, notes and done.");

/** The edit form of the pages: a title and notes (text fields, so no `done`). */
export const TodoForm = z.strictObject({ title, notes });

/** The login form. */
export const LoginForm = z.object({
  username: z.string().trim().min(1, "Give your user name."),
  password: z.string().min(1, "Give your password."),
  next: z.string().optional(),
});
