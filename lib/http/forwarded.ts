/**
 * The RFC 7239 `Forwarded` header as data: one element per proxy hop, each
 * saying whom the proxy heard from (`for`), how (`proto`) and for which host
 * (`host`). Trust is decided elsewhere (`security/proxy-trust.ts`).
 */

/** One hop of a `Forwarded` header, with its node's brackets and port removed from `for`. */
export interface ForwardedElement {
  /** The address the proxy received the request from (`192.0.2.60`, `2001:db8::17`, `unknown`, `_hidden`). */
  for?: string;
  /** The scheme the proxy received it over, lower case. */
  proto?: string;
  /** The `Host` the proxy received. */
  host?: string;
}

/**
 * Parse a `Forwarded` header into its elements, first hop first. Parameters
 * other than `for`, `proto` and `host` are skipped (an element with none of
 * them too), quoted values are unescaped, and a malformed pair is skipped
 * rather than refused: the header only counts behind a trusted proxy, which
 * writes it well.
 *
 * @example
 * parseForwarded('for=192.0.2.60;proto=https, for="[2001:db8::17]:4711"');
 * // [{ for: "192.0.2.60", proto: "https" }, { for: "2001:db8::17" }]
 */
export function parseForwarded(header: string): ForwardedElement[] {
  const elements: ForwardedElement[] = [];
  let element: ForwardedElement = {};
  let i = 0;
  const n = header.length;
  while (i < n) {
    // One pair: token "=" (token / quoted-string), up to ";" or ",".
    while (i < n && (header[i] === " " || header[i] === "\t")) i++;
    const nameStart = i;
    while (i < n && header[i] !== "=" && header[i] !== ";" && header[i] !== ",") i++;
    const name = header.slice(nameStart, i).trim().toLowerCase();
    let value: string | undefined;
    if (header[i] === "=") {
      i++;
      while (i < n && (header[i] === " " || header[i] === "\t")) i++;
      if (header[i] === '"') {
        let text = "";
        i++;
        while (i < n && header[i] !== '"') {
          if (header[i] === "\\" && i + 1 < n) i++;
          text += header[i];
          i++;
        }
        i++; // the closing quote
        value = text;
        while (i < n && header[i] !== ";" && header[i] !== ",") i++;
      } else {
        const start = i;
        while (i < n && header[i] !== ";" && header[i] !== ",") i++;
        value = header.slice(start, i).trim();
      }
    }
    if (value !== undefined && value !== "") {
      if (name === "for") element.for = stripNode(value);
      else if (name === "proto") element.proto = value.toLowerCase();
      else if (name === "host") element.host = value;
    }
    if (header[i] === "," || i >= n) {
      // An empty element (`a, , b`) is list syntax, not a hop.
      if (element.for !== undefined || element.proto !== undefined || element.host !== undefined) elements.push(element);
      element = {};
    }
    i++;
  }
  return elements;
}

/**
 * A node as an address: `[2001:db8::1]:80` → `2001:db8::1`,
 * `192.0.2.1:8080` → `192.0.2.1`; anything else (an IPv6 address without
 * brackets, `unknown`, an obfuscated `_name`) unchanged.
 *
 * @example
 * stripNode("[::1]:4711"); // "::1"
 */
export function stripNode(node: string): string {
  if (node.startsWith("[")) {
    const close = node.indexOf("]");
    return close === -1 ? node : node.slice(1, close);
  }
  const colon = node.indexOf(":");
  // One colon is host:port; more is a bare IPv6 address.
  return colon !== -1 && node.indexOf(":", colon + 1) === -1 ? node.slice(0, colon) : node;
}
