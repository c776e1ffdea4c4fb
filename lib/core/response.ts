/**
 * The response a handler builds: status, headers, and a body that is either
 * written in pieces (`write()`) or streamed from an iterable or a stream.
 */
import type { ServerResponse } from "node:http";
import { pipeline, Readable } from "node:stream";
import { serializeCookie, type CookieOptions } from "../http/cookies.js";
import { reasonPhrase } from "../http/errors.js";
import type { Stats } from "node:fs";
import { sep } from "node:path";
import { disposition, etagMatches, fileType, FileStream, parseRange, seconds, statFile, type FileLookup } from "../http/files.js";
import { HeaderMap, type HeadersInit } from "../http/header-map.js";
import { stringifyWith, type JsonOptions } from "../http/json-encoder.js";
import { checkRedirectTarget, hasScheme, redirectHost } from "../security/safe-redirect.js";
import { MAX_COOKIE_BYTES, missingSecrets, SIGNED_COOKIE } from "../security/signer.js";
import { getRequest } from "./context.js";
import type { Request } from "./request.js";

export type { CookieOptions } from "../http/cookies.js";

/** A body that is streamed rather than held in memory. */
export type StreamBody = Readable | ReadableStream<Uint8Array> | AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

/** What `new Response(body)` accepts. A plain object, array or other value is sent as JSON. */
export type ResponseBody = string | Uint8Array | StreamBody | null | undefined | object | number | boolean;

const HTML = "text/html; charset=utf-8";
const JSON_TYPE = "application/json";
const OCTETS = "application/octet-stream";
// A reason phrase is sent in the status line: what Node refuses there (CR
// and LF would end it early; other controls and non-Latin-1 characters make
// `writeHead` throw) is refused when it is set. Linear: one character
// class, no quantifier.
const INVALID_REASON = /[^\t\x20-\x7e\x80-\xff]/;

/** Options of `Response.redirect()` and `handler.redirect()` that say where a redirect may go. */
export interface RedirectPolicy {
  /**
   * Let the target leave this host (Rails 7's `allow_other_host`). Without
   * it, a target with a scheme on another host (`https://other.example`,
   * `https:evil.example`, `mailto:`) is refused with an error, a logged 500,
   * unless its host is in the application option `redirectHosts`.
   */
  allowOtherHost?: boolean;
}

