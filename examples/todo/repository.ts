/**
 * The todo application's data: users and todo items in one SQLite file,
 * through better-sqlite3. All the SQL of the example is here. The schema is
 * made on first open (`CREATE TABLE IF NOT EXISTS`) and versioned with
 * `PRAGMA user_version`, so a later version adds a step to `MIGRATIONS`
 * and an old file is brought up to date when it is opened.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";

/** A todo item as the pages and the API see it. */
export interface Todo {
  id: number;
  title: string;
  notes: string;
  done: boolean;
  createdAt: string;
  updatedAt: string;
  /** The attached file, if there is one. */
  attachment: Attachment | undefined;
}

/** What is known of an item's attached file; its bytes are on disk, under the attachments folder, as `file`. */
export interface Attachment {
  /** The name the uploader gave, sent back as the download's name. */
  name: string;
  type: string;
  size: number;
  /** The file's name in the attachments folder (never the client's name). */
  file: string;
}

/** A user who can log in to the pages. */
export interface User {
  id: number;
  username: string;
  passwordHash: string;
}

/** The fields a new item (or a full replacement) has. */
export interface TodoInput {
  title: string;
  notes?: string | undefined;
  done?: boolean | undefined;
}

/** A page of items, newest first. */
export interface TodoPage {
  items: Todo[];
  total: number;
}

