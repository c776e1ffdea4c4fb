/**
 * `multipart/form-data` bodies, parsed with busboy: text fields as strings,
 * file parts as `UploadedFile`s kept in memory when small and spooled to a
 * temporary file when large.
 *
 * Why busboy rather than a parser of our own: multipart is where hand-written
 * parsers go wrong (boundaries split across chunks, header folding, RFC 2231
 * and RFC 5987 filenames, charsets, backpressure). busboy is small (one
 * dependency, `streamsearch`), streams with backpressure, enforces count and
 * size limits while parsing, is what Fastify (`@fastify/busboy`, a fork) and
 * multer use, and reports a truncated body as an error instead of a short
 * form.
 */
import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { copyFile, open, readFile, rename, rm, writeFile, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import busboy from "busboy";
import { parse } from "content-type";
import { BadRequest, type HttpError, PayloadTooLarge } from "./errors.js";

/** Limits and storage for one multipart body. */
export interface MultipartOptions {
  /** The most bytes the whole body may hold (the request's body limit). */
  limit: number;
  /** The most bytes one file may hold; past it, 413. Default: the body limit. */
  maxFileSize: number;
  /** The most bytes one text field may hold; past it, 413. Default: 1 MB, or the body limit if lower. */
  maxFieldSize: number;
  /** The most file parts; more is a 400. Default 100. */
  maxFiles: number;
  /** The most text fields; more is a 400. Default: the app's `maxParams` (1,000). */
  maxFields: number;
  /** The most parts of any kind; more is a 400. Default: `maxFields + maxFiles`. */
  maxParts: number;
  /** Files larger than this many bytes are written to a temporary file instead of kept in memory. Default 64 KiB. */
  memoryThreshold: number;
  /** Where temporary files go. Default: `os.tmpdir()`. */
  tmpDir: string;
  /** The charset of text fields that do not name their own: `request.charset` when set, else UTF-8. */
  charset?: string;
}

const SLICE = 64 * 1024;

/** A value of a parsed form: a text field, or an uploaded file. */
export type FormValue = string | UploadedFile;

/**
 * A file part of a `multipart/form-data` body. Its bytes are in memory
 * (`buffer`) when the file is small, otherwise in a temporary file (`path`)
 * that is removed when the request ends: read it, `stream()` it, or
 * `moveTo()` a permanent place before then. `name`, `type` and `size` read
 * like the web's `File`.
 *
 * @example
 * const form = await request.form();
 * const avatar = form.get("avatar");
 * if (avatar instanceof UploadedFile) await avatar.moveTo(`/srv/avatars/${id}.png`);
 */
export class UploadedFile {
  /** The form field the file was sent under. */
  readonly fieldName: string;
  /** The file name the client gave (without any directory part); `""` when none. */
  readonly filename: string;
  /** The media type the client gave (`application/octet-stream` when none). */
  readonly contentType: string;
  /** The size in bytes. */
  readonly size: number;
  /** The bytes, when the file was small enough to keep in memory. */
  readonly buffer: Buffer | undefined;
  /** The temporary file holding the bytes, when the file was large. */
  readonly path: string | undefined;

  constructor(fieldName: string, filename: string, contentType: string, size: number, buffer: Buffer | undefined, path?: string) {
    this.fieldName = fieldName;
    this.filename = filename;
    this.contentType = contentType;
    this.size = size;
    this.buffer = buffer;
    this.path = path;
  }

  /** The file name, as the web's `File.name`. */
  get name(): string {
    return this.filename;
  }

  /** The media type, as the web's `File.type`. */
  get type(): string {
    return this.contentType;
  }

  /** The whole file as bytes (read from the temporary file when spooled). */
  async bytes(): Promise<Buffer> {
    return this.buffer ?? readFile(this.path!);
  }

  /** The whole file as UTF-8 text. */
  async text(): Promise<string> {
    return (await this.bytes()).toString("utf8");
  }

  /** The file as a stream, without loading a spooled file into memory. */
  stream(): Readable {
    return this.buffer !== undefined ? Readable.from([this.buffer]) : createReadStream(this.path!);
  }

  /**
   * Put the file at `destination` (a rename when it was spooled on the same
   * device, a copy otherwise). The temporary file is gone afterwards.
   */
  async moveTo(destination: string): Promise<void> {
    if (this.buffer !== undefined) return writeFile(destination, this.buffer);
    try {
      await rename(this.path!, destination);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
      await copyFile(this.path!, destination);
      await rm(this.path!, { force: true });
    }
  }

  /** A short description for logs; never the content. */
  toString(): string {
    return `[UploadedFile ${this.fieldName}: ${JSON.stringify(this.filename)}, ${this.contentType}, ${this.size} bytes]`;
  }
}

/**
 * The multipart limits in force: `overrides` (a request's `form()`
 * options; `limit` is ignored there) over the defaults for a body limit and
 * a field cap.
 */
export function multipartOptions(limit: number, maxFields: number, overrides: Partial<MultipartOptions> = {}): MultipartOptions {
  const options: MultipartOptions = {
    limit,
    maxFileSize: limit,
    maxFieldSize: Math.min(limit, 1024 * 1024),
    maxFiles: 100,
    maxFields,
    maxParts: (overrides.maxFields ?? maxFields) + (overrides.maxFiles ?? 100),
    memoryThreshold: 64 * 1024,
    tmpDir: tmpdir(),
  };
  for (const key of Object.keys(overrides) as (keyof MultipartOptions)[]) {
    if (overrides[key] !== undefined && key !== "limit") (options as unknown as Record<string, unknown>)[key] = overrides[key];
  }
  return options;
}

/**
 * Parse a multipart body from a socket stream (or bytes already read) into
 * its `[name, value]` pairs, in the order they were sent; a declared
 * length over the limit is refused before reading. `onTempFile` is
 * told of every temporary file the moment it is created, so the caller can
 * remove it even when parsing fails halfway.
 *
 * A malformed or truncated body, or one over a count limit, is a
 * `BadRequest` (400); one over a size limit a `PayloadTooLarge` (413), and
 * the rest of it is drained, not buffered.
 */
export function parseMultipart(
  source: Readable | Buffer,
  contentType: string,
  declaredLength: number | undefined,
  options: MultipartOptions,
  onTempFile: (path: string) => void,
): Promise<[string, FormValue][]> {
  if (!Buffer.isBuffer(source) && declaredLength !== undefined && declaredLength > options.limit) {
    source.resume();
    return Promise.reject(tooLarge(options.limit));
  }
  const boundary = boundaryOf(contentType);
  if (boundary !== undefined && boundary.length > MAX_BOUNDARY) {
    if (!Buffer.isBuffer(source)) source.resume();
    return Promise.reject(new BadRequest(`The multipart boundary is longer than ${MAX_BOUNDARY} characters (RFC 2046 §5.1.1).`));
  }
  let parser: busboy.Busboy;
  try {
    parser = makeParser(contentType, options);
  } catch (error) {
    if (!Buffer.isBuffer(source)) source.resume();
    return Promise.reject(new BadRequest(`Invalid multipart Content-Type: ${(error as Error).message}.`));
  }
  return new Promise((resolve, reject) => {
    const entries: [string, string | Promise<UploadedFile>][] = [];
    let done = false;
    let stopFeeding = (): void => {};
    const fail = (error: unknown): void => {
      if (done) return;
      done = true;
      stopFeeding();
      // busboy may be mid-write (it emits 'limit' and then touches the file
      // stream): destroying it synchronously crashed the process.
      queueMicrotask(() => parser.destroy());
      reject(error);
    };
    parser.on("field", (name, value, info) => {
      if (info.valueTruncated) fail(new PayloadTooLarge(`The form field "${name}" is larger than the limit of ${options.maxFieldSize} bytes.`));
      else entries.push([name, value]);
    });
    parser.on("file", (name, stream, info) => {
      stream.once("limit", () => fail(new PayloadTooLarge(`The file "${info.filename ?? ""}" is larger than the limit of ${options.maxFileSize} bytes.`)));
      const pending = receiveFile(name, stream, info, options, onTempFile);
      pending.catch(fail);
      entries.push([name, pending]);
    });
    parser.on("partsLimit", () => fail(new BadRequest(`Too many parts in the form: more than ${options.maxParts}.`)));
    parser.on("filesLimit", () => fail(new BadRequest(`Too many files in the form: more than ${options.maxFiles}.`)));
    parser.on("fieldsLimit", () => fail(new BadRequest(`Too many fields in the form: more than ${options.maxFields}.`)));
    parser.on("error", (error) => fail(new BadRequest(`Malformed multipart body: ${(error as Error).message}.`, { cause: error })));
    parser.on("close", () => {
      if (done) return;
      Promise.all(entries.map(async ([name, value]): Promise<[string, FormValue]> => [name, await value])).then((pairs) => {
        if (done) return;
        done = true;
        resolve(pairs);
      }, fail);
    });
    if (Buffer.isBuffer(source)) {
      if (source.length > options.limit) return fail(tooLarge(options.limit));
      // perf: in slices, so a hostile body is refused at the first limit
      // instead of parsed to its end in one synchronous write.
      for (let start = 0; start < source.length && !done; start += SLICE) parser.write(source.subarray(start, start + SLICE));
      if (!done) parser.end();
    } else {
      stopFeeding = feed(source, parser, options.limit, fail);
    }
  });
}

// RFC 2046 §5.1.1: a boundary is 1 to 70 characters.
const MAX_BOUNDARY = 70;

// The boundary parameter, as content-type reads it (busboy reads it again, more leniently).
function boundaryOf(contentType: string): string | undefined {
  try {
    return parse(contentType).parameters.boundary;
  } catch {
    return undefined;
  }
}

/** A busboy parser with our limits; throws on a Content-Type without a boundary. */
function makeParser(contentType: string, options: MultipartOptions): busboy.Busboy {
  return busboy({
    headers: { "content-type": contentType },
    defParamCharset: "utf8",
    defCharset: options.charset ?? "utf8",
    limits: {
      // busboy stops at the limit itself (a file of exactly maxFileSize bytes
      // is "truncated"); ours are the most bytes allowed.
      fileSize: options.maxFileSize + 1,
      fieldSize: options.maxFieldSize + 1,
      files: options.maxFiles,
      fields: options.maxFields,
      parts: options.maxParts,
      headerPairs: 100,
    },
  });
}

/**
 * Write a socket stream into the parser with backpressure, counting bytes
 * against `limit`. Returns how to stop: detach and drain the rest.
 */
function feed(source: Readable, parser: busboy.Busboy, limit: number, fail: (error: unknown) => void): () => void {
  let size = 0;
  const resume = () => source.resume();
  const stop = () => {
    source.off("data", onData);
    source.off("end", onEnd);
    source.off("error", onError);
    source.off("aborted", onError);
    parser.off("drain", resume);
    // Drain what is left so the socket is not stuck; the error response
    // closes the connection.
    source.resume();
  };
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) return fail(tooLarge(limit));
    if (!parser.write(chunk)) source.pause();
  };
  const onEnd = () => {
    source.off("data", onData);
    parser.end();
  };
  const onError = () => fail(new BadRequest("The request body could not be read (the client went away)."));
  parser.on("drain", resume);
  source.on("data", onData);
  source.on("end", onEnd);
  source.on("error", onError);
  source.on("aborted", onError);
  return stop;
}

