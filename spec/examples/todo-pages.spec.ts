/**
 * The todo example's HTML pages in process: the login, the list, adding,
 * completing, editing, attaching and downloading a file, deleting, the
 * forms' CSRF check and its 403 page, and the static files.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Application } from "../../lib/index.js";
import { closeTodoApp } from "../../examples/todo/app.js";
import type { TodoState } from "../../examples/todo/state.js";
import { inProcessVisitor } from "../support/cookie-jar.js";
import { multipartBody } from "../support/multipart-body.js";
import { TODO_USER, todoApp } from "../support/todo-app.js";

let app: Application<TodoState>;
beforeAll(async () => {
  app = await todoApp();
});
afterAll(() => closeTodoApp(app));

const html = { accept: "text/html" };
const tokenOf = (page: string) => /name="csrf_token" value="([^"]+)"/.exec(page)![1]!;

async function loggedIn() {
  const visit = inProcessVisitor(app);
  const page = await (await visit("/login", { headers: html })).text();
  const res = await visit("/login", { method: "POST", headers: html, form: { csrf_token: tokenOf(page), username: TODO_USER.name, password: TODO_USER.password, next: "/todos" } });
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe("/todos");
  return visit;
}

describe("the todo pages: logging in", () => {
  it("sends a visitor to the login, refuses a wrong password, logs the demo user in and out", async () => {
    const visit = inProcessVisitor(app);
    expect((await visit("/", { headers: html })).headers.get("location")).toBe("/todos");
    const away = await visit("/todos", { headers: html });
    expect(away.status).toBe(302);
    expect(away.headers.get("location")).toBe("/login?next=%2Ftodos");
    const form = await (await visit("/login?next=%2Ftodos%2Fcompleted", { headers: html })).text();
    expect(form).toContain('<input type="hidden" name="next" value="/todos/completed">');

    const wrong = await visit("/login", { method: "POST", headers: html, form: { csrf_token: tokenOf(form), username: "demo", password: "nope", next: "/todos/completed" } });
    expect(wrong.status).toBe(303);
    expect(wrong.headers.get("location")).toBe("/login?next=%2Ftodos%2Fcompleted");
    const again = await (await visit("/login?next=%2Ftodos%2Fcompleted", { headers: html })).text();
    expect(again).toContain('<p class="flash error" role="status">Wrong user name or password.</p>');

    const empty = await visit("/login", { method: "POST", headers: html, form: { csrf_token: tokenOf(again), username: " ", password: "" } });
    expect(empty.status).toBe(422);
    const emptyPage = await empty.text();
    expect(emptyPage).toContain('<li data-field="username">username: Give your user name.</li>');
    expect(emptyPage).toContain('<li data-field="password">password: Give your password.</li>');

    const ok = await visit("/login", { method: "POST", headers: html, form: { csrf_token: tokenOf(again), username: "demo", password: TODO_USER.password, next: "https://evil.example/" } });
    expect(ok.status).toBe(303);
    // sameOriginPath() refuses a target on another site: the list instead.
    expect(ok.headers.get("location")).toBe("/todos");
    const list = await (await visit("/todos", { headers: html })).text();
    expect(list).toContain('<p class="flash success" role="status">Welcome, demo.</p>');
    expect(list).toContain("<span>demo");

    const out = await visit("/logout", { method: "POST", headers: html, form: { csrf_token: tokenOf(list) } });
    expect(out.headers.get("location")).toBe("/login");
    expect(await (await visit("/login", { headers: html })).text()).toContain('<p class="flash info" role="status">Logged out.</p>');
    expect((await visit("/todos", { headers: html })).status).toBe(302);
  });
});

describe("the todo pages: the list", () => {
  it("adds, completes, edits, attaches, downloads and deletes an item", async () => {
    const visit = await loggedIn();
    let page = await (await visit("/todos", { headers: html })).text();

    const invalid = await visit("/todos", { method: "POST", headers: html, form: { csrf_token: tokenOf(page), title: "   ", notes: "kept" } });
    expect(invalid.status).toBe(422);
    page = await invalid.text();
    expect(page).toContain('<li data-field="title">title: Give the item a title.</li>');
    expect(page).toContain('<textarea name="notes" rows="2">kept</textarea>');

    const added = await visit("/todos", { method: "POST", headers: html, form: { csrf_token: tokenOf(page), title: "Water <the> plants", notes: "" } });
    expect(added.status).toBe(303);
    expect(added.headers.get("location")).toBe("/todos");
    page = await (await visit("/todos", { headers: html })).text();
    expect(page).toContain('<p class="flash success" role="status">Added “Water &lt;the&gt; plants”.</p>');
    const id = Number(/<li class="open" data-id="(\d+)">/.exec(page)![1]);
    expect(page).toContain(`<a class="title" href="/todos/${id}">Water &lt;the&gt; plants</a>`);

    const done = await visit(`/todos/${id}/complete`, { method: "POST", headers: html, form: { csrf_token: tokenOf(page), done: "1", back: "all" } });
    expect(done.headers.get("location")).toBe("/todos");
    page = await (await visit("/todos/completed", { headers: html })).text();
    expect(page).toContain("<h1>Completed <small>(1)</small></h1>");
    expect(page).toContain(`<li class="done" data-id="${id}">`);

    const edit = await (await visit(`/todos/${id}`, { headers: html })).text();
    expect(edit).toContain('<input type="text" name="title" value="Water &lt;the&gt; plants">');
    const saved = await visit(`/todos/${id}`, { method: "POST", headers: html, form: { csrf_token: tokenOf(edit), title: "Water the plants", notes: "twice" } });
    expect(saved.headers.get("location")).toBe(`/todos/${id}`);
    expect(app.config.todos.get(id)).toMatchObject({ title: "Water the plants", notes: "twice", done: true });

    const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 13, 0x50, 0x4b]);
    const { body, contentType } = multipartBody([
      { name: "csrf_token", value: tokenOf(edit) },
      { name: "file", value: bytes, filename: "plan ä.bin", type: "application/octet-stream" },
    ]);
    const uploaded = await visit(`/todos/${id}/attachment`, { method: "POST", headers: { ...html, "content-type": contentType }, body });
    expect(uploaded.status).toBe(303);
    expect(uploaded.headers.get("location")).toBe(`/todos/${id}`);
    const withFile = await (await visit(`/todos/${id}`, { headers: html })).text();
    expect(withFile).toContain('<p class="flash success" role="status">Attached “plan ä.bin” (9 bytes).</p>');
    expect(withFile).toContain(`<a href="/todos/${id}/attachment" download>plan ä.bin</a> (9 bytes, application/octet-stream)`);

    const download = await visit(`/todos/${id}/attachment`, { headers: html });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/octet-stream");
    expect(download.headers.get("content-disposition")).toBe(`attachment; filename="plan _.bin"; filename*=UTF-8''plan%20%C3%A4.bin`);
    expect(download.headers.get("x-content-type-options")).toBe("nosniff");
    expect((await download.bytes()).equals(bytes)).toBe(true);

    const removed = await visit(`/todos/${id}/delete`, { method: "POST", headers: html, form: { csrf_token: tokenOf(withFile), back: "completed" } });
    expect(removed.headers.get("location")).toBe("/todos/completed");
    expect(await (await visit("/todos/completed", { headers: html })).text()).toContain('<p class="flash success" role="status">Deleted “Water the plants”.</p>');
    expect(app.config.todos.get(id)).toBeUndefined();
    const missing = await visit(`/todos/${id}`, { headers: html });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain(`<h1 id="error">Nothing here</h1>\n<p class="message">There is no todo ${id}.</p>`);
    expect((await visit(`/todos/${id}/attachment`, { headers: html })).status).toBe(404);
  });

  it("refuses an empty upload with a message", async () => {
    const visit = await loggedIn();
    const todo = app.config.todos.create({ title: "no file" });
    const page = await (await visit(`/todos/${todo.id}`, { headers: html })).text();
    const { body, contentType } = multipartBody([
      { name: "csrf_token", value: tokenOf(page) },
      { name: "file", value: "", filename: "", type: "application/octet-stream" },
    ]);
    const res = await visit(`/todos/${todo.id}/attachment`, { method: "POST", headers: { ...html, "content-type": contentType }, body });
    expect(res.status).toBe(303);
    expect(await (await visit(`/todos/${todo.id}`, { headers: html })).text()).toContain('<p class="flash error" role="status">Choose a file to attach.</p>');
    app.config.todos.remove(todo.id);
  });

  it("answers a form sent without its CSRF token with the 403 page, and changes nothing", async () => {
    const visit = await loggedIn();
    const before = app.config.todos.list(0, 100).total;
    const res = await visit("/todos", { method: "POST", headers: html, form: { title: "forged" } });
    expect(res.status).toBe(403);
    const page = await res.text();
    expect(page).toContain('<h1 id="error">403 Forbidden</h1>');
    expect(page).toContain("<span>demo");
    expect(page).toContain("<p class=\"message\">CSRF check failed: the form&#39;s csrf_token field (or the x-csrf-token header) is missing.</p>");
    const crossSite = await visit("/todos", { method: "POST", headers: { ...html, origin: "https://evil.example" }, form: { title: "forged", csrf_token: "x" } });
    expect(crossSite.status).toBe(403);
    expect(app.config.todos.list(0, 100).total).toBe(before);
  });
});

describe("the todo pages: paging", () => {
  it("shows 20 items a page with links to the neighbours, and a 400 for a bad page", async () => {
    const visit = await loggedIn();
    const made = Array.from({ length: 22 }, (_, i) => app.config.todos.create({ title: `chore ${i + 1}` }));
    const first = await (await visit("/todos", { headers: html })).text();
    expect(first.match(/<li class="open"/g)).toHaveLength(20);
    expect(first).toContain('<a rel="next" href="/todos?page=2">Older →</a>');
    expect(first).not.toContain('rel="prev"');
    const second = await (await visit("/todos?page=2", { headers: html })).text();
    expect(second.match(/<li class="open"/g)).toHaveLength(2);
    expect(second).toContain('<a class="title" href="/todos/' + made[0]!.id + '">chore 1</a>');
    expect(second).toContain('<a rel="prev" href="/todos">← Newer</a>');
    expect(await (await visit("/todos?page=2&limit=5", { headers: html })).text()).toContain('<a rel="prev" href="/todos?limit=5">← Newer</a>');
    const bad = await visit("/todos?page=zero", { headers: html });
    expect(bad.status).toBe(400);
    // No 400.html: the built-in page says what is wrong.
    expect(await bad.text()).toContain("<h1>400 Bad Request</h1><p>The query parameter page must be a whole number from 1 up, not &#34;zero&#34;.</p>");
    for (const todo of made) app.config.todos.remove(todo.id);
  });
});

describe("the todo pages: static files", () => {
  it("serves public/ under /static, compressed, without a session", async () => {
    const css = readFileSync(new URL("../../examples/todo/public/style.css", import.meta.url));
    const plain = await app.getResponse("/static/style.css");
    expect(plain.status).toBe(200);
    expect(plain.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(plain.headers.get("cache-control")).toBe("public, max-age=3600");
    expect(plain.headers.has("set-cookie")).toBe(false);
    expect((await plain.bytes()).equals(css)).toBe(true);
    const gzipped = await app.getResponse("/static/style.css", { headers: { "accept-encoding": "gzip" } });
    expect(gzipped.headers.get("content-encoding")).toBe("gzip");
    expect(gunzipSync(await gzipped.bytes()).equals(css)).toBe(true);
    expect(await (await app.getResponse("/static/robots.txt")).text()).toBe("User-agent: *\nAllow: /\n");
  });
});
