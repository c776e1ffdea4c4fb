/**
 * lib/http/validate.ts: a Standard Schema's result as a value or a 422, and
 * the issue paths of its `detail`.
 */
import { describe, expect, it } from "vitest";
import * as v from "valibot";
import { z } from "zod";
import { HttpError } from "../../lib/index.js";
import type { StandardSchemaV1 } from "../../lib/http/standard-schema.js";
import { invalidMessage, isStandardSchema, issuePath, validate } from "../../lib/http/validate.js";

// A hand-written schema, as any library may implement the spec.
function schema(validate: StandardSchemaV1["~standard"]["validate"]): StandardSchemaV1 {
  return { "~standard": { version: 1, vendor: "spec", validate } };
}

describe("validate()", () => {
  it("gives a synchronous schema's output at once, not a promise", () => {
    expect(validate(z.object({ n: z.coerce.number() }), { n: "4" }, "query")).toEqual({ n: 4 });
  });

  it("gives an async schema's output as a promise", async () => {
    const out = validate(schema(async (value) => ({ value: `${String(value)}!` })), "hi", "body");
    expect(out).toBeInstanceOf(Promise);
    expect(await out).toBe("hi!");
  });

  it("throws a 422 whose detail lists every issue, and whose message names the first", () => {
    let error: unknown;
    try {
      validate(v.object({ a: v.string(), b: v.array(v.object({ c: v.number() })) }), { a: 1, b: [{ c: "x" }] }, "request body");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({
      status: 422,
      message: 'Invalid request body: a: Invalid type: Expected string but received 1 (and 1 more issue)',
      detail: [
        { path: "a", message: "Invalid type: Expected string but received 1" },
        { path: "b.0.c", message: 'Invalid type: Expected number but received "x"' },
      ],
    });
  });

  it("rejects with the 422 when an async schema fails", async () => {
    await expect(validate(schema(async () => ({ issues: [{ message: "No." }] })), 1, "form")).rejects.toMatchObject({ status: 422, message: "Invalid form: No.", detail: [{ path: "", message: "No." }] });
  });
});

describe("issuePath()", () => {
  it("joins plain keys and { key } segments with dots", () => {
    expect(issuePath(["items", 0, { key: "name" }])).toBe("items.0.name");
    expect(issuePath([{ key: Symbol("s") }])).toBe("Symbol(s)");
    expect(issuePath(undefined)).toBe("");
    expect(issuePath([])).toBe("");
  });
});

describe("invalidMessage()", () => {
  it("says what was invalid and the first issue, counting the others", () => {
    expect(invalidMessage("query", [])).toBe("Invalid query.");
    expect(invalidMessage("query", [{ path: "", message: "Expected an object" }])).toBe("Invalid query: Expected an object");
    expect(invalidMessage("query", [{ path: "a", message: "x" }, { path: "b", message: "y" }, { path: "c", message: "z" }])).toBe("Invalid query: a: x (and 2 more issues)");
  });
});

describe("isStandardSchema()", () => {
  it("knows schemas by ~standard.validate, and options objects are none", () => {
    expect([isStandardSchema(z.string()), isStandardSchema(v.string()), isStandardSchema(schema(() => ({ value: 1 })))]).toEqual([true, true, true]);
    expect([isStandardSchema(undefined), isStandardSchema({ limit: 10 }), isStandardSchema({ "~standard": {} }), isStandardSchema(null)]).toEqual([false, false, false, false]);
  });
});
