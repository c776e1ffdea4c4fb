/**
 * The request a handler sees: method, path, query, headers, cookies and a
 * lazily read body. Made from a `node:http` request by the application, or
 * with no socket at all by `Request.blank()`.
 */
import { rm } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { decodeText, readBody, sendContinue } from "../http/body-reader.js";
import { acceptedRanges, acceptsCharset, acceptsEncoding, acceptsLanguage, acceptsType } from "../http/negotiation.js";
import { parseCookies } from "../http/cookies.js";
import { BadRequest, UnsupportedMediaType } from "../http/errors.js";
import { HeaderMap, type HeadersInit } from "../http/header-map.js";
import { MultiDict } from "../http/multi-dict.js";
import { missingSecrets, SIGNED_COOKIE } from "../security/signer.js";
import { multipartOptions, parseMultipart, UploadedFile, type FormValue, type MultipartOptions } from "../http/multipart.js";
import type { ForwardedRequest } from "../security/proxy-trust.js";
import type { StandardSchemaV1 } from "../http/standard-schema.js";
import { isStandardSchema, validate } from "../http/validate.js";
import { requestId } from "./request-id.js";
import { DEFAULT_SETTINGS, type Settings } from "./settings.js";

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
  /** The client address `request.ip` reports (none by default). */
  remoteAddress?: string;
}

/**
 * The application a request belongs to. It is declared empty here, below the
 * application in the layers (docs/architecture.md), and `application.ts`
 * merges `Application` into it, so `request.app` and `handler.app` are typed
 * as the application itself without this layer importing it.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface RequestApp {}

/**
 * The route that matched a request. Declared empty here for the same reason
 * as {@link RequestApp}; `route.ts` merges `Route` into it.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface MatchedRoute {}

/** The values of a route's named parameters: strings, arrays of them for `*splat`s, or what a converter gave. */
export type RouteKwargs = Record<string, any>;

/** Read options for the body methods. */
export interface BodyOptions {
  /** A byte limit for this read, in place of the handler's, the route's or the app's `bodyLimit`. */
  limit?: number;
}

/** Options of `request.form()`: the body limit, and the multipart limits and storage (see `MultipartOptions`). */
export interface FormOptions extends BodyOptions, Partial<Omit<MultipartOptions, "limit">> {}

/** Options of `request.json()`. */
export interface JsonReadOptions extends BodyOptions {
  /** Parse the body whatever its `Content-Type` (no 415). */
  lenient?: boolean;
}

const EMPTY = Buffer.alloc(0);

