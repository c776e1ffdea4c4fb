/**
 * lib/extras/openapi.ts through `app.openapi()`: the document of an app with
 * zod and valibot schemas, class and function handlers and converters,
 * checked against the OpenAPI 3.1 schema by @seriousme/openapi-schema-validator.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { Application, Route } from "../../lib/index.js";
import { validationApp } from "../support/validation-app.js";

const info = { title: "Todos", version: "1.0.0" };

describe("app.openapi()", () => {
  const document = validationApp().openapi({ info, servers: [{ url: "https://api.example.com" }] });

  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document) as never);
    expect(result.errors).toBeUndefined();
    expect([result.valid, validator.version]).toEqual([true, "3.1"]);
    expect(document).toMatchObject({ openapi: "3.1.0", info, servers: [{ url: "https://api.example.com" }] });
  });

  it("lists template routes as {param} paths, and leaves RegExp routes out", () => {
    expect(Object.keys(document.paths)).toEqual(["/todos/{id}", "/todos", "/signup", "/notes", "/users", "/files/{path}", "/plain/{id}"]);
  });

  it("takes a class's implemented verbs, summaries per verb and its description, and names operations after the route", () => {
    const item = document.paths["/todos/{id}"]!;
    expect(Object.keys(item)).toEqual(["get", "put"]);
    expect(item.get).toMatchObject({ operationId: "todo.get", summary: "Read a todo", description: "A todo by its id." });
    expect(item.put).toMatchObject({ operationId: "todo.put", summary: "Replace a todo" });
  });

  it("describes params, body and response from a zod route schema, and the 422", () => {
    expect(document.paths["/todos/{id}"]!.put).toEqual({
      operationId: "todo.put",
      summary: "Replace a todo",
      description: "A todo by its id.",
      parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer", minimum: 1, maximum: 9007199254740991 } }],
      requestBody: {
        required: true,
        content: {
          "application/json": {
            schema: {
              type: "object",
              properties: {
                title: { type: "string", minLength: 1 },
                tags: { default: [], type: "array", items: { type: "object", properties: { name: { type: "string" } }, required: ["name"] } },
              },
              required: ["title"],
            },
          },
        },
      },
      responses: {
        "2XX": {
          description: "Success.",
          content: {
            "application/json": {
              schema: {
                type: "object",
                properties: {
                  id: { type: "integer", minimum: -9007199254740991, maximum: 9007199254740991 },
                  title: { type: "string" },
                  tags: { type: "array", items: { type: "object", properties: { name: { type: "string" } }, required: ["name"], additionalProperties: false } },
                },
                required: ["id", "title", "tags"],
                additionalProperties: false,
              },
            },
          },
        },
        "422": expect.objectContaining({ description: "The request failed the route's schema: `detail` lists each issue's path and message." }),
      },
    });
    expect(document.paths["/todos/{id}"]!.get!.requestBody).toBeUndefined();
  });

  it("lists a query schema's properties as query parameters", () => {
    expect(document.paths["/todos"]!.get!.parameters).toEqual([
      { name: "page", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 9007199254740991, default: 1 } },
      { name: "tag", in: "query", required: false, schema: { anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] } },
    ]);
  });

  it("reads valibot schemas wrapped by toStandardJsonSchema, and notes one that gives no JSON Schema", () => {
    expect(document.paths["/signup"]!.post!.requestBody!.content["application/json"]!.schema).toEqual({
      type: "object",
      properties: { user: { type: "string", minLength: 3 }, email: { type: "string", format: "email" } },
      required: ["user", "email"],
    });
    const notes = document.paths["/notes"]!.post!;
    expect(notes.requestBody!.content["application/json"]!.schema).toEqual({});
    expect(notes["x-handlerkit-note"]).toBe("The body schema (valibot) gives no JSON Schema (~standard.jsonSchema), so it is described as {}.");
  });

  it("types path params without a schema as strings (a splat says it spans segments), and lists a function's methods", () => {
    expect(document.paths["/files/{path}"]!.get!.parameters).toEqual([{ name: "path", in: "path", required: true, schema: { type: "string" }, description: "The rest of the path, slashes included." }]);
    expect(Object.keys(document.paths["/files/{path}"]!)).toEqual(["delete", "get", "patch", "post", "put"]);
    expect(document.paths["/plain/{id}"]).toEqual({ post: { operationId: "plain", parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }], responses: { "2XX": { description: "Success." } } } });
  });
});

describe("openapi paths", () => {
  it("splits an optional group into a path with it and one without, types converters, skips build-only routes", async () => {
    const app = new Application([
      new Route("/archive{/:year}", () => [], { name: "archive", methods: ["GET"], params: { year: /\d{4}/ } }),
      new Route("/built/:id", () => 1, { name: "built", buildOnly: true }),
    ]);
    const document = app.openapi({ info });
    expect(document.paths).toEqual({
      "/archive": { get: { operationId: "archive", responses: { "2XX": { description: "Success." } } } },
      "/archive/{year}": { get: { operationId: "archive_2", parameters: [{ name: "year", in: "path", required: true, schema: { type: "string", pattern: "^(?:\\d{4})$" } }], responses: { "2XX": { description: "Success." } } } },
    });
    expect((await new Validator().validate(structuredClone(document) as never)).valid).toBe(true);
  });
});
