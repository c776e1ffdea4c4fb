/**
 * Where sessions live: the one small interface the cookie, memory and
 * Redis stores share, and the record they keep.
 */

/**
 * What a store keeps for a session: the values (`session.get`/`set`, with
 * the login, the CSRF secret and unread flash messages under the reserved
 * keys `_user`, `_csrf` and `_flashes`) and when the session began, for
 * the absolute timeout. Plain JSON, so any store can serialize it.
 */
export interface SessionRecord {
  /** The session's values, JSON values by key. */
  data: Record<string, unknown>;
  /** When the session began, in milliseconds since the epoch. */
  created: number;
}

/**
 * A session store: `get(id)` the record (or `undefined`), `set(id, record,
 * ttlSeconds)` it for that long, `destroy(id)`, and optionally
 * `touch(id, ttlSeconds)` to extend an unchanged session's life more
 * cheaply than `set`. Each may be synchronous or return a promise. The id
 * reaches a store only from a cookie whose signature checked, so a store
 * never sees an id a client made up.
 *
 * `set` may return the id to send in place of the one it was given: the
 * cookie store does, returning the record itself, so the data travels in
 * the cookie and no state is shared between instances.
 *
 * @example
 * const store: SessionStore = {
 *   get: (id) => db.sessions.find(id),
 *   set: (id, record, ttl) => db.sessions.upsert(id, record, ttl),
 *   destroy: (id) => db.sessions.delete(id),
 * };
 * app.use(sessions({ store }));
 */
export interface SessionStore {
  get(id: string): SessionRecord | undefined | Promise<SessionRecord | undefined>;
  set(id: string, record: SessionRecord, ttlSeconds: number): void | string | Promise<void | string>;
  destroy(id: string): void | Promise<void>;
  touch?(id: string, ttlSeconds: number): void | Promise<void>;
}

/** Whether a store's answer has the shape of a record (a store may hold what an older version wrote). */
export function isSessionRecord(value: unknown): value is SessionRecord {
  if (typeof value !== "object" || value === null) return false;
  const { data, created } = value as Partial<SessionRecord>;
  return typeof data === "object" && data !== null && !Array.isArray(data) && typeof created === "number" && Number.isFinite(created);
}

/** A record from its JSON, or `undefined` when it is not one. */
export function parseSessionRecord(json: string | null | undefined): SessionRecord | undefined {
  if (typeof json !== "string") return undefined;
  try {
    const value: unknown = JSON.parse(json);
    return isSessionRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
