/**
 * HTTP methods as data: the standard set, the set a function handler serves,
 * and the `Allow` header a set of methods gives (RFC 9110 §9, §10.2.1).
 */

/** The HTTP verbs a handler method may be named after (lower case), webapp2's standard set. */
export const STANDARD_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"] as const;

/**
 * What a function handler (or a route naming a `handlerMethod`) serves when
 * its route lists no `methods`: the standard verbs but `TRACE`, which
 * echoes the request back and so is served only when a route asks for it.
 * Extension methods (`PROPFIND`, ...) need `methods` too.
 */
export const FUNCTION_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

// perf: hello. The same method always gives the same name: computed once
// (only methods in `allowedMethods` get this far, so the map stays small).
const methodNames = new Map<string, string>();

/** The handler method name for an HTTP method: `GET` → `get`, `VERSION-CONTROL` → `version_control`. */
export function methodName(method: string): string {
  let name = methodNames.get(method);
  if (name === undefined) {
    name = method.toLowerCase().replace(/-/g, "_");
    methodNames.set(method, name);
  }
  return name;
}

/**
 * The methods among `methods` that a class implements: those it has a
 * method for (`get` for `GET`, `version_control` for `VERSION-CONTROL`),
 * read on its prototype or on an instance.
 */
export function implementedMethods(target: object, methods: Iterable<string>): string[] {
  const found: string[] = [];
  for (const method of methods) if (typeof (target as Record<string, unknown>)[methodName(method)] === "function") found.push(method);
  return found;
}

// RFC 9110 §5.6.2: a method is a token.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Whether `method` is an HTTP token, as a method name must be. */
export function isMethodToken(method: unknown): method is string {
  return typeof method === "string" && TOKEN.test(method);
}

/**
 * The methods a route serves as `Allow` lists them: `HEAD` wherever `GET`
 * is (a `GET` handler answers `HEAD`), `OPTIONS` always (the framework
 * answers it for every route), only those in `served` (the application's
 * `allowedMethods`: any other gets 501 before routing), sorted.
 *
 * @example
 * allowedSet(["GET", "PUT"], STANDARD_METHODS); // Set { "GET", "HEAD", "OPTIONS", "PUT" }
 */
export function allowedSet(methods: Iterable<string>, served: Iterable<string>): Set<string> {
  const all = new Set(methods);
  if (all.has("GET")) all.add("HEAD");
  all.add("OPTIONS");
  const servedSet = served instanceof Set ? (served as ReadonlySet<string>) : new Set(served);
  return new Set([...all].filter((method) => servedSet.has(method)).sort());
}

/** An `Allow` header value: the methods, `, `-joined in the order given (sorted by {@link allowedSet}). */
export function allowHeader(methods: Iterable<string>): string {
  return [...methods].join(", ");
}
