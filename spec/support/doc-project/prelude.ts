/**
 * The names the docs' fragments use without defining them (`db`,
 * `UserHandler`, `app`), declared with honest types so a fragment is still
 * type-checked. A fragment sees every export here that it neither declares
 * nor imports itself (see docs/writing-docs.md). Add a name when a new
 * fragment needs one.
 */
import type { Application, Converter, Middleware, Request, RequestHandler, Response, RouteLike } from "../../../lib/index.js";
import type { todos as store } from "./_store.js";

/** A row of the sample database. */
export interface Row {
  id: string | number;
  [field: string]: unknown;
}

/** One table of the sample database. */
export interface Table {
  find(id: string | number): Promise<Row | undefined>;
  update(id: string | number, changes: unknown): Promise<Row>;
}

/** The sample database the fragments query. */
export interface Db {
  products: Table;
  orders: Table;
  find(id: string): Promise<Row | undefined>;
  create(data: unknown): Promise<Row>;
  update(id: string, data: unknown): Promise<Row>;
  query(sql: string, options?: { signal?: AbortSignal }): Promise<Row[]>;
}

/** A connection pool, as deployment.md's startup hooks open one. */
export interface Pool {
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}

/** A user of the sample site, as sessions-and-security.md signs one in. */
export interface User {
  id: string;
  isStaff: boolean;
  hash: string;
}

/** The sample site's users. */
export declare const users: {
  find(id: string | number): Promise<User | undefined>;
  update(id: string, changes: Partial<User>): Promise<void>;
};

export declare const app: Application;
/** The todo store of routes-and-cli.md (`./_store.js`). */
export declare const todos: typeof store;
export declare const pool: { query(query: { text: string; signal?: AbortSignal }): Promise<unknown> };
export declare const redis: { ping(): Promise<string> };
export declare const requireLogin: Middleware;
export declare const staffOnly: Middleware;
/** A function handler for a login page (middleware.md). */
export declare function loginPage(request: Request): Promise<unknown>;
export declare const response: Response;
export declare const user: User;
export declare const password: string;
export declare const token: string;
export declare const body: string;
export declare const routes: RouteLike[];
export declare const request: Request;
export declare const db: Db;
export declare const sql: string;
export declare const url: string;
export declare const xml: string;
export declare const id: string;
export declare const items: Row[];
export declare const next: string;
export declare const key: string;
export declare const cert: string;
export declare const controller: AbortController;
export declare const dbError: Error;
export declare const log: { info(...args: unknown[]): void; error(...args: unknown[]): void };
export declare const fastStringify: (value: unknown) => string;
export declare function reviveDates(key: string, value: unknown): unknown;
export declare function isAdmin(request: Request): Promise<boolean>;
export declare function createPool(url?: string): Promise<Pool>;
/** A function handler, as `jsonView(fn)` wraps one. */
export declare function fn(request: Request): unknown;
/** A converter for `2024-05` in a path. */
export declare const yearMonth: Converter<{ year: number; month: number }>;

// Handler classes the fragments route to, typed as their routes give them parameters.
export declare class UserHandler extends RequestHandler {
  get(params: { id: string }): Promise<unknown>;
}
export declare class ProfileHandler extends RequestHandler {
  get(params: { name: string }): Promise<unknown>;
}
export declare class ProductHandler extends RequestHandler {
  get(productId: string): Promise<unknown>;
}
export declare class PostHandler extends RequestHandler {
  get(params: { year: string; slug: string }): Promise<unknown>;
}
export declare class OrderHandler extends RequestHandler {
  get(params: { id: number }): Promise<unknown>;
}
export declare class HomeHandler extends RequestHandler {
  get(): string;
}
export declare class ArchiveHandler extends RequestHandler {
  get(params: { ym: { year: number; month: number } }): Promise<unknown>;
}
export declare class ItemHandler extends RequestHandler {
  get(params: { id: string }): Promise<unknown>;
  put(params: { id: string }): Promise<unknown>;
}
export declare class AccountHandler extends RequestHandler {
  get(): Promise<unknown>;
}
export declare class AdminHandler extends RequestHandler {
  get(): Promise<unknown>;
}
// Under `new PathPrefixRoute("/users/:user", ...)`, each route is typed by its own template.
export declare class UserOverview extends RequestHandler {
  get(): Promise<unknown>;
}
export declare class UserProfile extends RequestHandler {
  get(): Promise<unknown>;
}
export declare class AdminUsers extends RequestHandler {
  get(): Promise<unknown>;
}
export declare class Report extends RequestHandler {
  get(params: { id: string }): Promise<unknown>;
}
