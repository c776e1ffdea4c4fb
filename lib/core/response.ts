/**
 * The response a handler builds: status, headers, and a body that is either
 * written in pieces (`write()`) or streamed from an iterable or a stream.
 */
import { Readable } from "node:stream";
import { serializeCookie, type CookieOptions } from "../http/cookies.js";
import { reasonPhrase } from "../http/errors.js";
import type { FileOptions, FileResponse } from "./file-response.js";
import { HeaderMap, type HeadersInit } from "../http/header-map.js";
import { checkRedirectTarget } from "../security/safe-redirect.js";
import type { Request } from "./request.js";

export type { CookieOptions } from "../http/cookies.js";

/** A body that is streamed rather than held in memory. */
export type StreamBody = Readable | ReadableStream<Uint8Array> | AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

/** What `new Response(body)` accepts. A plain object, array or other value is sent as JSON. */
export type ResponseBody = string | Uint8Array | StreamBody | null | undefined | object | number | boolean;

const HTML = "text/html; charset=utf-8";
const JSON_TYPE = "application/json";
const OCTETS = "application/octet-stream";
// A reason phrase is sent in the status line: CR or LF would end it early.
const INVALID_REASON = /[\r\n\0]/;

/**
 * An HTTP response. A handler either writes to its own `this.response` or
 * returns a new one; the application sends it.
 *
 * @example
 * const res = new Response("<h1>Hi</h1>", 201, { "X-Trace": "abc" });
 * res.write("<p>more</p>");
 * Response.json({ ok: true });
 * Response.redirect("/login");
 */
export class Response {
  /** The response headers, case-insensitive. */
  readonly headers: HeaderMap;
  #status = 200;
  #statusMessage: string | undefined;
  #chunks: (string | Uint8Array)[] = [];
  #stream: StreamBody | undefined;
  #defaultType = HTML;

  constructor(body?: ResponseBody, status = 200, headers?: HeadersInit) {
    this.headers = new HeaderMap(headers);
    this.#status = status;
    if (body !== undefined && body !== null) this.setBody(body);
  }

  /**
   * A JSON response.
   *
   * @example
   * return Response.json({ id: 7 }, 201);
   */
  static json(data: unknown, status = 200, headers?: HeadersInit): Response {
    return new Response(undefined, status, headers).setJson(data);
  }

  /**
   * A 304 Not Modified: no body, and the validators you pass (`ETag`,
   * `Last-Modified`, `Cache-Control`) as headers.
   */
  static notModified(headers?: HeadersInit): Response {
    return new Response(undefined, 304, headers);
  }

  /**
   * A file streamed from disk, with its type, length, `Last-Modified` and
   * `ETag`; through the application it answers conditional GETs (304) and
   * single byte ranges (206/416) by itself. Pass `root` to serve a path that
   * came from the client: `..` and anything resolving outside `root` is a
   * 404. A missing file is a 404. See `FileOptions`.
   *
   * @example
   * app.route("/static/*path")((request, { path }) => Response.file(path.join("/"), { root: "public", maxAge: 3600 }));
   */
  static async file(path: string, options?: FileOptions): Promise<FileResponse> {
    // Loaded on first use: file-response.ts extends this class, so a static
    // import would be a cycle.
    const { fileResponse } = await import("./file-response.js");
    return fileResponse(path, options);
  }

  /**
   * A redirect to `location`: 302 by default; 301, 303, 307 and 308 are the
   * others. A `javascript:`, `vbscript:` or `data:` target, or one with
   * control characters, is refused with a `TypeError` (see
   * `checkRedirectTarget`); for a target from the client, see `sameSiteTarget`.
   */
  static redirect(location: string, status = 302): Response {
    if (status < 300 || status > 399) throw new RangeError(`A redirect status is 3xx, not ${status}.`);
    const res = new Response(undefined, status);
    res.headers.set("location", checkRedirectTarget(location));
    return res;
  }

  /** The status code. */
  get status(): number {
    return this.#status;
  }
  set status(code: number) {
    this.setStatus(code);
  }

