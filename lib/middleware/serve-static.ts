/**
 * Static files: a folder served through the file response (ETag,
 * Last-Modified, 304/412, single ranges), in the manner of `send` /
 * `serve-static` and `@fastify/static`.
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import type { Middleware } from "../core/middleware.js";
import type { Request } from "../core/request.js";
import { FileResponse, Response } from "../core/response.js";
import { fileType, findFile, type Dotfiles, type FileLookup, type FoundFile } from "../http/files.js";
import { HttpError, NotFound } from "../http/errors.js";
import type { HeadersInit } from "../http/header-map.js";
import { acceptsEncoding } from "../http/negotiation.js";
import { vary } from "./vary.js";

/** A precompressed sibling `serveStatic()` can send: `name.br` or `name.gz`. */
export type Precompressed = "br" | "gzip";

/** Options of {@link serveStatic}. */
export interface StaticOptions {
  /** The URL path the folder is served at (`/static`); the whole site (`/`) by default. */
  prefix?: string;
  /** The file served for a folder (`index.html`), a list tried in order, or `false` for none. */
  index?: string | readonly string[] | false;
  /** Redirect a folder asked for without its slash (`/docs`) to `/docs/` with a 301. Default true. */
  redirect?: boolean;
  /** Paths with a dot segment: `"ignore"` (as if missing, the default), `"deny"` (403) or `"allow"`. */
  dotfiles?: Dotfiles;
  /** Follow symlinks that lead outside the folder (default false: as if missing). */
  followSymlinks?: boolean;
  /**
   * Send `name.br` / `name.gz`, made ahead of time, instead of `name` when
   * the client accepts that coding (with the type of `name`,
   * `Content-Encoding` and `Vary: Accept-Encoding`): `true` for both, or a
   * list in the server's order of preference. Off by default: a stale
   * sibling would be served instead of a newer file.
   */
  precompressed?: boolean | readonly Precompressed[];
  /** `Cache-Control: public, max-age=<seconds>`. */
  maxAge?: number;
  /** With `maxAge`, add `immutable` (for fingerprinted file names). */
  immutable?: boolean;
  /** What nothing on disk answers goes on to `next()` (true, the default), or is a 404 here (false). */
  fallthrough?: boolean;
  /** Extra headers on every file sent. */
  headers?: HeadersInit;
}

const SUFFIX: Record<Precompressed, string> = { br: ".br", gzip: ".gz" };

/**
 * Serve the files under `root`. A `GET` or `HEAD` whose path is under
 * `prefix` is looked up in the folder: a file is sent as `Response.file()`
 * sends it; a folder asked for with its slash gets its `index` file, and
 * without it a 301 to the slash (`/docs` to `/docs/`). Anything else, other
 * methods, and what is not there, goes on to `next()`, so routes and the
 * 404 page answer it (or, with `fallthrough: false`, a 404 here).
 *
 * No file outside `root` is ever read: a `..` segment however it is
 * encoded, a NUL, a backslash, and a symlink leading out of the folder
 * (unless `followSymlinks`) are all treated as missing, and raw dot
 * segments and `%00` are then refused with 400 by the app's path guard.
 * Dotfiles are ignored by default; `dotfiles: "deny"` answers them 403. A
 * path that ends with a slash names a folder: `/page.html/` is missing.
 *
 * @example
 * app.use(serveStatic("public"));
 * app.use(serveStatic("dist/assets", { prefix: "/assets", maxAge: 31_536_000, immutable: true, precompressed: true }));
 */
