/**
 * Proxy trust: which socket peers may tell the application who the client
 * is (`X-Forwarded-For/Proto/Host`, RFC 7239 `Forwarded`, `X-Request-Id`),
 * and, for a chain of proxies, which hop is the client.
 */
import { parseForwarded, stripNode, type ForwardedElement } from "../http/forwarded.js";
import type { HeaderMap } from "../http/header-map.js";

/**
 * The `trustProxy` option: `true` trusts whatever peer connects (one hop:
 * the last `X-Forwarded-For` entry is the client), `false` trusts none, and
 * a list trusts the peers it names, as addresses or CIDR ranges, IPv4 or
 * IPv6 (`["10.0.0.0/8", "fd00::/8", "127.0.0.1"]`), and skips the hops it
 * names when it walks a chain of proxies.
 */
export type TrustProxyOption = boolean | readonly string[];

/** What a trusted proxy said about the request: each field only when it said so. */
export interface ForwardedRequest {
  /** The client's address. */
  ip?: string;
  /** The scheme the client used, lower case. */
  scheme?: string;
  /** The host (and port) the client asked for. */
  host?: string;
}

/**
 * A resolved `trustProxy` option: made once per application (it is part of
 * `Settings`), asked per request only when the request reads `ip`, `scheme`,
 * `host` or `id`.
 *
 * @example
 * const trust = ProxyTrust.from(["10.0.0.0/8"])!;
 * trust.trusts("10.1.2.3");  // true
 * trust.trusts("::ffff:10.1.2.3");  // true: an IPv4-mapped IPv6 peer
 */
export class ProxyTrust {
  /** `trustProxy: true`: any peer, one hop. */
  static readonly ANY = new ProxyTrust(true, new Set(), [], []);

  readonly #any: boolean;
  readonly #exact: ReadonlySet<string>;
  readonly #v4: readonly (readonly [net: number, mask: number])[];
  readonly #v6: readonly (readonly [net: readonly number[], bits: number])[];

  private constructor(any: boolean, exact: Set<string>, v4: [number, number][], v6: [number[], number][]) {
    this.#any = any;
    this.#exact = exact;
    this.#v4 = v4;
    this.#v6 = v6;
  }

  /**
   * Resolve the `trustProxy` option: `undefined` for `false` (or an empty
   * list), {@link ProxyTrust.ANY} for `true`. An entry that is not an address
   * or a CIDR range is a `TypeError` saying which.
   */
  static from(option: TrustProxyOption | undefined): ProxyTrust | undefined {
    if (option === undefined || option === false) return undefined;
    if (option === true) return ProxyTrust.ANY;
    if (!Array.isArray(option)) {
      throw new TypeError(`trustProxy must be true, false or a list of addresses and CIDR ranges (["10.0.0.0/8"]), not ${JSON.stringify(option)}.`);
    }
    const exact = new Set<string>();
    const v4: [number, number][] = [];
    const v6: [number[], number][] = [];
    for (const entry of option as readonly unknown[]) {
      const text = typeof entry === "string" ? entry.trim() : "";
      const slash = text.indexOf("/");
      const address = slash === -1 ? text : text.slice(0, slash);
      const prefix = slash === -1 ? undefined : text.slice(slash + 1);
      const parsed = parseIp(address);
      const max = parsed?.length === 2 ? 32 : 128;
      const bits = prefix === undefined ? max : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
      if (parsed === undefined || !(bits >= 0 && bits <= max)) {
        throw new TypeError(`trustProxy: ${JSON.stringify(entry)} is not an IP address or CIDR range (such as "10.0.0.0/8" or "fd00::/8").`);
      }
      if (prefix === undefined) exact.add(address.toLowerCase());
      // perf: the IPv4-mapped spelling of a dual-stack socket's peers is one Set lookup too.
      if (prefix === undefined && parsed.length === 2 && address.indexOf(":") === -1) exact.add(`::ffff:${address}`);
      if (parsed.length === 2) v4.push([ipv4Number(parsed) & mask(bits), mask(bits)]);
      else v6.push([parsed, bits]);
    }
    return exact.size + v4.length + v6.length === 0 ? undefined : new ProxyTrust(false, exact, v4, v6);
  }

