/**
 * The default session store: the session's data in the signed cookie
 * itself, so any number of instances serve it with nothing shared.
 */
import { parseSessionRecord, type SessionRecord, type SessionStore } from "./session-store.js";

/**
 * Keeps the whole session in its cookie, signed (not encrypted: the client
 * can read what is in it, and cannot change it). Nothing is kept on the
 * server, so nothing is shared between instances, and a destroyed session
 * cannot be revoked on the server: a copy of an old cookie stays valid
 * until its idle or absolute timeout. A session over the 4 KB a browser
 * keeps in a cookie is an error when it is saved, saying so. Use
 * `RedisStore` (or `MemoryStore` in tests) for large sessions or when a
 * logout must end every copy.
 *
 * @example
 * app.use(sessions());                            // the cookie store
 * app.use(sessions({ store: new CookieStore() })); // the same, said out loud
 */
export class CookieStore implements SessionStore {
  /** The "id" is the record's JSON, which came from a signed cookie. */
  get(id: string): SessionRecord | undefined {
    return parseSessionRecord(id);
  }

  /** The record as JSON: it becomes the cookie's value. */
  set(_id: string, record: SessionRecord): string {
    return JSON.stringify(record);
  }

  /** Nothing to do: the session is gone once its cookie is. */
  destroy(): void {}
}
