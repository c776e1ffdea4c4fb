/**
 * `Vary`: add a request header to the list a response varies on, once,
 * keeping what is there (as the `vary` package does).
 */
import type { HeaderMap } from "../http/header-map.js";

/**
 * Add `field` to the response's `Vary` unless it is already listed (names
 * compared without case) or `Vary` is `*`, which already covers it.
 *
 * @example
 * vary(response.headers, "Origin"); // Vary: Accept-Encoding, Origin
 */
export function vary(headers: HeaderMap, field: string): void {
  const current = headers.get("vary");
  if (current === undefined || current.trim() === "") {
    headers.set("vary", field);
    return;
  }
  const wanted = field.toLowerCase();
  for (const part of current.split(",")) {
    const name = part.trim().toLowerCase();
    if (name === "*" || name === wanted) return;
  }
  headers.set("vary", `${current}, ${field}`);
}