  /** Whether `address` (a peer or a hop) is a trusted proxy. `true` trusts any peer, even none (a request made in process). */
  trusts(address: string | undefined): boolean {
    if (this.#any) return true;
    if (address === undefined) return false;
    // perf: a listed address (the usual `["127.0.0.1"]`) is one Set lookup.
    if (this.#exact.has(address)) return true;
    const parsed = parseIp(address);
    if (parsed === undefined) return false;
    if (parsed.length === 2) {
      const value = ipv4Number(parsed);
      for (const [net, m] of this.#v4) if ((value & m) === net) return true;
      return false;
    }
    for (const [net, bits] of this.#v6) if (inPrefix(parsed, net, bits)) return true;
    return false;
  }

  /**
   * Who the client is, by the forwarded headers of a request whose peer is
   * trusted. `X-Forwarded-*` (what HAProxy, nginx and cloud balancers send)
   * come first, `Forwarded` fills what they leave out. The client is the
   * first hop from the right that is not a trusted proxy (with `true`: the
   * last hop, the one the peer added), never an entry a client could have
   * written in front of it.
   */
  forwarded(headers: HeaderMap): ForwardedRequest {
    const result: ForwardedRequest = {};
    const xff = headers.get("x-forwarded-for");
    if (xff) result.ip = this.#client(xff.split(","), trimmed, hopAddress);
    const proto = headers.get("x-forwarded-proto");
    if (proto) result.scheme = firstEntry(proto).toLowerCase();
    const host = headers.get("x-forwarded-host");
    if (host) result.host = firstEntry(host);
    if (result.ip === undefined || result.scheme === undefined || result.host === undefined) {
      const header = headers.get("forwarded");
      const elements = header ? parseForwarded(header) : [];
      if (elements.length > 0) {
        // The element the client's own hop wrote carries its proto and host.
        const hop = this.#client(elements, same, elementAddress);
        result.ip ??= hop.for;
        result.scheme ??= hop.proto;
        result.host ??= hop.host;
      }
    }
    return result;
  }

  // The hop of a non-empty chain that is the client: from the right, the
  // first one that is not a trusted proxy, else the leftmost.
  #client<T, R>(hops: readonly T[], value: (hop: T) => R, address: (hop: T) => string): R {
    let i = hops.length - 1;
    if (!this.#any) while (i > 0 && this.trusts(address(hops[i]!))) i--;
    return value(hops[i]!);
  }
}

// The readers of #client(), made once rather than per request.
const trimmed = (hop: string): string => hop.trim();
const hopAddress = (hop: string): string => stripNode(hop.trim());
const same = <T>(value: T): T => value;
const elementAddress = (element: ForwardedElement): string => element.for ?? "";

function firstEntry(list: string): string {
  const comma = list.indexOf(",");
  return (comma === -1 ? list : list.slice(0, comma)).trim();
}

/**
 * An address as numbers: 2 16-bit halves for IPv4 (IPv4-mapped IPv6
 * included), 8 groups for IPv6; a zone (`%eth0`) is ignored. `undefined`
 * when it is not an address (leading zeros in IPv4 included, as `net.isIP`
 * has it).
 */
// perf: parsed by hand in one pass; net.isIP's IPv6 pattern and BlockList cost microseconds per hop.
function parseIp(text: string): number[] | undefined {
  const zone = text.indexOf("%");
  const address = zone === -1 ? text : text.slice(0, zone);
  if (address.indexOf(":") === -1) return parseIpv4(address);
  const groups = parseIpv6(address);
  // ::ffff:a.b.c.d, the form of IPv4 peers on a dual-stack socket.
  if (groups !== undefined && groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff) {
    return [groups[6]!, groups[7]!];
  }
  return groups;
}

// Dotted decimal, four parts of 0 to 255 without leading zeros, read in one pass.
function parseIpv4(address: string): number[] | undefined {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < address.length; i++) {
    const c = address.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || dots === 3) return undefined;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && part === 0) return undefined;
      part = part * 10 + (c - 0x30);
      digits++;
      if (part > 255) return undefined;
    } else {
      return undefined;
    }
  }
  if (dots !== 3 || digits === 0) return undefined;
  value = value * 256 + part;
  return [Math.floor(value / 0x10000), value % 0x10000];
}

// 8 groups, with `::` expanded and a trailing dotted IPv4 read as the last
// two, in one pass.
function parseIpv6(address: string): number[] | undefined {
  const n = address.length;
  const groups: number[] = [];
  let gap = -1; // where `::` stands among the groups
  let i = 0;
  if (address.charCodeAt(0) === 0x3a) {
    if (address.charCodeAt(1) !== 0x3a) return undefined;
    gap = 0;
    i = 2;
  }
  while (i < n) {
    const start = i;
    let value = 0;
    let digits = 0;
    for (; i < n; i++) {
      const h = hexValue(address.charCodeAt(i));
      if (h === -1) break;
      if (++digits > 4) return undefined;
      value = value * 16 + h;
    }
    if (address.charCodeAt(i) === 0x2e) {
      // a.b.c.d ends the address: the last 32 bits.
      const v4 = parseIpv4(address.slice(start));
      if (v4 === undefined) return undefined;
      groups.push(v4[0]!, v4[1]!);
      break;
    }
    if (digits === 0) return undefined;
    groups.push(value);
    if (i === n) break;
    if (address.charCodeAt(i) !== 0x3a || i + 1 === n) return undefined;
    i++;
    if (address.charCodeAt(i) === 0x3a) {
      if (gap !== -1) return undefined;
      gap = groups.length;
      i++;
    }
  }
  if (gap === -1) return groups.length === 8 ? groups : undefined;
  if (groups.length > 7) return undefined;
  groups.splice(gap, 0, ...new Array<number>(8 - groups.length).fill(0));
  return groups;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

function ipv4Number(halves: readonly number[]): number {
  return ((halves[0]! << 16) | halves[1]!) >>> 0;
}

function mask(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

function inPrefix(address: readonly number[], net: readonly number[], bits: number): boolean {
  for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
    const m = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if ((address[i]! & m) !== (net[i]! & m)) return false;
  }
  return true;
}
