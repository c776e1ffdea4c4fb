/**
 * Files on disk as HTTP bodies: safe resolution under a root, media types,
 * validators, `Range` parsing, and a stream that opens the file only when
 * it is read.
 */
import { close, open, read, type Stats } from "node:fs";
import { realpath, stat } from "node:fs/promises";
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
 * What to do with a path that has a segment starting with a dot (`.env`,
 * `.git/config`, `.hidden/name.txt`): `"ignore"` answers 404, as if the file
 * did not exist (the default, as `send`'s); `"deny"` answers 403; `"allow"`
 * serves it.
 */
export type Dotfiles = "allow" | "deny" | "ignore";

/** How a path is looked up: see {@link findFile}. */
export interface FileLookup {
  /**
   * Serve the path relative to this directory and refuse to leave it: a path
   * with a `..` segment or a NUL byte, one that resolves outside `root`, or
   * (unless `followSymlinks`) one whose real path, symlinks resolved, is
   * outside the real path of `root`, is a 404, as if the file did not exist.
   */
  root?: string | undefined;
  /** Paths with a dot segment: `"ignore"` (404, the default), `"deny"` (403) or `"allow"`. */
  dotfiles?: Dotfiles | undefined;
  /** Follow symlinks that lead outside `root` (default false: such a path is a 404). */
  followSymlinks?: boolean | undefined;
}

/** A file (or, from {@link findFile}, a directory) found on disk. */
export interface FoundFile {
  /** The path to open: the real path when symlinks were checked, else the resolved one. */
  path: string;
  /** The resolved path as asked for, symlinks not followed: its name gives the media type. */
  name: string;
  stats: Stats;
}

/**
 * Find `path` on disk by the rules of `lookup` and stat it: a file or a
 * directory. Throws `NotFound` (404) for what is missing or refused (`..`,
 * NUL, outside the root, a symlink out of the root, a dotfile ignored) and
 * `Forbidden` (403) for a dotfile denied or a file the process may not read.
 * Dot segments are looked for in `path` as given: under `root` when there
 * is one, else in the whole path.
 *
 * @example
 * const { path, stats } = await findFile("css/site.css", { root: "public" });
 */
export async function findFile(path: string, lookup: FileLookup = {}): Promise<FoundFile> {
  const name = safePath(path, lookup);
  const root = lookup.root;
  let real = name;
  try {
    if (root !== undefined && lookup.followSymlinks !== true) {
      // The lexical check above cannot see a symlink inside the root that
      // leads out of it (`www/escape -> /etc`): compare the real paths.
      const [realRoot, realFile] = await Promise.all([realpath(resolve(root)), realpath(name)]);
      if (!isInside(realFile, realRoot)) throw new NotFound();
      real = realFile;
    }
    return { path: real, name, stats: await stat(real) };
  } catch (error) {
    if (error instanceof NotFound) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "EPERM") throw new Forbidden();
    throw new NotFound();
  }
}

/**
 * Find and stat a file to serve (see {@link findFile}): a directory, and a
 * path that ends with a slash (`file.html/`, which names a directory, as the
 * file system would answer), are a `NotFound` too.
 */
export async function statFile(path: string, lookup: FileLookup = {}): Promise<FoundFile> {
  const last = path.charCodeAt(path.length - 1);
  if (last === 47 || last === 92) throw new NotFound();
  const file = await findFile(path, lookup);
  if (!file.stats.isFile()) throw new NotFound();
  return file;
}

// Resolve `path` (under `root` when given), refusing traversal, NUL bytes
// and, unless allowed, dot segments; a string scan, no RegExp.
function safePath(path: string, lookup: FileLookup): string {
  if (path.indexOf("\0") !== -1) throw new NotFound();
  let dotfile = false;
  for (let start = 0; start <= path.length; ) {
    let end = start;
    while (end < path.length && path.charCodeAt(end) !== 47 && path.charCodeAt(end) !== 92) end++;
    if (path.charCodeAt(start) === 46 && end - start > 1) {
      if (end - start === 2 && path.charCodeAt(start + 1) === 46) throw new NotFound();
      dotfile = true;
    }
    start = end + 1;
  }
  if (dotfile) {
    const rule = lookup.dotfiles ?? "ignore";
    if (rule === "deny") throw new Forbidden();
    if (rule !== "allow") throw new NotFound();
  }
  const root = lookup.root;
  if (root === undefined) return resolve(path);
  const base = resolve(root);
  const full = resolve(base, `.${sep}${path}`);
  if (!isInside(full, base)) throw new NotFound();
  return full;
}

// Whether `path` is `dir` or below it (both resolved, absolute).
function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
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
 * ranges, which we answer with the whole file as RFC 9110 allows; an invalid
 * `Range` is ignored, §14.2). One pass over the header: linear in its
 * length whatever it holds (a RegExp with `\s*` on both sides of the digits
 * backtracked quadratically on a long run of spaces).
 *
 * @example
 * parseRange("bytes=0-4", 18); // [0, 4]
 * parseRange("bytes=-6", 18); // [12, 17]
 * parseRange("bytes=0-1,4-5", 18); // undefined: the whole file
 */
export function parseRange(header: string, size: number): [number, number] | "unsatisfiable" | undefined {
  const scan = { text: header, at: 0 };
  skipSpace(scan);
  if (header.slice(scan.at, scan.at + 5).toLowerCase() !== "bytes") return undefined;
  scan.at += 5;
  skipSpace(scan);
  if (header.charCodeAt(scan.at) !== 61) return undefined; // "="
  scan.at++;
  skipSpace(scan);
  const first = digits(scan);
  skipSpace(scan);
  if (header.charCodeAt(scan.at) !== 45) return undefined; // "-"
  scan.at++;
  skipSpace(scan);
  const last = digits(scan);
  skipSpace(scan);
  if (scan.at !== header.length) return undefined;
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

// The scanner of `parseRange`: optional whitespace (RFC 9110 OWS: spaces
// and tabs), then a run of ASCII digits.
function skipSpace(scan: { text: string; at: number }): void {
  while (scan.at < scan.text.length && (scan.text.charCodeAt(scan.at) === 32 || scan.text.charCodeAt(scan.at) === 9)) scan.at++;
}

function digits(scan: { text: string; at: number }): string {
  const start = scan.at;
  while (scan.at < scan.text.length) {
    const code = scan.text.charCodeAt(scan.at);
    if (code < 48 || code > 57) break;
    scan.at++;
  }
  return scan.text.slice(start, scan.at);
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
