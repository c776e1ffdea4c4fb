/**
 * Checking a page's form against a schema without throwing, through the
 * Standard Schema interface (`schema["~standard"].validate(value)`), so
 * any library that implements it (zod, valibot, ArkType) fits. The JSON API
 * needs none of this: its route schemas answer a 422 by themselves. A page
 * instead renders its form again, as it was sent, beside the issues, which
 * have the shape of the API's (`ValidationIssue`: a field path and a message).
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { ValidationIssue } from "../../lib/index.js";

/** What `check()` finds: the value the schema made, or the issues. */
export type CheckResult<T> = { value: T; issues?: undefined } | { value?: undefined; issues: ValidationIssue[] };

/**
 * Check `value` against `schema`: the schema's output, or the issues, each
 * with its field (`title`; `""` for the whole value) and message, for the
 * page to show beside its form.
 *
 * @example
 * const result = await check(TodoForm, formFields(await this.request.form(), ["title", "notes"]));
 * if (result.issues) return this.render("todo.html", { issues: result.issues }, 422);
 */
export async function check<S extends StandardSchemaV1>(schema: S, value: unknown): Promise<CheckResult<StandardSchemaV1.InferOutput<S>>> {
  const result = await schema["~standard"].validate(value);
  if (result.issues === undefined) return { value: result.value };
  return { issues: result.issues.map((issue) => ({ path: pathOf(issue), message: issue.message })) };
}

// A path segment is a key or `{ key }` (Standard Schema allows both).
function pathOf(issue: StandardSchemaV1.Issue): string {
  return (issue.path ?? []).map((segment) => String(typeof segment === "object" ? segment.key : segment)).join(".");
}
