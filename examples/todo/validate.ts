/**
 * Checking input against a schema: one place, through the Standard Schema
 * interface (`schema["~standard"].validate(value)`), so any library that
 * implements it (zod, valibot, ArkType) fits, and the pages and the API
 * report problems the same way: each issue's field path and message.
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { UnprocessableEntity } from "../../lib/index.js";

/** One problem with the input: the field (`title`, `tags.0`; `""` for the whole value) and what is wrong with it. */
export interface InputIssue {
  path: string;
  message: string;
}

/** What `check()` finds: the value the schema made, or the issues. */
export type CheckResult<T> = { value: T; issues?: undefined } | { value?: undefined; issues: InputIssue[] };

/**
 * Check `value` against `schema` without throwing: the pages re-render
 * their form with the issues, the API answers them as a 422.
 *
 * @example
 * const result = await check(TodoForm, Object.fromEntries(form));
 * if (result.issues) return this.render("todo.html", { issues: result.issues }, 422);
 */
export async function check<S extends StandardSchemaV1>(schema: S, value: unknown): Promise<CheckResult<StandardSchemaV1.InferOutput<S>>> {
  const result = await schema["~standard"].validate(value);
  if (result.issues === undefined) return { value: result.value };
  return { issues: result.issues.map((issue) => ({ path: pathOf(issue), message: issue.message })) };
}

/**
 * The value `schema` makes of `value`, or a 422 whose message names each
 * field that is wrong and whose `detail.issues` lists them:
 * `{"error":422,"message":"title: Give the item a title.","detail":{"issues":[{"path":"title","message":"..."}]}}`.
 *
 * @example
 * const input = await validate(TodoCreate, await request.json());
 */
export async function validate<S extends StandardSchemaV1>(schema: S, value: unknown): Promise<StandardSchemaV1.InferOutput<S>> {
  const result = await check(schema, value);
  if (result.issues === undefined) return result.value;
  const message = result.issues.map((issue) => (issue.path === "" ? issue.message : `${issue.path}: ${issue.message}`)).join("; ");
  throw new UnprocessableEntity(message, { detail: { issues: result.issues } });
}

// A path segment is a key or `{ key }` (Standard Schema allows both).
function pathOf(issue: StandardSchemaV1.Issue): string {
  return (issue.path ?? []).map((segment) => String(typeof segment === "object" ? segment.key : segment)).join(".");
}