// Each step brings the file from version i to i + 1, in one transaction.
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS users (
     id INTEGER PRIMARY KEY,
     username TEXT NOT NULL UNIQUE,
     password_hash TEXT NOT NULL
   );
   CREATE TABLE IF NOT EXISTS todos (
     id INTEGER PRIMARY KEY,
     title TEXT NOT NULL,
     notes TEXT NOT NULL DEFAULT '',
     done INTEGER NOT NULL DEFAULT 0,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     attachment_name TEXT,
     attachment_type TEXT,
     attachment_size INTEGER,
     attachment_file TEXT
   );
   CREATE INDEX IF NOT EXISTS todos_done ON todos (done, id);`,
];

interface TodoRow {
  id: number;
  title: string;
  notes: string;
  done: number;
  created_at: string;
  updated_at: string;
  attachment_name: string | null;
  attachment_type: string | null;
  attachment_size: number | null;
  attachment_file: string | null;
}

/**
 * The todo database: open (and create) it with `new TodoRepository(path)`,
 * `close()` it at shutdown. Every statement is prepared once, here.
 *
 * @example
 * const todos = new TodoRepository("data/todo.db");
 * const milk = todos.create({ title: "Buy milk" });
 * todos.update(milk.id, { done: true });
 */
export class TodoRepository {
  /** The database file (`:memory:` for none). */
  readonly path: string;
  readonly #db: Database.Database;
  readonly #statements;

  constructor(path: string) {
    this.path = path;
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.#db = new Database(path);
    // WAL lets the pages read while a write is in progress, and survives a crash.
    this.#db.pragma("journal_mode = WAL");
    this.#db.pragma("foreign_keys = ON");
    this.#migrate();
    const db = this.#db;
    this.#statements = {
      user: db.prepare<[number], { id: number; username: string; password_hash: string }>("SELECT id, username, password_hash FROM users WHERE id = ?"),
      userByName: db.prepare<[string], { id: number; username: string; password_hash: string }>("SELECT id, username, password_hash FROM users WHERE username = ?"),
      addUser: db.prepare<[string, string]>("INSERT INTO users (username, password_hash) VALUES (?, ?)"),
      setPassword: db.prepare<[string, number]>("UPDATE users SET password_hash = ? WHERE id = ?"),
      todo: db.prepare<[number], TodoRow>("SELECT * FROM todos WHERE id = ?"),
      page: db.prepare<[number, number], TodoRow>("SELECT * FROM todos ORDER BY id DESC LIMIT ? OFFSET ?"),
      count: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM todos"),
      donePage: db.prepare<[number, number], TodoRow>("SELECT * FROM todos WHERE done = 1 ORDER BY id DESC LIMIT ? OFFSET ?"),
      doneCount: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM todos WHERE done = 1"),
      insert: db.prepare<[string, string, number, string, string]>("INSERT INTO todos (title, notes, done, created_at, updated_at) VALUES (?, ?, ?, ?, ?)"),
      update: db.prepare<[string, string, number, string, number]>("UPDATE todos SET title = ?, notes = ?, done = ?, updated_at = ? WHERE id = ?"),
      attach: db.prepare<[string, string, number, string, string, number]>(
        "UPDATE todos SET attachment_name = ?, attachment_type = ?, attachment_size = ?, attachment_file = ?, updated_at = ? WHERE id = ?",
      ),
      remove: db.prepare<[number]>("DELETE FROM todos WHERE id = ?"),
    };
  }

  /** The schema version this file is at (`PRAGMA user_version`). */
  get schemaVersion(): number {
    return this.#db.pragma("user_version", { simple: true }) as number;
  }

  #migrate(): void {
    let version = this.schemaVersion;
    if (version > MIGRATIONS.length) {
      throw new Error(`${this.path} has schema version ${version}, newer than this example knows (${MIGRATIONS.length}): use the version of the example that made it.`);
    }
    for (; version < MIGRATIONS.length; version++) {
      this.#db.transaction(() => {
        this.#db.exec(MIGRATIONS[version]!);
        this.#db.pragma(`user_version = ${version + 1}`);
      })();
    }
  }

  /** The user with this id, or `undefined`. */
  user(id: number): User | undefined {
    const row = this.#statements.user.get(id);
    return row && { id: row.id, username: row.username, passwordHash: row.password_hash };
  }

  /** The user with this name, or `undefined`. */
  userByName(username: string): User | undefined {
    const row = this.#statements.userByName.get(username);
    return row && { id: row.id, username: row.username, passwordHash: row.password_hash };
  }

  /** Add a user with a password hash (from `hashPassword`). */
  addUser(username: string, passwordHash: string): User {
    const id = Number(this.#statements.addUser.run(username, passwordHash).lastInsertRowid);
    return { id, username, passwordHash };
  }

  /** Replace a user's password hash. */
  setPasswordHash(id: number, passwordHash: string): void {
    this.#statements.setPassword.run(passwordHash, id);
  }

  /** One item, or `undefined`. */
  get(id: number): Todo | undefined {
    const row = this.#statements.todo.get(id);
    return row && toTodo(row);
  }

  /** A page of items, newest first: `limit` of them after skipping `offset`; only the completed ones with `done`. */
  list(offset: number, limit: number, options: { done?: boolean } = {}): TodoPage {
    const s = this.#statements;
    const [page, count] = options.done ? [s.donePage, s.doneCount] : [s.page, s.count];
    return { items: page.all(limit, offset).map(toTodo), total: count.get()!.n };
  }

  /** Add an item. */
  create(input: TodoInput): Todo {
    const now = new Date().toISOString();
    const id = Number(this.#statements.insert.run(input.title, input.notes ?? "", input.done ? 1 : 0, now, now).lastInsertRowid);
    return this.get(id)!;
  }

  /** Change an item's fields (those given); `undefined` when there is no such item. */
  update(id: number, changes: Partial<TodoInput>): Todo | undefined {
    const todo = this.get(id);
    if (todo === undefined) return undefined;
    const title = changes.title ?? todo.title;
    const notes = changes.notes ?? todo.notes;
    const done = changes.done ?? todo.done;
    this.#statements.update.run(title, notes, done ? 1 : 0, new Date().toISOString(), id);
    return this.get(id)!;
  }

  /** Record an item's attachment, replacing any; resolves to the item as it was before (to remove the old file), or `undefined`. */
  attach(id: number, attachment: Attachment): Todo | undefined {
    const before = this.get(id);
    if (before === undefined) return undefined;
    this.#statements.attach.run(attachment.name, attachment.type, attachment.size, attachment.file, new Date().toISOString(), id);
    return before;
  }

  /** Delete an item; returns what it was (its attachment's file is the caller's to remove), or `undefined`. */
  remove(id: number): Todo | undefined {
    const todo = this.get(id);
    if (todo !== undefined) this.#statements.remove.run(id);
    return todo;
  }

  /** Close the database file (once; a second call does nothing). */
  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

function toTodo(row: TodoRow): Todo {
  return {
    id: row.id,
    title: row.title,
    notes: row.notes,
    done: row.done === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    attachment:
      row.attachment_file === null
        ? undefined
        : { name: row.attachment_name ?? "", type: row.attachment_type ?? "application/octet-stream", size: row.attachment_size ?? 0, file: row.attachment_file },
  };
}
