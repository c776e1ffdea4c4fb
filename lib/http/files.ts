/**
 * Files on disk as HTTP bodies: safe resolution under a root, media types,
 * validators, `Range` parsing, and a stream that opens the file only when
 * it is read.
 */
import { close, open, read, type Stats } from "node:fs";
import { stat } from "node:fs/promises";
import { extname, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { contentType, lookup } from "mime-types";
import { Forbidden, NotFound } from "./errors.js";

/**
 * The media type of a file, by its extension, from the `mime-db` table that
 * `mime-types` reads (about a thousand extensions, kept up to date with
 * IANA, Apache and nginx). Textual types carry `; charset=utf-8` (text/*, and
 * those `mime-db` marks as UTF-8, such as JSON); an unknown or missing
 * extension is `application/octet-stream`. The case of the extension does
 * not matter.
 *
 * @example
 * fileType("docs/README.md"); // "text/markdown; charset=utf-8"
 * fileType("photo.AVIF"); // "image/avif"
 */
export function fileType(path: string): string {
  // Node's extname, not mime-types' own reading of the path: a file named
  // `png`, without a dot, has no extension.
  const extension = extname(path);
  const type = extension === "" ? false : lookup(extension);
  return type === false ? "application/octet-stream" : (contentType(type) || type);
}

/**
 * Resolve and stat a file to serve (see `FileOptions.root` for paths from
 * the client). A missing file or a directory is a `NotFound` (404), an
 * unreadable one `Forbidden` (403).
 */
export async function statFile(path: string, root: string | undefined): Promise<{ path: string; stats: Stats }> {
  const full = safePath(path, root);
  let stats: Stats;
  try {
    stats = await stat(full);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "EPERM") throw new Forbidden();
    throw new NotFound();
  }
  if (!stats.isFile()) throw new NotFound();
  return { path: full, stats };
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
export function etagMatches(header: string, etag: string, weak: boolean): boolean {
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
export function seconds(date: string, fallback: number): number {
  const time = Date.parse(date);
  return Number.isNaN(time) ? fallback : Math.floor(time / 1000);
}

/**
 * One `bytes=` range as inclusive `[start, end]`, `"unsatisfiable"`, or
 * `undefined` to ignore the header (another unit, bad syntax, or several
 * ranges, which we answer with the whole file as RFC 9110 allows).
 */
export function parseRange(header: string, size: number): [number, number] | "unsatisfiable" | undefined {
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
export function disposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * Bytes `start`..`end` (inclusive) of a file, opened on the first read and
 * closed on end, error or destroy, so a response that is never sent (HEAD,
 * 304) or cut by a disconnecting client leaves no file handle open.
 */
export class FileStream extends Readable {
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
