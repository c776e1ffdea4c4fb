/**
 * The request a handler sees: method, path, query, headers, cookies and a
 * lazily read body. Made from a `node:http` request by the application, or
 * with no socket at all by `Request.blank()`.
 */
import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import type { Application } from "./application.js";
import { DEFAULT_BODY_LIMIT, readBody } from "./body-reader.js";
import { BadRequest, UnsupportedMediaType } from "./errors.js";
import { HeaderMap, type HeadersInit } from "./header-map.js";
import { MultiDict } from "./multi-dict.js";
import type { Route } from "./route.js";

/** What `Request.blank()` and `app.getResponse()` accept to describe a request. */
export interface RequestInit {
  /** The HTTP method; `GET` by default. */
  method?: string;
  headers?: HeadersInit;
  /** A raw body. */
  body?: string | Uint8Array;
  /** A body sent as JSON, with `Content-Type: application/json`. */
  json?: unknown;
  /** A body sent urlencoded, with `Content-Type: application/x-www-form-urlencoded`. */
  form?: Record<string, string | readonly string[]> | MultiDict;
  /** Query parameters, merged after any query string in the path. */
  query?: Record<string, string | readonly string[]> | MultiDict | string;
}

/** The values of a route's named parameters: strings, or arrays of them for `*splat`s. */
export type RouteKwargs = Record<string, string | string[] | undefined>;

/** Read options for the body methods. */
export interface BodyOptions {
  /** A byte limit for this read, in place of the route's or the app's `bodyLimit`. */
  limit?: number;
}

/**
 * An HTTP request. Everything derived from the raw request (decoded path,
 * query map, cookies, body) is computed on first use and kept, so a request
 * pays only for what its handler reads.
 *
 * @example
 * const request = Request.blank("/search?q=shoes&page=2");
 * request.query.get("q");  // "shoes"
 * request.path;            // "/search"
 */
export class Request {
  /** The method, upper case (`GET`, `POST`, `PROPFIND`, ...). */
  readonly method: string;
  /** The path as sent, still percent-encoded: what routes match against. */
  readonly rawPath: string;
  /** The query string as sent, without `?` (`""` when there is none). */
  readonly queryString: string;
  /** The request headers, case-insensitive. */
  readonly headers: HeaderMap;
  /** The `node:http` request, when there was a socket. */
  readonly raw: IncomingMessage | undefined;
  /** The application handling this request (set by the application). */
  app!: Application<any>;
  /** The route that matched, once routing has run. */
  route: Route | undefined = undefined;
  /** Positional route arguments (unnamed RegExp groups), decoded. */
  routeArgs: string[] = [];
  /** Named route parameters, decoded. */
  routeKwargs: RouteKwargs = {};

  #scheme: string;
  #host: string | undefined;
  #path: string | undefined;
  #query: MultiDict | undefined;
  #cookies: Record<string, string> | undefined;
  #bodySource: Buffer | IncomingMessage | undefined;
  #body: Promise<Buffer> | undefined;
  #form: MultiDict | undefined;

  constructor(method: string, url: string, headers: HeaderMap, raw?: IncomingMessage, scheme = "http", host?: string) {
    this.method = method;
    const q = url.indexOf("?");
    this.rawPath = q === -1 ? url : url.slice(0, q);
    this.queryString = q === -1 ? "" : url.slice(q + 1);
    this.headers = headers;
    this.raw = raw;
    this.#scheme = scheme;
    this.#host = host;
    this.#bodySource = raw;
  }

  /** Make a request from a `node:http` request, without reading anything yet. */
  static fromNode(req: IncomingMessage): Request {
    const secure = (req.socket as { encrypted?: boolean } | null)?.encrypted === true;
    return new this(req.method ?? "GET", req.url ?? "/", HeaderMap.fromNode(req.headers), req, secure ? "https" : "http");
  }