// Buffered bodies larger than this many bytes are written in slices of this
// size, so a slow reader shows progress (the send timeout counts it) and a
// client that never reads holds one slice in the socket's buffer, not a
// second copy of the body.
const WRITE_SLICE = 64 * 1024;

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
  // A redirect whose target has a scheme, not yet checked against the
  // request's host: set by `Response.redirect()`, cleared by `checkRedirect()`.
  #pendingHost = false;

  constructor(body?: ResponseBody, status = 200, headers?: HeadersInit) {
    this.headers = new HeaderMap(headers);
    this.#status = checkStatus(status);
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
   * came from the client: `..`, anything resolving outside `root` and a
   * symlink leading out of it are a 404. A missing file, a directory, a
   * path ending in `/` and (by default) a dotfile are a 404. See `FileOptions`.
   *
   * @example
   * app.route("/static/*path")((request, { path }) => Response.file(path.join("/"), { root: "public", maxAge: 3600 }));
   */
  static async file(path: string, options: FileOptions = {}): Promise<FileResponse> {
    const file = await statFile(path, options);
    // The type and the download name come from the name asked for, not
    // from where a symlink inside the root leads.
    return new FileResponse(file.path, file.stats, { ...options, contentType: options.contentType ?? fileType(file.name), name: file.name });
  }

  /**
   * A redirect to `location`: 302 by default; 301, 303, 307 and 308 are the
   * others. The target is checked (`checkRedirectTarget`): a `javascript:`,
   * `vbscript:` or `data:` target, one with control characters or one over
   * the length limit is refused with a `TypeError`; a path-like one is
   * normalized to a path on this site (`//evil.example` is sent as
   * `/evil.example`); non-ASCII is percent-encoded. A target on another
   * host is refused when the response is sent (an error naming the
   * options, answered with a logged 500 and no `Location`) unless `options`
   * say `allowOtherHost` or the host is in the app's `redirectHosts`. For a
   * target from the client, see `sameOriginPath`.
   *
   * @example
   * return Response.redirect("/login");
   * return Response.redirect("https://accounts.example/login", 303, { allowOtherHost: true });
   */
  static redirect(location: string, status = 302, options?: RedirectPolicy): Response {
    if (!Number.isInteger(status) || status < 300 || status > 399) throw new RangeError(`A redirect status is 3xx, not ${status}.`);
    const res = new Response(undefined, status);
    const target = checkRedirectTarget(location);
    res.headers.set("location", target);
    res.#pendingHost = options?.allowOtherHost !== true && hasScheme(target);
    return res;
  }

  /**
   * Check a redirect made by `Response.redirect()` against the request it
   * answers: a target on another host than the request's (and not in the
   * app's `redirectHosts`) throws a `TypeError` naming the options. The
   * application calls it when a handler's result becomes the response
   * (once; it costs nothing for a response that is not such a redirect).
   */
  checkRedirect(request: Request): this {
    if (!this.#pendingHost) return this;
    this.#pendingHost = false;
    const location = this.headers.get("location");
    if (location !== undefined) refuseOtherHost(location, request);
    return this;
  }

  // The check at sending time: a target refused there cannot go through the
  // error views any more, so it becomes a bare 500 (logged, no Location).
  #checkLate(request: Request): void {
    try {
      this.checkRedirect(request);
    } catch (error) {
      request.app?.logError(request, error);
      this.clear();
      this.headers.delete("location");
      this.#status = 500;
      this.#statusMessage = undefined;
      this.#chunks.push("500 Internal Server Error\n");
      this.headers.set("content-type", "text/plain; charset=utf-8");
    }
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

  /**
   * Set the status and, optionally, a custom reason phrase (no CR, LF or
   * other controls, Latin-1 only). The status is a final one: an integer
   * from 200 to 599; anything else (a 1xx, 999, `NaN`) is a `RangeError`,
   * so it never reaches the wire.
   */
  setStatus(code: number, message?: string): this {
    this.#status = checkStatus(code);
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
    // perf(bench: hello): a handler sets the same type request after request;
    // the value with its charset is made once for it.
    if (type !== lastType) {
      lastFullType = type.startsWith("text/") && !type.includes("charset=") ? `${type}; charset=utf-8` : type;
      lastType = type;
    }
    this.headers.set("content-type", lastFullType);
  }

  /** The `charset` of `Content-Type`, if it has one. */
  get charset(): string | undefined {
    const value = this.headers.get("content-type") ?? this.#defaultType;
    // Linear: tried only at a ";", and the value run it backtracks over ends at the next ";" or quote.
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

  /**
   * Replace the body with `data` encoded as JSON; status and headers stay.
   * `json` are JSON options (the app's, for a handler's result): their
   * `stringify`, `indent` and `contentType`; by default `encodeJson`, which
   * also knows `Map`, `Set`, `BigInt` and typed arrays, and `application/json`.
   */
  setJson(data: unknown, json?: Readonly<JsonOptions>): this {
    this.clear();
    this.#chunks.push(stringifyWith(data, undefined, json));
    this.#defaultType = json?.contentType ?? JSON_TYPE;
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

  /**
   * Set a cookie whose value is signed with the app's `secrets` (the first
   * one), over its name, value and issue time, so `request.signedCookie()`
   * reads back exactly this value or nothing. `maxAge` is signed in too: the
   * cookie stops reading after it even if the client keeps it. The value is
   * any string (it is sent base64url-encoded, so not secret: sign, do not
   * hide). A cookie over 4096 bytes, which browsers drop without a word, is
   * a `TypeError`.
   *
   * It signs with the keys of the current request (`getRequest()`), which
   * every response made while handling a request finds, the handler's
   * `this.response` and a `new Response()` alike. An app with no `secrets`,
   * or a call outside a request (or in an app with `context: false`), is a
   * `TypeError` at the call.
   *
   * @example
   * res.setSignedCookie("theme", "dark", { httpOnly: true, sameSite: "Lax", maxAge: 86400 * 365 });
   */
  setSignedCookie(name: string, value: string, options: CookieOptions = {}): this {
    const request = getRequest();
    if (request === undefined) {
      throw new TypeError("response.setSignedCookie() signs with the keys of the current request, and there is none: call it while handling a request, in an app whose context option is on (the default).");
    }
    const signer = request.settings.signer;
    if (signer === undefined) throw missingSecrets("response.setSignedCookie()");
    if (typeof value !== "string") throw new TypeError(`A signed cookie's value is a string, not ${typeof value}: JSON.stringify() it first.`);
    const maxAge = options.maxAge ?? (options.expires === undefined ? undefined : (options.expires.getTime() - Date.now()) / 1000);
    const signed = signer.sign(SIGNED_COOKIE, name, value, maxAge);
    checkCookieSize(name, signed);
    return this.setCookie(name, signed, options);
  }

  /** Tell the client to drop a cookie (same `path` and `domain` as when it was set). */
  /**
   * Tell the client to drop a cookie (same `path` and `domain` as when it
   * was set). With `sameSite: "none"` it is sent `Secure`, as Django does:
   * browsers ignore a `SameSite=None` cookie without it, and the cookie
   * would stay.
   */
  deleteCookie(name: string, options: Pick<CookieOptions, "path" | "domain" | "secure" | "sameSite" | "partitioned"> = {}): this {
    const secure = options.secure === true || String(options.sameSite).toLowerCase() === "none" || undefined;
    return this.setCookie(name, "", { ...options, secure, maxAge: 0, expires: new Date(0) });
  }

  /**
   * Write this response, once prepared (see `prepare`), to a `node:http`
   * response: the last step of a socket request. A buffered body goes out in
   * one `end()`, or in 64 KiB slices when larger; a
   * streamed one is piped, and if the stream fails after the head was sent
   * the connection is destroyed (the client sees a cut response, never a
   * second head). `done` hears when the body has been handed over whole
   * (at once for a small buffered body), or the error that cut it. A
   * response the handler already answered on the raw socket is left alone.
   */
  writeTo(res: ServerResponse, done?: (error?: Error) => void): void {
    if (res.headersSent || res.writableEnded || res.destroyed) return;
    const message = this.#statusMessage;
    // perf(bench: hello): the standard reason phrase is Node's own table, the
    // same one `reasonPhrase` reads: let Node write it.
    if (message === undefined) res.writeHead(this.#status, this.headers.toObject());
    else res.writeHead(this.#status, message, this.headers.toObject());
    const stream = this.toReadable();
    const payload = this.payload;
    if (stream === undefined && (payload === undefined || payload.length <= WRITE_SLICE)) {
      res.end(payload);
      done?.();
    } else {
      // pipeline destroys both sides on error or client disconnect, so no
      // file handle or generator is left open.
      const source = stream ?? Readable.from(slices(payload!), { objectMode: false });
      pipeline(source, res, done === undefined ? ignoreStreamError : (error) => done(error ?? undefined));
    }
  }

  /**
   * Settle what goes on the wire, once, just before sending: the default
   * `Content-Type`, `Content-Length` when the body is buffered, and no body
   * for `HEAD`, 1xx, 204 and 304. The application calls this for socket and
   * in-process requests alike, so tests see what a client would. `request`
   * lets a subclass answer conditional requests (`FileResponse` does).
   */
  prepare(head: boolean, request?: Request): void {
    // A redirect that reached the wire unchecked (returned by middleware,
    // which no conversion sees): checked here, and refused as a bare 500.
    if (this.#pendingHost && request !== undefined) this.#checkLate(request);
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

// The type last given to the `contentType` setter, and what it set.
let lastType = "";
let lastFullType = "";

// What a redirect to another host is refused with: an error naming the options.
function refuseOtherHost(location: string, request: Request): void {
  const other = redirectHost(location, request.scheme, request.host);
  if (other === undefined || (other !== "" && request.settings.redirectHosts?.has(other) === true)) return;
  throw new TypeError(
    `Refusing to redirect to ${JSON.stringify(location.slice(0, 100))}: it leaves this host${other === "" ? "" : ` for ${other}`}. Pass { allowOtherHost: true } to redirect anyway, or list the host in the application option redirectHosts.`,
  );
}

/**
 * Throw the error a redirect target on another host is refused with, unless
 * it stays on the request's host or goes to one of `redirectHosts`
 * (`handler.redirect()` checks at once; `Response.redirect()` when sent).
 */
export function checkRedirectHost(location: string, request: Request): void {
  if (hasScheme(location)) refuseOtherHost(location, request);
}

function checkStatus(code: number): number {
  if (typeof code === "number" && Number.isInteger(code) && code >= 200 && code <= 599) return code;
  const shown = typeof code === "number" ? String(code) : JSON.stringify(code);
  throw new RangeError(
    typeof code === "number" && code >= 100 && code < 200
      ? `A response status is final: ${shown} is informational (1xx), which never ends a response; use 200 to 599.`
      : `A response status is an integer from 200 to 599, not ${shown}.`,
  );
}

// A failed stream has already cut the connection; there is nobody left to
// answer, and the error must not reach Node as an unhandled `error` event.
function ignoreStreamError(): void {}

/**
 * Refuse a cookie browsers would drop: over 4096 bytes of name and value
 * together (`name` and `value` as they go on the wire), with a `TypeError`
 * that ends with `advice`.
 */
export function checkCookieSize(name: string, value: string, advice = "store less in it, or keep the data on the server and only an id in the cookie"): void {
  const size = name.length + 1 + value.length;
  if (size > MAX_COOKIE_BYTES) {
    throw new TypeError(`Cookie "${name}" is ${size} bytes, over the ${MAX_COOKIE_BYTES} bytes browsers keep (they drop it without a word): ${advice}.`);
  }
}

// A large buffered body in slices; a string is encoded a slice at a time,
// never cut inside a surrogate pair.
function* slices(payload: string | Uint8Array): Generator<Uint8Array> {
  for (let start = 0; start < payload.length; ) {
    let end = Math.min(start + WRITE_SLICE, payload.length);
    if (typeof payload === "string") {
      const last = payload.charCodeAt(end - 1);
      if (end < payload.length && last >= 0xd800 && last <= 0xdbff) end--;
      yield Buffer.from(payload.slice(start, end));
    } else {
      yield payload.subarray(start, end);
    }
    start = end;
  }
}

function checkReason(message: string): string {
  if (INVALID_REASON.test(message)) {
    throw new TypeError(`Invalid status message ${JSON.stringify(message)}: control characters (CR, LF, NUL, ...) and characters outside Latin-1 are not allowed.`);
  }
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

/**
 * Options of `Response.file()`: the lookup rules (`root`, `dotfiles`,
 * `followSymlinks`, see `FileLookup`) and how the file is sent.
 */
export interface FileOptions extends FileLookup {
  /**
   * The request, for conditional GET and ranges. Not needed when the response
   * goes through the application, which passes it to `prepare()`.
   */
  request?: Request;
  /** The media type; by default from the file's extension (`application/octet-stream` when unknown). */
  contentType?: string;
  /** Send as an attachment (`Content-Disposition`), under this name or, with `true`, the file's own. */
  download?: boolean | string;
  /** `Cache-Control: public, max-age=<seconds>`. */
  maxAge?: number;
  /** With `maxAge`, add `immutable` to `Cache-Control` (for fingerprinted names that never change). */
  immutable?: boolean;
  /** Extra headers. */
  headers?: HeadersInit;
}

/**
 * A file streamed from disk. Made by `Response.file()` with the file's
 * `Content-Type`, `Content-Length`, `Last-Modified`, `ETag` and
 * `Accept-Ranges`; when it is prepared for sending it answers the request's
 * preconditions (`If-None-Match`/`If-Modified-Since`: 304;
 * `If-Match`/`If-Unmodified-Since`: 412) and a single `Range` (206, or 416
 * when unsatisfiable; several ranges get the whole file). The file is opened
 * only when the body is read, so HEAD, 304 and 416 never open it.
 */
export class FileResponse extends Response {
  /** The resolved path of the file. */
  readonly path: string;
  /** Its size in bytes. */
  readonly size: number;
  /** Its modification time. */
  readonly mtime: Date;
  /** Its entity tag (strong: size and modification time). */
  readonly etag: string;
  readonly #request: Request | undefined;
  #evaluated = false;

  /** `options.name` is the path whose name is used for `download: true` (by default `path`). */
  constructor(path: string, stats: Stats, options: FileOptions & { name?: string } = {}) {
    super(new FileStream(path, 0, stats.size - 1), 200, options.headers);
    this.path = path;
    this.size = stats.size;
    this.mtime = stats.mtime;
    this.etag = `"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
    this.#request = options.request;
    const headers = this.headers;
    if (!headers.has("content-type")) headers.set("content-type", options.contentType ?? fileType(path));
    headers.set("content-length", stats.size);
    headers.set("last-modified", stats.mtime.toUTCString());
    headers.set("etag", this.etag);
    headers.set("accept-ranges", "bytes");
    if (options.maxAge !== undefined) {
      headers.set("cache-control", `public, max-age=${Math.max(0, Math.floor(options.maxAge))}${options.immutable === true ? ", immutable" : ""}`);
    }
    if (options.download) {
      const name = options.name ?? path;
      headers.set("content-disposition", disposition(options.download === true ? name.slice(name.lastIndexOf(sep) + 1) : options.download));
    }
  }

  /**
   * Answer the request's preconditions and range now: the status becomes
   * 304, 412, 206 or 416 when they say so. Done once; `prepare()` calls it,
   * and a middleware that must know the final status before then (such as
   * `compress()`, which leaves ranges and 304s alone) may call it first.
   */
  evaluate(request: Request | undefined = this.#request): void {
    if (this.#evaluated || request === undefined) return;
    this.#evaluated = true;
    if (this.status === 200 && (request.method === "GET" || request.method === "HEAD")) this.#negotiate(request);
  }

  /** Answer the request's preconditions and range, then settle the response as every response does. */
  override prepare(head: boolean, request?: Request): void {
    this.evaluate(request ?? this.#request);
    super.prepare(head, request);
  }

  #negotiate(request: Request): void {
    const headers = request.headers;
    const mtime = Math.floor(this.mtime.getTime() / 1000);
    // Preconditions in RFC 9110 §13.2.2 order.
    const ifMatch = headers.get("if-match");
    const ifUnmodified = headers.get("if-unmodified-since");
    if (ifMatch !== undefined ? !etagMatches(ifMatch, this.etag, false) : ifUnmodified !== undefined && mtime > seconds(ifUnmodified, Infinity)) {
      this.#drop(412);
      return;
    }
    const ifNoneMatch = headers.get("if-none-match");
    const ifModified = headers.get("if-modified-since");
    if (ifNoneMatch !== undefined ? etagMatches(ifNoneMatch, this.etag, true) : ifModified !== undefined && mtime <= seconds(ifModified, -Infinity)) {
      this.#drop(304);
      return;
    }
    const range = headers.get("range");
    if (range === undefined || request.method !== "GET") return;
    const ifRange = headers.get("if-range");
    if (ifRange !== undefined && !(ifRange.startsWith('"') ? ifRange === this.etag : seconds(ifRange, NaN) === mtime)) return;
    const bounds = parseRange(range, this.size);
    if (bounds === undefined) return;
    if (bounds === "unsatisfiable") {
      this.#drop(416);
      this.headers.set("content-range", `bytes */${this.size}`);
      return;
    }
    const [start, end] = bounds;
    this.setStatus(206);
    this.setBody(new FileStream(this.path, start, end));
    this.headers.set("content-range", `bytes ${start}-${end}/${this.size}`);
    this.headers.set("content-length", end - start + 1);
  }

  // An answer without the file: the unopened stream is dropped.
  #drop(status: number): void {
    this.setStatus(status);
    this.clear();
    this.headers.delete("content-length");
    if (status !== 304) this.headers.delete("content-type");
  }
}
