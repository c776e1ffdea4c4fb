/**
 * Host templates: the `host` option of a route (and `DomainRoute`), in the
 * template syntax of paths with `.` as the separator, compiled once.
 */
import { pathToRegexp, type Key } from "path-to-regexp";
import { assertSafeRegExp } from "../security/redos.js";

/**
 * A compiled host template: `":sub.example.com"` matches `api.example.com`
 * with `{ sub: "api" }`; `"*labels.example.com"` matches any depth below
 * it, the labels as an array as a path splat's segments are. Literal text
 * matches case-insensitively; the port and a final `.` of the host are
 * ignored.
 *
 * @example
 * new HostPattern(":tenant.example.com").match("acme.example.com"); // { tenant: "acme" }
 */
export class HostPattern {
  /** The template as given. */
  readonly template: string;
  /** The names of its variables, in order. */
  readonly names: readonly string[];
  readonly #regexp: RegExp;
  readonly #keys: readonly Key[];

  constructor(template: string) {
    if (template === "" || /[/\s]/.test(template)) throw new TypeError(`A host template is a host name such as ":sub.example.com", not ${JSON.stringify(template)}.`);
    const { regexp, keys } = pathToRegexp(template, { delimiter: ".", sensitive: false, trailing: false });
    assertSafeRegExp(regexp, `host ${template}`);
    this.template = template;
    this.#regexp = regexp;
    this.#keys = keys;
    this.names = keys.map((key) => key.name);
  }

  /**
   * Match a host name (lower case, without its port, as `request.hostname`
   * gives it) and copy its variables into `into`. Returns whether it
   * matched; on a mismatch `into` is left alone.
   */
  matchInto(hostname: string, into: Record<string, unknown>): boolean {
    const host = hostname.endsWith(".") ? hostname.slice(0, -1) : hostname;
    const m = this.#regexp.exec(host);
    if (m === null) return false;
    for (let i = 1; i < m.length; i++) {
      const value = m[i];
      if (value === undefined) continue;
      const key = this.#keys[i - 1]!;
      into[key.name] = key.type === "wildcard" ? value.split(".") : value;
    }
    return true;
  }

  /** The variables of a host name, or `null` when it does not match. */
  match(hostname: string): Record<string, string | string[]> | null {
    const into: Record<string, string | string[]> = {};
    return this.matchInto(hostname, into) ? into : null;
  }
}
