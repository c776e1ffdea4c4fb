/**
 * The todo example's OpenAPI document: built from its routes, valid
 * OpenAPI 3.1 by @seriousme/openapi-schema-validator, listing the API's
 * paths with their summaries, bodies, paging and token, and served
 * without a token at /api/openapi.json.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Application } from "../../lib/index.js";
import { todoApiDocument, type TodoApiDocument } from "../../examples/todo/openapi.js";
import type { TodoState } from "../../examples/todo/state.js";
import { closeTodoApp } from "../../examples/todo/app.js";
import { fetchResult } from "../support/socket-client.js";
import { todoApp } from "../support/todo-app.js";

let app: Application<TodoState>;
let document: TodoApiDocument;

beforeAll(async () => {
  app = await todoApp();
  document = todoApiDocument(app);
});
afterAll(() => closeTodoApp(app));

const TITLE = { type: "string", minLength: 1, maxLength: 200 };
const NOTES = { type: "string", maxLength: 2000 };

describe("the todo API's OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document) as never);
    expect(result.errors).toBeUndefined();
    expect([result.valid, validator.version]).toEqual([true, "3.1"]);
    expect(document.openapi).toBe("3.1.0");
    expect(document.info.title).toBe("handlerkit todo API");
  });

  it("lists the API's paths and operations, named after the routes, with summaries, and none of the pages", () => {
    expect(Object.keys(document.paths)).toEqual(["/api/openapi.json", "/api/todos", "/api/todos/completed", "/api/todos/{id}"]);
    const ops = Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([verb, op]) => [`${verb.toUpperCase()} ${path}`, op.operationId, op.summary]));
    expect(ops).toEqual([
      ["GET /api/openapi.json", "api.openapi", "This OpenAPI document"],
      ["GET /api/todos", "api.todos", "List the items, newest first, a page at a time"],
      ["POST /api/todos", "api.todos.create", "Add an item"],
      ["GET /api/todos/completed", "api.todos.completed", "List the completed items, a page at a time"],
      ["PATCH /api/todos/{id}", "api.todos.id.change", "Change some of an item's fields"],
      ["DELETE /api/todos/{id}", "api.todos.id.delete", "Delete an item and its attachment"],
      ["GET /api/todos/{id}", "api.todos.id.get", "Read an item"],
      ["PUT /api/todos/{id}", "api.todos.id.replace", "Replace an item: every field given"],
    ]);
  });

  it("gives the request body schema of POST /api/todos from its route schema, and its 422", () => {
    const post = document.paths["/api/todos"]!.post!;
    expect(post.requestBody).toEqual({
      required: true,
      content: {
        "application/json": {
          schema: { type: "object", properties: { title: TITLE, notes: NOTES, done: { type: "boolean" } }, required: ["title"], additionalProperties: false },
        },
      },
    });
    expect(Object.keys(post.responses)).toEqual(["401", "422", "2XX"]);
    expect(post.responses["422"]!.description).toBe("The request failed the route's schema: `detail` lists each issue's path and message.");
  });

  it("gives PUT and PATCH their own bodies, and types the id from the converter and the params schema", () => {
    const item = document.paths["/api/todos/{id}"]!;
    expect(item.put!.requestBody!.content["application/json"]!.schema).toEqual({
      type: "object",
      properties: { title: TITLE, notes: NOTES, done: { type: "boolean" } },
      required: ["title", "notes", "done"],
      additionalProperties: false,
    });
    expect(item.patch!.requestBody!.content["application/json"]!.schema).toEqual({
      type: "object",
      properties: { title: TITLE, notes: NOTES, done: { type: "boolean" } },
      additionalProperties: false,
    });
    expect(item.get!.parameters).toEqual([{ name: "id", in: "path", required: true, schema: { type: "integer" } }]);
    expect(item.put!.parameters).toEqual([{ name: "id", in: "path", required: true, schema: { type: "integer", minimum: -9007199254740991, maximum: 9007199254740991 } }]);
    expect(Object.keys(item.get!.responses)).toEqual(["401", "404", "2XX"]);
  });

  it("lists page and limit on the lists, with their 400, and the bearer token for all but itself", () => {
    for (const path of ["/api/todos", "/api/todos/completed"]) {
      const get = document.paths[path]!.get!;
      expect(get.parameters).toEqual([
        { name: "page", in: "query", required: false, schema: { type: "integer", minimum: 1, default: 1 }, description: "The page, from 1." },
        { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 100, default: 20 }, description: "Items per page." },
      ]);
      expect(Object.keys(get.responses)).toEqual(["400", "401", "2XX"]);
    }
    expect(document.security).toEqual([{ bearer: [] }]);
    expect(document.components.securitySchemes).toEqual({ bearer: { type: "http", scheme: "bearer", description: "The API token: TODO_API_TOKEN, or the one printed at startup." } });
    expect((document.paths["/api/openapi.json"]!.get as { security?: unknown }).security).toEqual([]);
  });

  it("is served at /api/openapi.json without a token, as JSON", async () => {
    await app.listen(0, "127.0.0.1");
    try {
      const res = await fetchResult(`http://127.0.0.1:${app.address!.port}/api/openapi.json`, { headers: { accept: "text/html" } });
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toBe("application/json");
      expect(res.headers["set-cookie"]).toBeUndefined();
      expect(JSON.parse(res.body)).toEqual(JSON.parse(JSON.stringify(document)));
    } finally {
      await app.close({ timeout: 100 });
    }
  });
});
