/**
 * A browser's cookie jar, small: what the session and CSRF specs need to
 * follow a visitor across requests over real sockets.
 */
import type { RequestInit, Response } from "../../lib/index.js";
import { fetchResult } from "./socket-client.js";

type FetchOptions = NonNullable<Parameters<typeof fetchResult>[1]>;

/** Cookies by name, kept from `Set-Cookie` (a `Max-Age` of 0 or less deletes) and sent as `Cookie`. */
export class CookieJar {
  readonly cookies = new Map<string, string>();
  /** The attributes of the last `Set-Cookie` seen for each name (`Max-Age=…; Path=/; HttpOnly`). */
  readonly attributes = new Map<string, string>();

  /** The `Cookie` header for what the jar holds. */
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  /** Keep what a response set. */
  store(setCookie: string | string[] | undefined): void {
    for (const line of setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie]) {
      const semi = line.indexOf(";");
      const pair = semi === -1 ? line : line.slice(0, semi);
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq);
      const attributes = semi === -1 ? "" : line.slice(semi + 1).trim();
      this.attributes.set(name, attributes);
      const maxAge = /(?:^|;\s*)Max-Age=(-?\d+)/i.exec(attributes);
      if (maxAge !== null && Number(maxAge[1]) <= 0) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1));
    }
  }
}

/** A visitor: requests to `base` with the jar's cookies, keeping what comes back. */
export function visitor(base: string, jar = new CookieJar()) {
  const visit = async (path: string, options: FetchOptions = {}) => {
    const headers = { ...(options.headers as Record<string, string> | undefined) };
    if (jar.cookies.size > 0 && headers.cookie === undefined) headers.cookie = jar.header();
    const result = await fetchResult(base + path, { ...options, headers });
    jar.store(result.headers["set-cookie"]);
    return result;
  };
  return Object.assign(visit, { jar });
}

/** The same visitor in process: `app.getResponse()` with the jar's cookies. */
export function inProcessVisitor(app: { getResponse(path: string, init?: RequestInit): Promise<Response> }, jar = new CookieJar()) {
  const visit = async (path: string, init: RequestInit = {}) => {
    const headers = { ...(init.headers as Record<string, string> | undefined) };
    if (jar.cookies.size > 0 && headers.cookie === undefined) headers.cookie = jar.header();
    const response = await app.getResponse(path, { ...init, headers });
    jar.store(response.headers.getAll("set-cookie"));
    return response;
  };
  return Object.assign(visit, { jar });
}