  /**
   * Build a request with no socket, for tests and for `app.getResponse()`.
   * `path` may be an absolute URL, whose scheme and host become the
   * request's.
   *
   * @example
   * Request.blank("/login", { method: "POST", form: { user: "ada" } });
   * Request.blank("https://example.com/api", { json: { a: 1 } });
   */
  static blank(path: string, init: RequestInit = {}): Request {
    let scheme = "http";
    let host = "localhost";
    const absolute = /^(https?):\/\/([^/?#]*)(.*)$/i.exec(path);
    if (absolute) {
      scheme = absolute[1]!.toLowerCase();
      host = absolute[2]!;
      path = absolute[3] || "/";
    }
    const hash = path.indexOf("#");
    if (hash !== -1) path = path.slice(0, hash);
    if (init.query !== undefined) {
      const extra = typeof init.query === "string" ? init.query.replace(/^\?/, "") : new MultiDict(init.query instanceof MultiDict ? init.query.entries() : init.query).toString();
      if (extra) path += (path.includes("?") ? "&" : "?") + extra;
    }
    const headers = new HeaderMap(init.headers);
    if (!headers.has("host")) headers.set("host", host);
    let body: Buffer | undefined;
    if (init.json !== undefined) {
      body = Buffer.from(JSON.stringify(init.json));
      if (!headers.has("content-type")) headers.set("content-type", "application/json");
    } else if (init.form !== undefined) {
      const form = init.form instanceof MultiDict ? init.form : new MultiDict(init.form);
      body = Buffer.from(form.toString());
      if (!headers.has("content-type")) headers.set("content-type", "application/x-www-form-urlencoded");
    } else if (init.body !== undefined) {
      body = typeof init.body === "string" ? Buffer.from(init.body) : Buffer.from(init.body.buffer, init.body.byteOffset, init.body.byteLength);
    }
    if (body && !headers.has("content-length")) headers.set("content-length", body.length);
    const request = new this((init.method ?? "GET").toUpperCase(), path, headers, undefined, scheme, headers.get("host"));
    request.#bodySource = body;
    return request;
  }

  /** The decoded path. Invalid percent-encoding is a `BadRequest` (400). */
  get path(): string {
    if (this.#path === undefined) this.#path = decodePath(this.rawPath);
    return this.#path;
  }

  /** The query parameters, a multi-value map parsed on first use. */
  get query(): MultiDict {
    this.#query ??= MultiDict.parse(this.queryString, this.app?.maxParams);
    return this.#query;
  }

  /** `http` or `https` (from `X-Forwarded-Proto` when the app trusts its proxy). */
  get scheme(): string {
    if (this.app?.trustProxy) {
      const proto = this.headers.get("x-forwarded-proto");
      if (proto) return proto.split(",")[0]!.trim().toLowerCase();
    }
    return this.#scheme;
  }

  /** The host and port the client asked for (`Host`, or `X-Forwarded-Host` behind a trusted proxy). */
  get host(): string {
    if (this.app?.trustProxy) {
      const forwarded = this.headers.get("x-forwarded-host");
      if (forwarded) return forwarded.split(",")[0]!.trim();
    }
    return this.headers.get("host") ?? this.#host ?? "localhost";
  }

  /** The full URL: scheme, host, raw path and query string. */
  get url(): string {
    return `${this.scheme}://${this.host}${this.fullPath()}`;
  }

  /** The raw path with its query string, as the client sent it. */
  fullPath(): string {
    return this.queryString ? `${this.rawPath}?${this.queryString}` : this.rawPath;
  }

  /** The cookies sent, parsed on first use; malformed pairs are skipped. */
  get cookies(): Record<string, string> {
    this.#cookies ??= parseCookies(this.headers.get("cookie"));
    return this.#cookies;
  }

  /** The body limit in force: the route's `bodyLimit`, else the app's, else 1 MB. */
  get bodyLimit(): number {
    return this.route?.bodyLimit ?? this.app?.bodyLimit ?? DEFAULT_BODY_LIMIT;
  }

  /** The body as bytes, read once under the body limit (413 past it). */
  body(options: BodyOptions = {}): Promise<Buffer> {
    if (this.#body) return this.#body;
    const source = this.#bodySource;
    this.#bodySource = undefined;
    if (source === undefined) this.#body = Promise.resolve(Buffer.alloc(0));
    else if (Buffer.isBuffer(source)) {
      const limit = options.limit ?? this.bodyLimit;
      this.#body = source.length > limit ? readBody(Readable.from([]), limit, source.length) : Promise.resolve(source);
    } else {
      const length = this.headers.get("content-length");
      this.#body = readBody(source, options.limit ?? this.bodyLimit, length === undefined ? undefined : Number(length));
    }
    return this.#body;
  }

  /** The body as text, decoded as UTF-8. */
  async text(options?: BodyOptions): Promise<string> {
    return (await this.body(options)).toString("utf8");
  }

  /**
   * The body parsed as JSON. A body that is not JSON is a `BadRequest` (400)
   * saying why; a `Content-Type` that is not JSON is `UnsupportedMediaType`
   * (415) unless `lenient` is set.
   */
  async json<T = unknown>(options: BodyOptions & { lenient?: boolean } = {}): Promise<T> {
    const type = this.contentType;
    if (!options.lenient && type !== "application/json" && !type.endsWith("+json")) {
      throw new UnsupportedMediaType(`Expected a JSON body (Content-Type: application/json), got ${type ? `"${type}"` : "none"}.`);
    }
    const text = await this.text(options);
    try {
      return (this.app?.json.parse ?? JSON.parse)(text) as T;
    } catch (error) {
      throw new BadRequest(`The request body is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
  }

  /**
   * The body parsed as an urlencoded form, into a multi-value map. A request
   * with no form body gives an empty map.
   */
  async form(options?: BodyOptions): Promise<MultiDict> {
    if (this.#form) return this.#form;
    if (this.contentType !== "application/x-www-form-urlencoded") {
      this.#form = new MultiDict(undefined, false);
    } else {
      this.#form = MultiDict.parse(await this.text(options), this.app?.maxParams);
    }
    return this.#form;
  }

  /** The media type of the body, lower case, without parameters (`""` when absent). */
  get contentType(): string {
    const value = this.headers.get("content-type");
    if (!value) return "";
    const semi = value.indexOf(";");
    return (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
  }

  /**
   * The first value of `name` in the query, or in the form once it has been
   * read with `await request.form()` (webapp2's `request.get`).
   */
  get(name: string, fallback?: string): string | undefined {
    return this.query.get(name) ?? this.#form?.get(name) ?? fallback;
  }

  /** Every value of `name` in the query and (once read) the form. */
  getAll(name: string): string[] {
    const values = this.query.getAll(name);
    return this.#form ? values.concat(this.#form.getAll(name)) : values;
  }

  /** The names present in the query and (once read) the form. */
  arguments(): string[] {
    const names = new Set(this.query.keys());
    if (this.#form) for (const name of this.#form.keys()) names.add(name);
    return [...names];
  }
}

/** Decode a raw path once; invalid percent-encoding is a 400. */
export function decodePath(raw: string): string {
  if (raw.indexOf("%") === -1) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new BadRequest("The path has invalid percent-encoding.");
  }
}

function parseCookies(header: string | undefined): Record<string, string> {
  const cookies = Object.create(null) as Record<string, string>;
  if (!header) return cookies;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || name in cookies) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length > 1 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (value.indexOf("%") !== -1) {
      try {
        value = decodeURIComponent(value);
      } catch {
        continue;
      }
    }
    cookies[name] = value;
  }
  return cookies;
}