export function serveStatic(root: string, options: StaticOptions = {}): Middleware {
  if (typeof root !== "string" || root === "") throw new TypeError("serveStatic(root): root is the folder to serve, as a path.");
  const base = resolve(root);
  let isDirectory = false;
  try {
    isDirectory = statSync(base).isDirectory();
  } catch {
    // reported below
  }
  if (!isDirectory) throw new TypeError(`serveStatic(): ${base} is not a folder; create it or fix the path.`);
  const prefix = mountPoint(options.prefix ?? "/");
  const index = indexNames(options.index);
  const redirect = options.redirect ?? true;
  const fallthrough = options.fallthrough ?? true;
  const codings: readonly Precompressed[] = options.precompressed === true ? ["br", "gzip"] : options.precompressed === false || options.precompressed === undefined ? [] : [...options.precompressed];
  for (const coding of codings) if (!(coding in SUFFIX)) throw new TypeError(`serveStatic(): precompressed holds ${JSON.stringify(coding)}, not br or gzip.`);
  if (options.maxAge !== undefined && !(options.maxAge >= 0)) throw new TypeError(`serveStatic(): maxAge is a number of seconds, not ${options.maxAge}.`);
  const lookup: FileLookup = { root: base, dotfiles: options.dotfiles ?? "ignore", followSymlinks: options.followSymlinks === true };
  const send = { maxAge: options.maxAge, immutable: options.immutable, headers: options.headers };

  // A file, with its precompressed sibling when the client takes one.
  const serve = async (request: Request, rest: string, file: FoundFile): Promise<Response> => {
    const type = fileType(file.name);
    let chosen = file;
    let coding: Precompressed | undefined;
    if (codings.length > 0) {
      const accept = request.headers.get("accept-encoding");
      for (const candidate of codings) {
        if (acceptsEncoding(accept, [candidate]) !== candidate) continue;
        const sibling = await lookupFile(rest + SUFFIX[candidate], lookup);
        if (sibling === undefined || !sibling.stats.isFile()) continue;
        chosen = sibling;
        coding = candidate;
        break;
      }
    }
    const response = new FileResponse(chosen.path, chosen.stats, { ...send, contentType: type, name: file.name });
    if (coding !== undefined) response.headers.set("content-encoding", coding);
    if (codings.length > 0) vary(response.headers, "Accept-Encoding");
    return response;
  };

  return async function serveStaticMiddleware(request, next) {
    const method = request.method;
    if (method !== "GET" && method !== "HEAD") return next();
    const path = request.path;
    let rest: string;
    if (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 47) rest = path.slice(prefix.length + 1);
    else if (path === prefix && prefix !== "") rest = "";
    else return next();
    // A protocol-relative raw path (`//evil.example`) must never become a
    // redirect's Location; backslashes and NUL name nothing here.
    const raw = request.rawPath;
    if (raw.charCodeAt(1) === 47 || raw.charCodeAt(1) === 92 || rest.indexOf("\\") !== -1 || rest.indexOf("\0") !== -1) return miss(next, fallthrough);
    const asFolder = rest === "" || rest.endsWith("/");
    const found = await lookupFile(rest, lookup);
    if (found === undefined) return miss(next, fallthrough);
    if (found.stats.isFile()) return asFolder ? miss(next, fallthrough) : serve(request, rest, found);
    if (!found.stats.isDirectory() || index.length === 0) return miss(next, fallthrough);
    if (!asFolder || (rest === "" && path === prefix && prefix !== "")) {
      if (!redirect) return miss(next, fallthrough);
      const query = request.queryString;
      return Response.redirect(`${raw}/${query ? `?${query}` : ""}`, 301);
    }
    for (const name of index) {
      const file = await lookupFile(rest + name, lookup);
      if (file !== undefined && file.stats.isFile()) return serve(request, rest + name, file);
    }
    return miss(next, fallthrough);
  };
}

// A file or folder, or `undefined` when missing or refused as if missing;
// a 403 (a dotfile denied, a file the process may not read) is answered.
async function lookupFile(path: string, lookup: FileLookup): Promise<FoundFile | undefined> {
  try {
    return await findFile(path, lookup);
  } catch (error) {
    if (error instanceof HttpError && error.status === 404) return undefined;
    throw error;
  }
}

function miss(next: () => Promise<Response>, fallthrough: boolean): Promise<Response> {
  return fallthrough ? next() : Promise.reject(new NotFound());
}

// "/static/" and "/static" mount at "/static"; "/" mounts at "" (everything).
function mountPoint(prefix: string): string {
  if (typeof prefix !== "string" || !prefix.startsWith("/") || prefix.includes("\\") || prefix.split("/").some((s) => s === "." || s === "..")) {
    throw new TypeError(`serveStatic(): prefix ${JSON.stringify(prefix)} must be a URL path starting with /, without . or .. segments.`);
  }
  return prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
}

function indexNames(index: StaticOptions["index"]): readonly string[] {
  if (index === false) return [];
  const names = index === undefined ? ["index.html"] : typeof index === "string" ? [index] : [...index];
  for (const name of names) {
    if (typeof name !== "string" || name === "" || name.includes("/") || name.includes("\\")) throw new TypeError(`serveStatic(): index ${JSON.stringify(name)} must be a file name, without slashes.`);
  }
  return names;
}
