/**
 * Validation through a Standard Schema: run a schema's `validate`, and turn
 * its issues into a 422 whose `detail` lists each one with its path.
 */
import { UnprocessableEntity } from "./errors.js";
import type { StandardSchemaV1 } from "./standard-schema.js";

/** One issue of a failed validation, as a 422's `detail` lists it: `{ path: "items.0.name", message: "Required" }`. */
export interface ValidationIssue {
  /** Where in the value: the issue's path segments joined with `.` (`""` for the value itself). */
  path: string;
  /** What the schema library said. */
  message: string;
}

/**
 * Validate `value` with a Standard Schema: its output, at once when the
 * schema validated synchronously, else a promise. A failure throws (or
 * rejects with) an `UnprocessableEntity` (422) whose message names `what`
 * and the first issue (`Invalid request body: title: Required (and 1 more
 * issue)`) and whose `detail` lists them all (see {@link ValidationIssue}).
 *
 * @example
 * const todo = await validate(Todo, JSON.parse(text), "request body");
 */
export function validate<S extends StandardSchemaV1>(schema: S, value: unknown, what: string): StandardSchemaV1.InferOutput<S> | Promise<StandardSchemaV1.InferOutput<S>> {
  const result = schema["~standard"].validate(value);
  // The spec allows an async validate (refinements that query a database).
  if (result instanceof Promise) return result.then((settled: StandardSchemaV1.Result<StandardSchemaV1.InferOutput<S>>) => outcome(settled, what));
  return outcome(result as StandardSchemaV1.Result<StandardSchemaV1.InferOutput<S>>, what);
}

function outcome<T>(result: StandardSchemaV1.Result<T>, what: string): T {
  if (result.issues === undefined) return result.value;
  const detail = result.issues.map(issueOf);
  throw new UnprocessableEntity(invalidMessage(what, detail), { detail });
}

/** The message of a failed validation: what was invalid, and the first issue (`Invalid query: page: Expected number`). */
export function invalidMessage(what: string, issues: readonly ValidationIssue[]): string {
  const first = issues[0];
  if (first === undefined) return `Invalid ${what}.`;
  const more = issues.length - 1;
  const rest = more === 0 ? "" : ` (and ${more} more issue${more === 1 ? "" : "s"})`;
  return `Invalid ${what}: ${first.path === "" ? "" : `${first.path}: `}${first.message}${rest}`;
}

function issueOf(issue: StandardSchemaV1.Issue): ValidationIssue {
  return { path: issuePath(issue.path), message: String(issue.message) };
}

/**
 * An issue's path as one string: its keys (plain keys or `{ key }`
 * segments) joined with `.`, so `["items", 0, { key: "name" }]` is
 * `"items.0.name"`, and no path is `""`.
 */
export function issuePath(path: StandardSchemaV1.Issue["path"]): string {
  if (path === undefined || path.length === 0) return "";
  let out = "";
  for (const segment of path) {
    const key = typeof segment === "object" && segment !== null ? segment.key : segment;
    out += (out === "" ? "" : ".") + (typeof key === "symbol" ? key.toString() : String(key));
  }
  return out;
}

/** Whether a value is a Standard Schema v1 object (it has a `~standard.validate` function). */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  const props = (value as { "~standard"?: { validate?: unknown } } | null | undefined)?.["~standard"];
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof props?.validate === "function";
}