/** Take in one file part: in memory up to the threshold, then in a temporary file. */
async function receiveFile(
  fieldName: string,
  stream: Readable,
  info: busboy.FileInfo,
  options: MultipartOptions,
  onTempFile: (path: string) => void,
): Promise<UploadedFile> {
  const chunks: Buffer[] = [];
  let size = 0;
  let handle: FileHandle | undefined;
  let path: string | undefined;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (handle !== undefined) {
        await handle.write(chunk);
        continue;
      }
      chunks.push(chunk);
      if (size > options.memoryThreshold) {
        path = join(options.tmpDir, `handlerkit-upload-${randomUUID()}`);
        handle = await open(path, "wx", 0o600);
        // Told once the file exists: a request that ended while it was
        // being opened removes it at once, never before it is there.
        onTempFile(path);
        await handle.writev(chunks);
        chunks.length = 0;
      }
    }
  } finally {
    await handle?.close();
  }
  if ((stream as { truncated?: boolean }).truncated) {
    throw new PayloadTooLarge(`The file "${info.filename ?? ""}" is larger than the limit of ${options.maxFileSize} bytes.`);
  }
  const buffer = path === undefined ? (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)) : undefined;
  return new UploadedFile(fieldName, info.filename ?? "", info.mimeType || "application/octet-stream", size, buffer, path);
}

function tooLarge(limit: number): HttpError {
  return new PayloadTooLarge(`The request body is larger than the limit of ${limit} bytes.`, { headers: { connection: "close" } });
}
