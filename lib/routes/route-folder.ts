/**
 * Reading a routes folder: which files are route modules, and the path and
 * name each one's folder gives (`routes/todo/[id]/handlers.ts` serves
 * `/todo/:id`, named `todo.id`).
 */
import { readdir, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";

/** One segment of a route folder's path: literal text, a `[param]` or a `[...splat]`. */
export type FolderSegment = { kind: "static"; text: string } | { kind: "param"; name: string } | { kind: "splat"; name: string };

/** A route module found in a routes folder. */
export interface RouteFile {
  /** Its absolute path. */
  file: string;
  /** Its path relative to the routes folder, with `/` separators (`todo/[id]/handlers.ts`). */
  relative: string;
  /** The segments of its folder's path, from the routes folder down. */
  segments: FolderSegment[];
}

/** The names a route module may have. */
export const ROUTE_MODULE_NAMES = ["handlers.ts", "handlers.mts", "handlers.js", "handlers.mjs"] as const;

// Code files that are not route modules are refused (a helper should say
// so with a leading `_`); other files (README.md, data) are left alone.
const CODE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const IGNORED_FILE = /\.(?:spec|test)\.[^.]+$|\.d\.[cm]?ts$/;
/** Characters a literal folder name may hold: those a URL segment holds as they are, and the route template reads as text. */
const SEGMENT_TEXT = /^[A-Za-z0-9._~-]+$/;
/** A parameter name: a JavaScript identifier, as the route template reads it. */
const PARAM_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Whether a file or folder name is left out of the route table: helpers (`_x`), hidden files (`.x`) and tests (`*.spec.*`, `*.test.*`). */
export function isIgnored(name: string, isFile: boolean): boolean {
  return name.startsWith("_") || name.startsWith(".") || (isFile && IGNORED_FILE.test(name));
}

/** Read one folder name as a segment, or throw saying what is wrong with it. */
export function folderSegment(name: string, where: string): FolderSegment {
  const bracket = /^\[(\.\.\.)?(.*)\]$/.exec(name);
  if (bracket !== null) {
    const param = bracket[2]!;
    if (!PARAM_NAME.test(param)) throw new TypeError(`${where}: the folder "${name}" names a parameter "${param}" that is not a valid identifier (letters, digits, _ and $, not first a digit).`);
    return bracket[1] === undefined ? { kind: "param", name: param } : { kind: "splat", name: param };
  }
  if (!SEGMENT_TEXT.test(name)) {
    throw new TypeError(`${where}: the folder "${name}" cannot be a URL segment: use letters, digits, ".", "_", "~" and "-", "[name]" for a parameter or "[...name]" for a splat.`);
  }
  return { kind: "static", text: name };
}

/** The route template of a folder's segments (`/todo/:id`, `/` for the routes folder itself). */
export function folderTemplate(segments: readonly FolderSegment[]): string {
  if (segments.length === 0) return "/";
  return segments.map((s) => (s.kind === "static" ? `/${s.text}` : s.kind === "param" ? `/:${s.name}` : `/*${s.name}`)).join("");
}

/** The route name of a folder's segments: its texts and parameter names joined by `.` (`todo.id`), `index` for the routes folder itself. */
export function folderName(segments: readonly FolderSegment[]): string {
  if (segments.length === 0) return "index";
  return segments.map((s) => (s.kind === "static" ? s.text : s.name)).join(".");
}

/**
 * Every route module under `dir`, in no particular order (the loader
 * sorts routes by their paths). Throws, naming the file or folder, for a
 * folder that does not exist, a code file that is not a route module, two
 * route modules in one folder, a folder name that cannot be a segment, and
 * a parameter name used twice in one path.
 */
export async function scanRouteFolder(dir: string): Promise<RouteFile[]> {
  let info;
  try {
    info = await stat(dir);
  } catch {
    throw new TypeError(`The routes folder ${dir} does not exist: create it (handlerkit add-handler makes one) or give the right path.`);
  }
  if (!info.isDirectory()) throw new TypeError(`The routes folder ${dir} is not a folder.`);
  const found: RouteFile[] = [];
  await walk(dir, dir, [], found);
  return found;
}

async function walk(root: string, dir: string, segments: FolderSegment[], found: RouteFile[]): Promise<void> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let module: string | undefined;
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const where = relative(root, path).split(sep).join("/");
    if (isIgnored(entry.name, !entry.isDirectory())) continue;
    if (entry.isDirectory()) {
      const segment = folderSegment(entry.name, where);
      if (segment.kind !== "static") {
        const twice = segments.find((s) => s.kind !== "static" && s.name === segment.name);
        if (twice !== undefined) throw new TypeError(`${where}: the parameter "${segment.name}" is already in this path; rename one of the folders.`);
      }
      await walk(root, path, [...segments, segment], found);
      continue;
    }
    if (!CODE_FILE.test(entry.name)) continue;
    if (!(ROUTE_MODULE_NAMES as readonly string[]).includes(entry.name)) {
      throw new TypeError(`${where} is not a route module: name route modules ${ROUTE_MODULE_NAMES.join(", ")}, and start a helper's name with "_" to keep it beside them.`);
    }
    if (module !== undefined) throw new TypeError(`${where}: this folder already has the route module ${module}; keep one.`);
    module = entry.name;
    found.push({ file: path, relative: where, segments });
  }
}
