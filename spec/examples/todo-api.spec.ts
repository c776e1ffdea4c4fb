/**
 * The todo example's JSON API over real sockets: bearer-token auth, CRUD,
 * paging, the completed subpath, validation errors that name the field,
 * and the JSON 404.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Application } from "../../lib/index.js";
import type { TodoState } from "../../examples/todo/state.js";
import { fetchResult } from "../support/socket-client.js";
import { AUTH, todoApp } from "../support/todo-app.js";

let app: Application<TodoState>;
let base: string;

beforeAll(async () => {
  app = await todoApp();
  await app.listen(0, "127.0.0.1");
  base = `http://127.0.0.1:${app.address!.port}`;
});
afterAll(() => app.close({ timeout: 100 }));

type Init = { method?: string; headers?: Record<string, string>; json?: unknown; body?: string };
async function api(path: string, init: Init = {}) {
  const headers: Record<string, string> = { ...AUTH, ...init.headers };
  let body = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers["content-type"] = "application/json";
  }
  const result = await fetchResult(base + path, { method: (init.method ?? (body === undefined ? "GET" : "POST")) as "GET", headers, body });
  return { ...result, json: () => JSON.parse(result.body) as any };
}

describe("the todo API: authentication", () => {
  it("answers 401 without a token, in JSON whatever the client accepts, with a Bearer challenge", async () => {
    const none = await api("/api/todos", { headers: { authorization: "", accept: "text/html" } });
    expect(none.status).toBe(401);
    expect(none.headers["content-type"]).toBe("application/json");
    expect(none.headers["www-authenticate"]).toBe('Bearer realm="todo"');
    expect(none.body).toBe('{"error":401,"message":"Send the API token as Authorization: Bearer <token>."}');
    const basic = await api("/api/todos", { headers: { authorization: "Basic ZGVtbzpkZW1v" } });
    expect(basic.status).toBe(401);
    expect(basic.body).toBe('{"error":401,"message":"Send the API token as Authorization: Bearer <token>."}');
  });

  it("answers 401 to a wrong token, saying so", async () => {
    for (const token of ["wrong", "spec-api-token-012345678", "spec-api-token-0123456789x"]) {
      const wrong = await api("/api/todos", { headers: { authorization: `Bearer ${token}` } });
      expect(wrong.status).toBe(401);
      expect(wrong.headers["www-authenticate"]).toBe('Bearer realm="todo", error="invalid_token"');
      expect(wrong.body).toBe('{"error":401,"message":"The API token is not valid."}');
    }
  });

  it("answers a POST without a token 401, not the pages' CSRF 403, and never sets a session cookie", async () => {
    const post = await api("/api/todos", { headers: { authorization: "" }, json: { title: "x" } });
    expect(post.status).toBe(401);
    expect(post.headers["set-cookie"]).toBeUndefined();
    const ok = await api("/api/todos", { json: { title: "no CSRF token needed" } });
    expect(ok.status).toBe(201);
    expect(ok.headers["set-cookie"]).toBeUndefined();
    expect((await api(ok.headers.location as string, { method: "DELETE" })).status).toBe(204);
  });
});

describe("the todo API: create, read, update, delete", () => {
  it("creates with 201 and Location, reads, replaces, changes and deletes an item", async () => {
    const created = await api("/api/todos", { method: "POST", json: { title: "  Buy milk  ", notes: "semi-skimmed" } });
    expect(created.status).toBe(201);
    const todo = created.json();
    expect(created.headers.location).toBe(`/api/todos/${todo.id}`);
    expect(todo).toEqual({ id: todo.id, title: "Buy milk", notes: "semi-skimmed", done: false, createdAt: todo.createdAt, updatedAt: todo.createdAt, attachment: null });
    expect(new Date(todo.createdAt).toISOString()).toBe(todo.createdAt);

    const read = await api(`/api/todos/${todo.id}`);
    expect(read.status).toBe(200);
    expect(read.json()).toEqual(todo);

    const replaced = await api(`/api/todos/${todo.id}`, { method: "PUT", json: { title: "Buy oat milk", notes: "", done: true } });
    expect(replaced.status).toBe(200);
    expect(replaced.json()).toMatchObject({ id: todo.id, title: "Buy oat milk", notes: "", done: true });

    const changed = await api(`/api/todos/${todo.id}`, { method: "PATCH", json: { done: false } });
    expect(changed.json()).toMatchObject({ id: todo.id, title: "Buy oat milk", notes: "", done: false });

    const deleted = await api(`/api/todos/${todo.id}`, { method: "DELETE" });
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBe("");
    const gone = await api(`/api/todos/${todo.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toBe(`{"error":404,"message":"There is no todo ${todo.id}."}`);
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const missing = await api(`/api/todos/${todo.id}`, { method, json: { title: "t", notes: "", done: true } });
      expect(missing.status).toBe(404);
      expect(missing.json()).toEqual({ error: 404, message: `There is no todo ${todo.id}.` });
    }
  });

  it("answers 405 with Allow for a verb the item does not serve", async () => {
    const post = await api("/api/todos/1", { method: "POST", json: {} });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe("DELETE, GET, HEAD, OPTIONS, PATCH, PUT");
  });
});

describe("the todo API: validation", () => {
  it("answers 422 naming each field that is wrong, in the route schema's shape", async () => {
    const bad = await api("/api/todos", { json: { title: "", done: "yes", colour: "red" } });
    expect(bad.status).toBe(422);
    expect(bad.headers["content-type"]).toBe("application/json");
    expect(bad.json()).toEqual({
      error: 422,
      message: "Invalid request body: title: Give the item a title. (and 2 more issues)",
      detail: [
        { path: "title", message: "Give the item a title." },
        { path: "done", message: "Invalid input: expected boolean, received string" },
        { path: "", message: 'Unrecognized key: "colour"' },
      ],
    });
    const long = await api("/api/todos", { json: { title: "x".repeat(201) } });
    expect(long.json()).toEqual({ error: 422, message: "Invalid request body: title: A title has at most 200 characters.", detail: [{ path: "title", message: "A title has at most 200 characters." }] });
    const notObject = await api("/api/todos", { json: ["a list"] });
    expect(notObject.status).toBe(422);
    expect(notObject.json().detail).toEqual([{ path: "", message: "Invalid input: expected object, received array" }]);
    expect((await api("/api/todos")).json().total).toBe(0);
  });

  it("needs every field on PUT and one at least on PATCH", async () => {
    const { id } = (await api("/api/todos", { json: { title: "to check" } })).json();
    const put = await api(`/api/todos/${id}`, { method: "PUT", json: { title: "only a title" } });
    expect(put.status).toBe(422);
    expect(put.json()).toEqual({
      error: 422,
      message: "Invalid request body: notes: Invalid input: expected string, received undefined (and 1 more issue)",
      detail: [
        { path: "notes", message: "Invalid input: expected string, received undefined" },
        { path: "done", message: "Invalid input: expected boolean, received undefined" },
      ],
    });
    const patch = await api(`/api/todos/${id}`, { method: "PATCH", json: {} });
    expect(patch.status).toBe(422);
    expect(patch.json()).toEqual({ error: 422, message: "Invalid request body: Give at least one of title, notes and done.", detail: [{ path: "", message: "Give at least one of title, notes and done." }] });
    expect((await api(`/api/todos/${id}`)).json().title).toBe("to check");
    await api(`/api/todos/${id}`, { method: "DELETE" });
  });

  it("answers 400 to a body that is not JSON and 415 to one that is not sent as JSON", async () => {
    const broken = await api("/api/todos", { method: "POST", headers: { "content-type": "application/json" }, body: '{"title": ' });
    expect(broken.status).toBe(400);
    expect(broken.json().message).toMatch(/^The request body is not valid JSON: /);
    // A route schema reads forms too; the API's refuse them before the schema is checked.
    const form = await api("/api/todos", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "title=x" });
    expect(form.status).toBe(415);
    expect(form.json()).toEqual({ error: 415, message: 'Expected a JSON body (Content-Type: application/json), got "application/x-www-form-urlencoded".' });
    const boundary = "b0undary";
    const multipart = await api("/api/todos/1", { method: "PATCH", headers: { "content-type": `multipart/form-data; boundary=${boundary}` }, body: `--${boundary}\r\ncontent-disposition: form-data; name="done"\r\n\r\ntrue\r\n--${boundary}--\r\n` });
    expect(multipart.status).toBe(415);
    expect(multipart.json()).toEqual({ error: 415, message: 'Expected a JSON body (Content-Type: application/json), got "multipart/form-data".' });
    const text = await api("/api/todos", { method: "POST", headers: { "content-type": "text/plain" }, body: "title" });
    expect(text.status).toBe(415);
    expect(text.json()).toEqual({ error: 415, message: 'Expected a JSON body (Content-Type: application/json), got "text/plain".' });
    expect((await api("/api/todos")).json().total).toBe(0);
  });
});

describe("the todo API: paging and the completed items", () => {
  it("pages the list newest first, with links to the neighbouring pages", async () => {
    const ids: number[] = [];
    for (let i = 1; i <= 25; i++) ids.push((await api("/api/todos", { json: { title: `item ${i}`, done: i % 5 === 0 } })).json().id);
    const first = (await api("/api/todos")).json();
    expect(first).toMatchObject({ page: 1, limit: 20, total: 25, previous: null, next: "/api/todos?page=2&limit=20" });
    expect(first.items).toHaveLength(20);
    expect(first.items[0].title).toBe("item 25");
    const third = (await api("/api/todos?page=3&limit=10")).json();
    expect(third).toMatchObject({ page: 3, limit: 10, total: 25, previous: "/api/todos?page=2&limit=10", next: null });
    expect(third.items.map((todo: { title: string }) => todo.title)).toEqual(["item 5", "item 4", "item 3", "item 2", "item 1"]);
    const past = (await api("/api/todos?page=9&limit=10")).json();
    expect(past).toMatchObject({ items: [], page: 9, total: 25, next: null });

    const done = (await api("/api/todos/completed?limit=2")).json();
    expect(done).toMatchObject({ page: 1, limit: 2, total: 5, previous: null, next: "/api/todos/completed?page=2&limit=2" });
    expect(done.items.map((todo: { title: string; done: boolean }) => [todo.title, todo.done])).toEqual([
      ["item 25", true],
      ["item 20", true],
    ]);
    for (const id of ids) await api(`/api/todos/${id}`, { method: "DELETE" });
    expect((await api("/api/todos/completed")).json()).toMatchObject({ items: [], total: 0 });
  });

  it("answers 400 naming the parameter for a page or limit out of bounds or not a number", async () => {
    const cases: [string, string][] = [
      ["limit=0", 'The query parameter limit must be a whole number from 1 to 100, not "0".'],
      ["limit=101", 'The query parameter limit must be a whole number from 1 to 100, not "101".'],
      ["limit=ten", 'The query parameter limit must be a whole number from 1 to 100, not "ten".'],
      ["page=0", 'The query parameter page must be a whole number from 1 up, not "0".'],
      ["page=-1", 'The query parameter page must be a whole number from 1 up, not "-1".'],
      ["page=1.5", 'The query parameter page must be a whole number from 1 up, not "1.5".'],
      ["page=1&page=2", "The query parameter page must be a whole number from 1 up, not 2 values."],
      ["page=99999999999999999999", 'The query parameter page must be a whole number from 1 up, not "99999999999999999999".'],
    ];
    for (const [query, message] of cases) {
      const res = await api(`/api/todos?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.json(), query).toEqual({ error: 400, message, detail: { parameter: query.slice(0, query.indexOf("=")) } });
    }
    expect((await api("/api/todos/completed?limit=0")).status).toBe(400);
  });
});

describe("the todo API: the custom 404", () => {
  it("answers paths no route serves under /api/ in JSON, with or without a token, whatever the client accepts", async () => {
    for (const headers of [{}, { authorization: "", accept: "text/html,application/xhtml+xml" }] as Record<string, string>[]) {
      const res = await api("/api/nothing/here", { headers });
      expect(res.status).toBe(404);
      expect(res.headers["content-type"]).toBe("application/json");
      expect(res.body).toBe('{"error":404,"message":"Not Found"}');
    }
    // A non-number id is no route's: the converter refuses it.
    const notId = await api("/api/todos/seven", { headers: { accept: "text/html" } });
    expect(notId.status).toBe(404);
    expect(notId.body).toBe('{"error":404,"message":"Not Found"}');
  });

  it("answers a browser's missing page with templates/404.html", async () => {
    const res = await fetchResult(`${base}/no/such/page`, { headers: { accept: "text/html" } });
    expect(res.status).toBe(404);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.body).toContain("<title>Not found · handlerkit todo</title>");
    expect(res.body).toContain('<h1 id="error">Nothing here</h1>\n<p class="message">Not Found</p>');
  });
});
