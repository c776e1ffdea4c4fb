/**
 * The todo example's data survives a restart: start on a temporary
 * TODO_DB, add an item, stop, start again on the same file, and it is
 * still there; the schema is made once and versioned.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { verifyPassword } from "../../lib/index.js";
import { TodoRepository } from "../../examples/todo/repository.js";
import { todoConfig } from "../../examples/todo/config.js";
import { fetchResult } from "../support/socket-client.js";
import { AUTH, todoApp, todoDir } from "../support/todo-app.js";

describe("the todo example's database", () => {
  it("keeps what was added across a restart", async () => {
    const db = join(todoDir(), "nested", "todo.db");
    const first = await todoApp({ db });
    await first.listen(0, "127.0.0.1");
    const base1 = `http://127.0.0.1:${first.address!.port}`;
    const created = await fetchResult(`${base1}/api/todos`, { method: "POST", headers: { ...AUTH, "content-type": "application/json" }, body: JSON.stringify({ title: "survive a restart", done: true }) });
    expect(created.status).toBe(201);
    const todo = JSON.parse(created.body);
    await first.close({ timeout: 100 });
    expect(existsSync(db)).toBe(true);

    const second = await todoApp({ db });
    await second.listen(0, "127.0.0.1");
    const base2 = `http://127.0.0.1:${second.address!.port}`;
    const read = await fetchResult(`${base2}/api/todos/${todo.id}`, { headers: AUTH });
    expect(read.status).toBe(200);
    expect(JSON.parse(read.body)).toEqual(todo);
    expect(JSON.parse((await fetchResult(`${base2}/api/todos/completed`, { headers: AUTH })).body).total).toBe(1);
    await second.close({ timeout: 100 });

    const repository = new TodoRepository(db);
    expect(repository.schemaVersion).toBe(1);
    expect(repository.list(0, 10).total).toBe(1);
    expect(repository.userByName("demo")?.passwordHash).toMatch(/^scrypt\$/);
    repository.close();
  });

  it("refuses a file with a newer schema than it knows, saying so", () => {
    const db = join(todoDir(), "todo.db");
    new TodoRepository(db).close();
    const later = new Database(db);
    later.pragma("user_version = 7");
    later.close();
    expect(() => new TodoRepository(db)).toThrow(`${db} has schema version 7, newer than this example knows (1): use the version of the example that made it.`);
  });

  it("makes the demo user once, and gives it the password of the latest start", async () => {
    const db = join(todoDir(), "todo.db");
    (await todoApp({ db, user: { name: "demo", password: "first" } })).config.todos.close();
    (await todoApp({ db, user: { name: "demo", password: "second" } })).config.todos.close();
    const repository = new TodoRepository(db);
    const user = repository.userByName("demo")!;
    expect(user.id).toBe(1);
    expect(await verifyPassword("second", user.passwordHash)).toBe(true);
    expect(await verifyPassword("first", user.passwordHash)).toBe(false);
    repository.close();
  });
});

describe("the todo example's settings from the environment", () => {
  it("defaults to a data/ folder in the sources, a demo login and a token made up for the run", () => {
    const config = todoConfig({});
    expect(config.db).toBe(join(new URL("../../examples/todo/", import.meta.url).pathname, "data", "todo.db"));
    expect(config.user).toEqual({ name: "demo", password: "demo" });
    expect(config.apiToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(config.banner).toEqual([
      `todo: database ${config.db}`,
      "todo: log in as demo, password demo",
      `todo: API token (made for this run; set TODO_API_TOKEN to keep one): ${config.apiToken}`,
    ]);
    expect(todoConfig({}).apiToken).not.toBe(config.apiToken);
  });

  it("takes TODO_DB, TODO_USER, TODO_PASSWORD and TODO_API_TOKEN, and never prints a given password or token", () => {
    const config = todoConfig({ TODO_DB: "/srv/todo.db", TODO_USER: "ada", TODO_PASSWORD: "lovelace", TODO_API_TOKEN: "t0ken", SECRET: "s".repeat(40) });
    expect(config).toMatchObject({ db: "/srv/todo.db", user: { name: "ada", password: "lovelace" }, apiToken: "t0ken", secret: "s".repeat(40), debug: false });
    expect(config.banner).toEqual(["todo: database /srv/todo.db", "todo: log in as ada, password from TODO_PASSWORD", "todo: API token from TODO_API_TOKEN"]);
  });

  it("makes up no token or secret in production", () => {
    expect(() => todoConfig({ NODE_ENV: "production", SECRET: "s".repeat(40) })).toThrow("Set TODO_API_TOKEN (the API's bearer token): NODE_ENV is production, where no random one is made up.");
    expect(() => todoConfig({ NODE_ENV: "production", TODO_API_TOKEN: "t" })).toThrow("Set SECRET (the session-signing secret, 32 bytes or more): NODE_ENV is production, where no random one is made up.");
  });
});