  /** The reason phrase: the standard one for the status unless set with `setStatus`. */
  get statusMessage(): string {
    return this.#statusMessage ?? reasonPhrase(this.#status);
  }
  set statusMessage(message: string) {
    this.#statusMessage = checkReason(message);
  }

  /** Set the status and, optionally, a custom reason phrase (no CR or LF). */
  setStatus(code: number, message?: string): this {
    if (!Number.isInteger(code) || code < 100 || code > 999) throw new RangeError(`Invalid status code: ${code}`);
    this.#status = code;
    this.#statusMessage = message === undefined ? undefined : checkReason(message);
    return this;
  }

  /** The media type without parameters (`text/html`), from `Content-Type` or the body's default. */
  get contentType(): string {
    const value = this.headers.get("content-type") ?? this.#defaultType;
    const semi = value.indexOf(";");
    return (semi === -1 ? value : value.slice(0, semi)).trim();
  }
  /** Set `Content-Type`; a `text/*` type without a charset gets `charset=utf-8`. */
  set contentType(type: string) {
    this.headers.set("content-type", type.startsWith("text/") && !type.includes("charset=") ? `${type}; charset=utf-8` : type);
  }

  /** The `charset` of `Content-Type`, if it has one. */
  get charset(): string | undefined {
    const value = this.headers.get("content-type") ?? this.#defaultType;
    const match = /;\s*charset=("?)([^";]+)\1/i.exec(value);
    return match?.[2];
  }
  set charset(charset: string) {
    this.headers.set("content-type", `${this.contentType}; charset=${charset}`);
  }

  /**
   * Replace the body, by the constructor's rules (text, bytes, a stream, or
   * anything else as JSON); status and headers stay.
   */
  setBody(body: ResponseBody): this {
    this.clear();
    this.#defaultType = HTML;
    if (body === undefined || body === null) return this;
    // Ordered as the contract's table: text, bytes, streams, then JSON.
    if (typeof body === "string") {
      this.#chunks.push(body);
    } else if (body instanceof Uint8Array) {
      this.#chunks.push(body);
      this.#defaultType = OCTETS;
    } else if (isStream(body)) {
      this.#stream = body;
      this.#defaultType = OCTETS;
    } else {
      this.setJson(body);
    }
    return this;
  }

  /** Replace the body with `data` encoded as JSON (`application/json`); status and headers stay. */
  setJson(data: unknown): this {
    this.clear();
    this.#chunks.push(JSON.stringify(data) ?? "null");
    this.#defaultType = JSON_TYPE;
    return this;
  }

  /** Whether the body is streamed (set from an iterable or a stream). */
  get isStreaming(): boolean {
    return this.#stream !== undefined;
  }

  /** Append to the body, like a file. Not allowed on a streamed response. */
  write(chunk: string | Uint8Array): this {
    if (this.#stream !== undefined) {
      throw new TypeError("Cannot write() to a streaming response: its body comes from a stream or iterable.");
    }
    this.#chunks.push(chunk);
    return this;
  }

  /** Empty the body (a stream body is dropped and destroyed). */
  clear(): this {
    this.#chunks = [];
    const stream = this.#stream;
    this.#stream = undefined;
    if (stream instanceof Readable) stream.destroy();
    return this;
  }

  /** The buffered body as bytes; a streamed body has to be read with `text()` or `bytes()`. */
  get body(): Buffer {
    if (this.#stream !== undefined) throw new TypeError("This response streams its body: read it with await res.text() or res.bytes().");
    const chunks = this.#chunks;
    if (chunks.length === 1 && typeof chunks[0] === "string") return Buffer.from(chunks[0]);
    return Buffer.concat(chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : c)));
  }

  /**
   * The byte length of a buffered body; for a streamed one, its declared
   * `Content-Length` if any (a file's), else `undefined`.
   */
  get contentLength(): number | undefined {
    if (this.#stream !== undefined) {
      const declared = this.headers.get("content-length");
      return declared === undefined ? undefined : Number(declared);
    }
    let length = 0;
    for (const chunk of this.#chunks) length += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.byteLength;
    return length;
  }

  /**
   * The buffered body as one string or bytes, ready to send (used by the
   * response writer); `undefined` when streamed.
   */
  get payload(): string | Uint8Array | undefined {
    if (this.#stream !== undefined) return undefined;
    const chunks = this.#chunks;
    if (chunks.length === 1) return chunks[0]!;
    if (chunks.length === 0) return "";
    return this.body;
  }

  /** The body as a Node `Readable`, for streamed responses (`undefined` otherwise). */
  toReadable(): Readable | undefined {
    const stream = this.#stream;
    if (stream === undefined) return undefined;
    if (stream instanceof Readable) return stream;
    if (isWebStream(stream)) return Readable.fromWeb(stream as import("node:stream/web").ReadableStream<Uint8Array>);
    return Readable.from(stream as AsyncIterable<string | Uint8Array>, { objectMode: false });
  }

  /** Read the whole body as bytes (draining a streamed one). */
  async bytes(): Promise<Buffer> {
    const readable = this.toReadable();
    if (!readable) return this.body;
    const chunks: Buffer[] = [];
    for await (const chunk of readable) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
    this.#stream = undefined;
    this.#chunks = [Buffer.concat(chunks)];
    return this.#chunks[0] as Buffer;
  }

  /** Read the whole body as text (UTF-8). */
  async text(): Promise<string> {
    return (await this.bytes()).toString("utf8");
  }

  /** Read the whole body as JSON. */
  async json<T = unknown>(): Promise<T> {
    return JSON.parse(await this.text()) as T;
  }

  /**
   * Set a cookie (one more `Set-Cookie` header). Names must be HTTP tokens
   * and values RFC 6265 cookie-octets; anything that could add an attribute
   * or a header (`;`, CR, LF, spaces, quotes, a bad `sameSite`) is refused
   * with a `TypeError`, never sent (see `serializeCookie`).
   *
   * @example
   * res.setCookie("session", id, { httpOnly: true, secure: true, sameSite: "Lax", maxAge: 3600 });
   */
  setCookie(name: string, value: string, options: CookieOptions = {}): this {
    this.headers.append("set-cookie", serializeCookie(name, value, options));
    return this;
  }

  /** Tell the client to drop a cookie (same `path` and `domain` as when it was set). */
  deleteCookie(name: string, options: Pick<CookieOptions, "path" | "domain" | "secure" | "sameSite" | "partitioned"> = {}): this {
    return this.setCookie(name, "", { ...options, maxAge: 0, expires: new Date(0) });
  }

  /**
   * Settle what goes on the wire, once, just before sending: the default
   * `Content-Type`, `Content-Length` when the body is buffered, and no body
   * for `HEAD`, 1xx, 204 and 304. The application calls this for socket and
   * in-process requests alike, so tests see what a client would. `request`
   * lets a subclass answer conditional requests (`FileResponse` does).
   */
  prepare(head: boolean, _request?: Request): void {
    const status = this.#status;
    if (status === 204 || status === 304 || status < 200) {
      this.clear();
      this.headers.delete("content-length");
      if (status !== 304) this.headers.delete("content-type");
      return;
    }
    const length = this.contentLength;
    if (length !== undefined) {
      if (length > 0 && !this.headers.has("content-type")) this.headers.set("content-type", this.#defaultType);
      this.headers.set("content-length", length);
    } else if (!this.headers.has("content-type")) {
      this.headers.set("content-type", this.#defaultType);
    }
    if (head) this.clear();
  }
}

function checkReason(message: string): string {
  if (INVALID_REASON.test(message)) throw new TypeError(`Invalid status message ${JSON.stringify(message)}: CR, LF and NUL are not allowed.`);
  return message;
}

function isWebStream(value: unknown): boolean {
  return typeof (value as ReadableStream).getReader === "function";
}

/** Whether a value is a body to stream: a Node or web stream, or an (async) iterable that is not an array. */
export function isStream(value: unknown): value is StreamBody {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  // Maps and Sets are iterable but are data: they go to the JSON encoder.
  if (value instanceof Map || value instanceof Set) return false;
  return (
    value instanceof Readable ||
    isWebStream(value) ||
    typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function" ||
    typeof (value as Iterable<unknown>)[Symbol.iterator] === "function"
  );
}