// A JSON body's text, parsed: a byte order mark is dropped, and text that is
// not JSON is a 400 saying why.
function parseJsonBody(text: string, parse: (text: string) => unknown): unknown {
  try {
    return parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new BadRequest(`The request body is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
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
  /** The `node:http` request, when there was a socket. */
  readonly raw: IncomingMessage | undefined;
  /** The application handling this request (set by the application). */
  app!: RequestApp;
  /** The route that matched, once routing has run. */
  route: MatchedRoute | undefined = undefined;
  /**
   * The settings in force (limits, proxy trust, the JSON parser, error
   * options): the application's until a route matches, then the route's.
   * Set by the application and the router; read, never rebuilt, per request.
   */
  settings: Settings = DEFAULT_SETTINGS;
  /** Positional route arguments (unnamed RegExp groups), decoded. */
  routeArgs: string[] = [];
  /** Named route parameters, decoded. */
  routeKwargs: RouteKwargs = {};

  // perf(bench: hello): a socket request's headers are wrapped on first use;
  // until then Node has not even built its own headers object.
  #headers: HeaderMap | undefined;
  #scheme: string;
  #host: string | undefined;
  #path: string | undefined;
  #query: MultiDict | undefined;
  #cookies: Record<string, string> | undefined;
  #bodySource: Buffer | IncomingMessage | undefined;
  #body: Promise<Buffer> | undefined;
  // Set when form() streamed a multipart body straight from the socket.
  #bodyStreamed = false;
  #form: MultiDict<FormValue> | undefined;
  #formPending: Promise<MultiDict<FormValue>> | undefined;
  #remoteAddress: string | undefined;
  #rawResponse: ServerResponse | undefined;
  // The charset set by the handler (`request.charset = ...`), over the header's.
  #charset: string | undefined;
  // perf: undefined until a feature (multipart temp files) registers a
  // callback, so plain requests pay for one field (benchmarks/parse.ts).
  #onEnd: (() => unknown)[] | undefined;
  #ended = false;
  #id: string | undefined;
  // perf: made on first use of `signal`, so requests that never ask pay nothing.
  #abort: AbortController | undefined;
  // What a trusted proxy said, read once; null when the peer is not trusted.
  #forwarded: ForwardedRequest | null | undefined;

  /**
   * `headers` may be left `undefined` when `raw` is given: they are then
   * read from `raw.headers` on first use.
   */
  constructor(method: string, url: string, headers: HeaderMap | undefined, raw?: IncomingMessage, scheme = "http", host?: string) {
    this.method = method;
    const q = url.indexOf("?");
    this.rawPath = q === -1 ? url : url.slice(0, q);
    this.queryString = q === -1 ? "" : url.slice(q + 1);
    this.#headers = headers;
    this.raw = raw;
    this.#scheme = scheme;
    this.#host = host;
    this.#bodySource = raw;
  }

  /**
   * Make a request from a `node:http` request, without reading anything
   * yet. `res`, when given, tells the request when it has ended (for
   * `onEnd()` callbacks such as removing uploaded temporary files).
   */
  static fromNode(req: IncomingMessage, res?: ServerResponse): Request {
    const secure = (req.socket as { encrypted?: boolean } | null)?.encrypted === true;
    // HTTP/2 sends the host as the `:authority` pseudo-header, not `Host`.
    const authority = req.httpVersionMajor === 2 ? (req.headers[":authority"] as string | undefined) : undefined;
    const request = new this(req.method ?? "GET", req.url ?? "/", undefined, req, secure ? "https" : "http", authority);
    request.#rawResponse = res;
    return request;
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
    // Linear: anchored, and `[^/?#]*` stops where `(.*)` starts; a line break stops both, once.
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
    const request = new this((init.method ?? "GET").toUpperCase(), path, headers, undefined, scheme);
    request.#bodySource = body;
    request.#remoteAddress = init.remoteAddress;
    return request;
  }

  /** The request headers, case-insensitive (read-only for a socket request). */
  get headers(): HeaderMap {
    this.#headers ??= this.raw === undefined ? new HeaderMap() : HeaderMap.fromNode(this.raw.headers);
    return this.#headers;
  }

  /** The decoded path. Invalid percent-encoding is a `BadRequest` (400). */
  get path(): string {
    if (this.#path === undefined) this.#path = decodePath(this.rawPath);
    return this.#path;
  }

  /** The query parameters, a multi-value map parsed on first use. */
  get query(): MultiDict {
    this.#query ??= MultiDict.parse(this.queryString, this.settings.maxParams);
    return this.#query;
  }

  /** `http` or `https` (from `X-Forwarded-Proto` or `Forwarded` when the peer is a trusted proxy). */
  get scheme(): string {
    return this.#proxied()?.scheme ?? this.#scheme;
  }

  /**
   * The host and port the client asked for: HTTP/2's `:authority` (RFC 9113
   * §8.3.1), else `Host`, or `X-Forwarded-Host` or `Forwarded` behind a
   * trusted proxy. The application answers 400 before routing when it is
   * not a valid host, is given twice, or is not in `allowedHosts`, so what a
   * handler reads here is safe to put in a URL.
   */
  get host(): string {
    // perf(bench: hello): a socket request's Host is read from Node's own
    // headers until something wraps them, as the host check does for every request.
    return this.#proxied()?.host ?? this.#host ?? (this.#headers === undefined && this.raw !== undefined ? this.raw.headers.host : this.headers.get("host")) ?? "localhost";
  }

  // What the peer, if it is a trusted proxy (`settings.trustProxy`), said
  // about the client; null otherwise. perf: one field test without trustProxy.
  #proxied(): ForwardedRequest | null {
    const trust = this.settings.trustProxy;
    if (trust === undefined) return null;
    if (this.#forwarded === undefined) this.#forwarded = trust.trusts(this.#peer()) ? trust.forwarded(this.headers) : null;
    return this.#forwarded;
  }

  // The socket's peer, or Request.blank's remoteAddress.
  #peer(): string | undefined {
    return this.raw?.socket?.remoteAddress ?? this.#remoteAddress;
  }

  /**
   * An `AbortSignal` that fires when the client disconnects before the
   * response is sent, or when the route's (or app's) `timeout` expires
   * (`reason` is then a `TimeoutError` `DOMException`). Hand it to
   * `fetch`, database drivers and timers so abandoned work stops early.
   *
   * @example
   * const rows = await db.query(sql, { signal: request.signal });
   */
  get signal(): AbortSignal {
    if (this.#abort === undefined) {
      this.#abort = new AbortController();
      const res = this.#rawResponse;
      if (res !== undefined && !res.writableFinished) {
        // A response closed before it finished means the client went away.
        res.once("close", () => {
          if (!res.writableFinished) this.cancel(new DOMException("The client disconnected.", "AbortError"));
        });
      }
    }
    return this.#abort.signal;
  }

  /**
   * Cancel the request's work: abort `signal` with `reason` (the application
   * does so on timeout and client disconnect); later calls do nothing. Not
   * to be confused with `abort(status)`, which answers with an error.
   */
  cancel(reason?: unknown): void {
    this.#abort ??= new AbortController();
    if (!this.#abort.signal.aborted) this.#abort.abort(reason);
  }

  /** @deprecated The old name of {@link Request.cancel}, kept working; `abort()` elsewhere throws an `HttpError`. */
  abort(reason?: unknown): void {
    this.cancel(reason);
  }

  /**
   * The request id: `X-Request-Id` from a trusted proxy (`trustProxy`), or a
   * random UUID, made on first use so a request that never asks pays
   * nothing. The access log and error log show it.
   */
  get id(): string {
    this.#id ??= requestId(this.headers, this.#proxied() !== null);
    return this.#id;
  }

  /**
   * The client's address: the socket's peer, or, when the peer is a trusted
   * proxy, the client it names in `X-Forwarded-For` (else `Forwarded`):
   * with `trustProxy: true` the last entry (the one the proxy added, which
   * the client cannot forge), with a list the first entry from the right
   * that is not a listed proxy. Without a socket, `Request.blank`'s
   * `remoteAddress`, or `undefined`.
   */
  get ip(): string | undefined {
    return this.#proxied()?.ip ?? this.#peer();
  }

  /** The host name without the port, lower case (`example.com`, `[::1]`). */
  get hostname(): string {
    return splitHost(this.host)[0];
  }

  /** The port the client asked for: from the host, else the scheme's default (80 or 443). */
  get port(): number {
    const port = splitHost(this.host)[1];
    return port !== undefined ? port : this.scheme === "https" ? 443 : 80;
  }

  /** Whether the request came over HTTPS (directly, or per `X-Forwarded-Proto` behind a trusted proxy). */
  get isSecure(): boolean {
    return this.scheme === "https";
  }

  /** The full URL: scheme, host, raw path and query string. */
  get url(): string {
    return `${this.scheme}://${this.host}${this.fullPath()}`;
  }

  /** The raw path with its query string, as the client sent it. */
  fullPath(): string {
    return this.queryString ? `${this.rawPath}?${this.queryString}` : this.rawPath;
  }

  /**
   * The cookies sent, parsed on first use into a null-prototype record;
   * malformed pairs are skipped, never an error.
   */
  get cookies(): Record<string, string> {
    this.#cookies ??= parseCookies(this.headers.get("cookie"));
    return this.#cookies;
  }

  /**
   * The value of a cookie set with `response.setSignedCookie()`, verified
   * against the app's `secrets` (any of them, so rotated keys still read),
   * or `undefined` when it is absent, tampered with, truncated, oversized,
   * past the `maxAge` it was set with, or older than `options.maxAge`
   * seconds: a bad cookie reads as no cookie, never as an error. An app
   * with no `secrets` is a `TypeError` saying how to make one.
   *
   * @example
   * const theme = request.signedCookie("theme") ?? "light";
   * const recent = request.signedCookie("confirmed", { maxAge: 300 });
   */
  signedCookie(name: string, options: { maxAge?: number } = {}): string | undefined {
    const signer = this.settings.signer;
    if (signer === undefined) throw missingSecrets("request.signedCookie()");
    const value = this.cookies[name];
    return value === undefined ? undefined : signer.unsign(SIGNED_COOKIE, name, value, options.maxAge)?.value;
  }

  /**
   * The body limit in force: the route's `bodyLimit`, else a static
   * `bodyLimit` on the handler class, else the app's, else 1 MB (resolved
   * once per route, in `settings`).
   */
  get bodyLimit(): number {
    return this.settings.bodyLimit;
  }

  /**
   * The body as bytes, read once under the body limit: a declared
   * `Content-Length` over it is refused before reading, a chunked body at the
   * first chunk past it (413; the rest is drained, never buffered).
   */
  body(options: BodyOptions = {}): Promise<Buffer> {
    if (this.#body) return this.#body;
    if (this.#bodyStreamed) return Promise.reject(new TypeError("The body was already read by form() as a multipart stream; use the form."));
    const source = this.#bodySource;
    this.#bodySource = undefined;
    if (source === undefined) this.#body = Promise.resolve(EMPTY);
    else if (Buffer.isBuffer(source)) {
      const limit = options.limit ?? this.bodyLimit;
      this.#body = source.length > limit ? readBody(Readable.from([]), limit, source.length) : Promise.resolve(source);
    } else {
      const limit = options.limit ?? this.bodyLimit;
      const declared = this.contentLength;
      this.#continue(limit, declared);
      this.#body = readBody(source, limit, declared);
    }
    return this.#body;
  }

  // `Expect: 100-continue`: the client sends the body once told to, so tell
  // it now, unless its declared length is over the limit (413 at once).
  #continue(limit: number, declared = this.contentLength): void {
    if (this.raw !== undefined && (declared === undefined || declared <= limit)) sendContinue(this.raw, this.#rawResponse);
  }

  /**
   * The body as text, decoded with the `charset` of `Content-Type` (UTF-8
   * when absent). An unknown charset is `UnsupportedMediaType` (415).
   */
  async text(options?: BodyOptions): Promise<string> {
    return decodeText(await this.body(options), this.charset);
  }

  /**
   * The body parsed as JSON. A body that is not JSON is a `BadRequest` (400)
   * saying why; a `Content-Type` that is not JSON (`application/json` or
   * `*+json`) is `UnsupportedMediaType` (415) unless `lenient` is set, and
   * so is a charset other than UTF-8 (RFC 8259 §8.1).
   * `__proto__` in the body is an ordinary own key, as `JSON.parse` makes it.
   *
   * Given a Standard Schema (zod, valibot, ArkType, ...), the parsed body is
   * validated with it and its typed output returned; an invalid body is an
   * `UnprocessableEntity` (422) whose `detail` lists each issue's `path` and
   * `message` (see docs/validation.md). Without one, `T` is a cast, not a check.
   *
   * @example
   * const todo = await request.json(z.object({ title: z.string() })); // { title: string }, or a 422
   */
  json<S extends StandardSchemaV1>(schema: S, options?: JsonReadOptions): Promise<StandardSchemaV1.InferOutput<S>>;
  json<T = unknown>(options?: JsonReadOptions): Promise<T>;
  // perf(bench: parse, a JSON POST): not async itself, so a read without a schema
  // makes no promise more than before.
  json(schemaOrOptions?: StandardSchemaV1 | JsonReadOptions, maybeOptions?: JsonReadOptions): Promise<unknown> {
    if (isStandardSchema(schemaOrOptions)) return this.#json(maybeOptions ?? {}).then((value) => validate(schemaOrOptions, value, "request body"));
    return this.#json(schemaOrOptions ?? {});
  }

  // perf(bench: json-post): one promise after the body's, not two async
  // frames (text(), then this), each with its own await.
  #json(options: JsonReadOptions): Promise<unknown> {
    const type = this.contentType;
    if (!options.lenient && type !== "application/json" && !type.endsWith("+json")) {
      return Promise.reject(new UnsupportedMediaType(`Expected a JSON body (Content-Type: application/json), got ${type ? `"${type}"` : "none"}.`));
    }
    // RFC 8259 §8.1: JSON exchanged between systems is UTF-8.
    const charset = this.charset;
    if (!options.lenient && charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
      return Promise.reject(new UnsupportedMediaType(`A JSON body is UTF-8 (RFC 8259), not ${JSON.stringify(charset)}: send it as UTF-8, without a charset or with charset=utf-8.`));
    }
    const parse = this.settings.jsonParse;
    return this.body(options).then((bytes) => parseJsonBody(decodeText(bytes, charset), parse));
  }

  /**
   * The form body, read once into an immutable multi-value map:
   * `application/x-www-form-urlencoded` (values are strings) or
   * `multipart/form-data` (text fields are strings, file parts
   * `UploadedFile`s, as in the web's `FormData`). Multipart bodies stream
   * from the socket through busboy under the limits of `options`; large
   * files go to temporary files, removed when the request ends. Any other
   * body gives an empty map. Read once: later calls resolve to the same map
   * whatever their options.
   *
   * Given a Standard Schema, the form is validated as a plain object
   * (`toObject()`: a name sent once is its value, a name sent more than once
   * an array of its values, a file part an `UploadedFile`) and the schema's
   * typed output returned; an invalid form is an `UnprocessableEntity` (422)
   * listing the issues.
   *
   * @example
   * const form = await request.form();
   * const upload = form.get("upload");
   * if (upload instanceof UploadedFile) console.log(upload.filename, upload.size);
   */
  form<S extends StandardSchemaV1>(schema: S, options?: FormOptions): Promise<StandardSchemaV1.InferOutput<S>>;
  form(options?: FormOptions): Promise<MultiDict<FormValue>>;
  form(schemaOrOptions?: StandardSchemaV1 | FormOptions, maybeOptions?: FormOptions): Promise<unknown> {
    if (isStandardSchema(schemaOrOptions)) return this.#readFormOnce(maybeOptions ?? {}).then((form) => validate(schemaOrOptions, form.toObject(), "form"));
    return this.#readFormOnce(schemaOrOptions ?? {});
  }

  #readFormOnce(options: FormOptions): Promise<MultiDict<FormValue>> {
    this.#formPending ??= this.#readForm(options).then((form) => (this.#form = form));
    return this.#formPending;
  }

  /**
   * The query validated with a Standard Schema, as a plain object by the
   * form's rule (a name sent once is a string, a name sent more than once an
   * array of strings): its typed output, or an `UnprocessableEntity` (422)
   * listing the issues. Not `query(schema)`, since `query` is the map itself;
   * a route's `schema.query` gives the same through `request.valid("query")`.
   *
   * @example
   * const { page } = await request.queryAs(z.object({ page: z.coerce.number().int().min(1) }));
   */
  async queryAs<S extends StandardSchemaV1>(schema: S): Promise<StandardSchemaV1.InferOutput<S>> {
    return validate(schema, this.query.toObject(), "query");
  }

  async #readForm(options: FormOptions): Promise<MultiDict<FormValue>> {
    const type = this.contentType;
    const charset = this.charset;
    if (type === "application/x-www-form-urlencoded") return MultiDict.parse(await this.text(options), this.settings.maxParams, charset);
    if (type !== "multipart/form-data") return new MultiDict<FormValue>(undefined, false);
    const settings = multipartOptions(options.limit ?? this.bodyLimit, this.settings.maxParams, { ...options, charset: this.#charset ?? options.charset });
    let source: Buffer | Readable;
    if (this.#body !== undefined) {
      source = await this.#body;
    } else {
      // Streamed straight from the socket: the bytes are not kept.
      if (this.#bodySource !== undefined) this.#continue(settings.limit);
      source = this.#bodySource ?? EMPTY;
      this.#bodySource = undefined;
      this.#bodyStreamed = true;
    }
    const removeLater = (path: string) => this.onEnd(() => rm(path, { force: true }));
    const pairs = await parseMultipart(source, this.headers.get("content-type")!, this.contentLength, settings, removeLater);
    return new MultiDict<FormValue>(pairs, false);
  }

  /** The uploaded files of a multipart form, by field name (reads the form if needed). */
  async files(options?: FormOptions): Promise<MultiDict<UploadedFile>> {
    const files = new MultiDict<UploadedFile>();
    for (const [name, value] of await this.form(options)) if (value instanceof UploadedFile) files.append(name, value);
    return files;
  }

  /** The media type of the body, lower case, without parameters (`""` when absent). */
  get contentType(): string {
    const value = this.headers.get("content-type");
    if (!value) return "";
    const semi = value.indexOf(";");
    return (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
  }

  /**
   * The charset the body is decoded with: the `charset` parameter of
   * `Content-Type`, lower case, if there is one, unless set. Settable, as
   * Django's `request.encoding` is, before the body is read: `text()`,
   * `json()` and `form()` (urlencoded pairs and multipart text fields)
   * decode with it from then on. Setting it once the body was read is a
   * `TypeError`; an unknown charset is a 415 when the body is decoded.
   *
   * @example
   * if (request.charset === undefined) request.charset = "iso-8859-1"; // a legacy client that never says
   * const form = await request.form();
   */
  get charset(): string | undefined {
    if (this.#charset !== undefined) return this.#charset;
    const value = this.headers.get("content-type");
    if (!value || value.indexOf(";") === -1) return undefined;
    // Linear: a match is tried only at a ";", and the runs it backtracks
    // over (spaces, then the value) end at the next ";" or quote, so no
    // character is read by more than two tries.
    const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(value);
    return match ? match[1]!.toLowerCase() : undefined;
  }
  set charset(charset: string) {
    if (typeof charset !== "string" || charset.trim() === "") throw new TypeError(`request.charset is a charset name, not ${JSON.stringify(charset)}.`);
    if (this.#body !== undefined || this.#bodyStreamed || this.#formPending !== undefined) {
      throw new TypeError("request.charset can only be set before the body is read (it was already read with body(), text(), json() or form()).");
    }
    this.#charset = charset.trim().toLowerCase();
  }

  /** The declared body length (`Content-Length`), or `undefined` when absent or not a number. */
  get contentLength(): number | undefined {
    const value = this.headers.get("content-length");
    // Linear: anchored, one class.
    if (value === undefined || !/^\d+$/.test(value)) return undefined;
    return Number(value);
  }

  /**
   * The first value of `name` in the query, or in the form once it has been
   * read with `await request.form()` (webapp2's `request.get`). File parts
   * are skipped (read them from the form). `await request.field(name)` reads
   * the form first.
   */
  get(name: string, fallback?: string): string | undefined {
    const value = this.query.get(name);
    if (value !== undefined) return value;
    if (this.#form) for (const v of this.#form.getAll(name)) if (typeof v === "string") return v;
    return fallback;
  }

  /** Every text value of `name` in the query and (once read) the form. */
  getAll(name: string): string[] {
    const values = this.query.getAll(name);
    if (this.#form) for (const v of this.#form.getAll(name)) if (typeof v === "string") values.push(v);
    return values;
  }

  /**
   * `get()` after reading the form, in one call: the first value of `name`
   * in the query or the body. (`get()` is synchronous, so it sees the lazy
   * body only once `form()` has been awaited.)
   *
   * @example
   * const user = await request.field("user");
   */
  async field(name: string, fallback?: string): Promise<string | undefined> {
    if (this.query.has(name)) return this.query.get(name);
    await this.form();
    return this.get(name, fallback);
  }

  /** @deprecated The old name of {@link Request.field} (it reads the query and the form, not route parameters). */
  param(name: string, fallback?: string): Promise<string | undefined> {
    return this.field(name, fallback);
  }

  /** The names present in the query and (once read) the form. */
  arguments(): string[] {
    const names = new Set(this.query.keys());
    if (this.#form) for (const name of this.#form.keys()) names.add(name);
    return [...names];
  }

  /**
   * The media type the client prefers among `types` (full types, or
   * shorthands such as `json`, `html`, `text`), returned as passed, or
   * `false` when it accepts none. With no argument, the accepted types,
   * best first.
   *
   * @example
   * request.accepts("json", "html"); // "json" for Accept: application/json
   */
  accepts(...types: string[]): string | false;
  accepts(): string[];
  accepts(...types: string[]): string | false | string[] {
    const header = this.headers.get("accept");
    return types.length === 0 ? acceptedRanges(header, "*/*") : acceptsType(header, types);
  }

  /** The language the client prefers among `languages` (`false` when none); with no argument, the accepted ones, best first. */
  acceptsLanguages(...languages: string[]): string | false;
  acceptsLanguages(): string[];
  acceptsLanguages(...languages: string[]): string | false | string[] {
    const header = this.headers.get("accept-language");
    return languages.length === 0 ? acceptedRanges(header, "*") : acceptsLanguage(header, languages);
  }

  /** The content coding the client prefers among `encodings` (`identity` unless refused), or `false`. */
  acceptsEncodings(...encodings: string[]): string | false {
    return acceptsEncoding(this.headers.get("accept-encoding"), encodings);
  }

  /** The charset the client prefers among `charsets`, or `false`. */
  acceptsCharsets(...charsets: string[]): string | false {
    return acceptsCharset(this.headers.get("accept-charset"), charsets);
  }

  /**
   * Run `callback` when the request ends: once its response has been sent
   * (or the client went away) for a socket request, once `getResponse()`
   * resolves in process. Uploaded temporary files are removed this way. A
   * callback registered after the end runs at once; errors are logged.
   */
  onEnd(callback: () => unknown): void {
    if (this.#ended) {
      void this.#run([callback]);
      return;
    }
    if (this.#onEnd === undefined) {
      this.#onEnd = [];
      const res = this.#rawResponse;
      if (res !== undefined) {
        if (res.writableFinished || res.destroyed) queueMicrotask(() => void this.close());
        else res.once("close", () => void this.close());
      }
    }
    this.#onEnd.push(callback);
  }

  /** End the request: run the `onEnd()` callbacks, once. The application calls it; later calls do nothing. */
  async close(): Promise<void> {
    this.#ended = true;
    const callbacks = this.#onEnd;
    if (callbacks === undefined) return;
    this.#onEnd = undefined;
    await this.#run(callbacks);
  }

  async #run(callbacks: (() => unknown)[]): Promise<void> {
    for (const callback of callbacks) {
      try {
        await callback();
      } catch (error) {
        this.app?.logError(this, error, "an onEnd callback failed");
      }
    }
  }
}

/** Split `host[:port]` (IPv6 in brackets) into a lower-case name and a port, if valid. */
function splitHost(host: string): [string, number | undefined] {
  const colon = host.lastIndexOf(":");
  if (colon === -1 || host.indexOf("]", colon) !== -1) return [host.toLowerCase(), undefined];
  const port = host.slice(colon + 1);
  // Bounded: anchored, at most five digits read.
  return [host.slice(0, colon).toLowerCase(), /^\d{1,5}$/.test(port) ? Number(port) : undefined];
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
