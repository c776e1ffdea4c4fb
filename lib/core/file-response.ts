/**
 * Files as responses: type, length, validators, conditional GET and single
 * byte ranges, streamed from disk without holding the file in memory.
 */
import { close, open, read, type Stats } from "node:fs";
import { stat } from "node:fs/promises";
import { extname, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { Forbidden, NotFound } from "../http/errors.js";
import type { HeadersInit } from "../http/header-map.js";
import type { Request } from "./request.js";
import { Response } from "./response.js";

/** Options of `Response.file()`. */
export interface FileOptions {
  /**
   * Serve `path` relative to this directory and refuse to leave it: a path
   * with a `..` segment, a NUL byte, or one that resolves outside `root` is a
   * 404, as if the file did not exist.
   */
  root?: string;
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
  /** Extra headers. */
  headers?: HeadersInit;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8", ".json": "application/json",
  ".map": "application/json", ".txt": "text/plain; charset=utf-8", ".md": "text/markdown; charset=utf-8",
  ".csv": "text/csv; charset=utf-8", ".xml": "application/xml", ".svg": "image/svg+xml", ".png": "image/png",
  ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp", ".avif": "image/avif",
  ".ico": "image/x-icon", ".pdf": "application/pdf", ".zip": "application/zip", ".gz": "application/gzip",
  ".wasm": "application/wasm", ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf",
  ".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".wav": "audio/wav", ".mp4": "video/mp4", ".webm": "video/webm",
};

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

  constructor(path: string, stats: Stats, options: FileOptions = {}) {
    super(new FileStream(path, 0, stats.size - 1), 200, options.headers);
    this.path = path;
    this.size = stats.size;
    this.mtime = stats.mtime;
    this.etag = `"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
    this.#request = options.request;
    const headers = this.headers;
    if (!headers.has("content-type")) headers.set("content-type", options.contentType ?? TYPES[extname(path).toLowerCase()] ?? "application/octet-stream");
    headers.set("content-length", stats.size);
    headers.set("last-modified", stats.mtime.toUTCString());
    headers.set("etag", this.etag);
    headers.set("accept-ranges", "bytes");
    if (options.maxAge !== undefined) headers.set("cache-control", `public, max-age=${Math.max(0, Math.floor(options.maxAge))}`);
    if (options.download) headers.set("content-disposition", disposition(options.download === true ? path.slice(path.lastIndexOf(sep) + 1) : options.download));
  }

  /** Answer the request's preconditions and range, then settle the response as every response does. */
  override prepare(head: boolean, request?: Request): void {
    const req = request ?? this.#request;
    if (req !== undefined && this.status === 200 && (req.method === "GET" || req.method === "HEAD")) this.#negotiate(req);
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

/**
 * Make a `FileResponse` for `path` (see `FileOptions.root` for serving user
 * paths). A missing file or a directory is a `NotFound` (404), an
 * unreadable one `Forbidden` (403).
 */
export async function fileResponse(path: string, options: FileOptions = {}): Promise<FileResponse> {
  const full = safePath(path, options.root);
  let stats: Stats;
  try {
    stats = await stat(full);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "EPERM") throw new Forbidden();
    throw new NotFound();
  }
  if (!stats.isFile()) throw new NotFound();
  return new FileResponse(full, stats, options);
}

/** Resolve `path` (under `root` when given), refusing traversal and NUL bytes with a 404. */
function safePath(path: string, root: string | undefined): string {
  if (path.indexOf("\0") !== -1 || path.split(/[\\/]/).includes("..")) throw new NotFound();
  if (root === undefined) return resolve(path);
  const base = resolve(root);
  const full = resolve(base, `.${sep}${path}`);
  if (full !== base && !full.startsWith(base.endsWith(sep) ? base : base + sep)) throw new NotFound();
  return full;
}

/** Whether an `If-Match`/`If-None-Match` list matches the ETag (weak comparison for If-None-Match). */
function etagMatches(header: string, etag: string, weak: boolean): boolean {
  if (header.trim() === "*") return true;
  for (const part of header.split(",")) {
    let tag = part.trim();
    if (tag.startsWith("W/")) {
      if (!weak) continue;
      tag = tag.slice(2);
    }
    if (tag === etag) return true;
  }
  return false;
}

/** An HTTP date in whole seconds, or `fallback` when it is not a date (an invalid date is ignored, RFC 9110). */
function seconds(date: string, fallback: number): number {
  const time = Date.parse(date);
  return Number.isNaN(time) ? fallback : Math.floor(time / 1000);
}

/**
 * One `bytes=` range as inclusive `[start, end]`, `"unsatisfiable"`, or
 * `undefined` to ignore the header (another unit, bad syntax, or several
 * ranges, which we answer with the whole file as RFC 9110 allows).
 */
function parseRange(header: string, size: number): [number, number] | "unsatisfiable" | undefined {
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (match === null) return undefined;
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return undefined;
  let start: number;
  let end: number;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(first);
    end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
    if (last !== "" && Number(last) < start) return undefined;
    if (start >= size) return "unsatisfiable";
  }
  return [start, end];
}

/** `attachment` with an ASCII fallback name and the exact one in RFC 5987 form. */
function disposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * Bytes `start`..`end` (inclusive) of a file, opened on the first read and
 * closed on end, error or destroy, so a response that is never sent (HEAD,
 * 304) or cut by a disconnecting client leaves no file handle open.
 */
class FileStream extends Readable {
  readonly #path: string;
  #position: number;
  readonly #end: number;
  #fd: number | undefined;

  constructor(path: string, start: number, end: number) {
    super({ highWaterMark: 64 * 1024 });
    this.#path = path;
    this.#position = start;
    this.#end = end;
  }

  override _read(size: number): void {
    if (this.#fd !== undefined) return this.#readChunk(this.#fd, size);
    open(this.#path, "r", (error, fd) => {
      if (error) return this.destroy(error);
      // Destroyed while opening: close now, nobody will read.
      if (this.destroyed) return close(fd, () => {});
      this.#fd = fd;
      this.#readChunk(fd, size);
    });
  }

  #readChunk(fd: number, size: number): void {
    const length = Math.min(size, this.#end - this.#position + 1);
    if (length <= 0) {
      this.push(null);
      return;
    }
    read(fd, Buffer.allocUnsafe(length), 0, length, this.#position, (error, bytesRead, buffer) => {
      if (error) return this.destroy(error);
      // The file shrank since it was stat'ed: cut the response rather than
      // send less than the Content-Length promised (the client would hang).
      if (bytesRead === 0) return this.destroy(new Error(`${this.#path} is shorter than when the response began.`));
      this.#position += bytesRead;
      this.push(bytesRead === length ? buffer : buffer.subarray(0, bytesRead));
    });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const fd = this.#fd;
    this.#fd = undefined;
    if (fd === undefined) return callback(error);
    close(fd, () => callback(error));
  }
}
