/**
 * lib/security/proxy-trust.ts and the trustProxy option: which peers may
 * speak for the client, which hop of a chain is the client, and what
 * request.ip, scheme, host and id make of it, in process and over sockets.
 */
import { isIP } from "node:net";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { Application, HeaderMap, type Request } from "../../lib/index.js";
import { ProxyTrust } from "../../lib/security/proxy-trust.js";
import { fetchResult } from "../support/socket-client.js";

const quiet = { error() {}, info() {} };
const whoami = (request: Request) => ({ ip: request.ip ?? null, scheme: request.scheme, host: request.host, id: request.id });

function trust(list: readonly string[]): ProxyTrust {
  return ProxyTrust.from(list)!;
}

describe("ProxyTrust.from()", () => {
  it("is undefined for false and an empty list, ANY for true", () => {
    expect(ProxyTrust.from(false)).toBeUndefined();
    expect(ProxyTrust.from(undefined)).toBeUndefined();
    expect(ProxyTrust.from([])).toBeUndefined();
    expect(ProxyTrust.from(true)).toBe(ProxyTrust.ANY);
  });

  it("refuses an entry that is not an address or a CIDR range, naming it", () => {
    for (const bad of ["10.0.0.0/33", "fd00::/129", "10.0.0/8", "localhost", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", ""]) {
      expect(() => ProxyTrust.from([bad])).toThrow(`trustProxy: ${JSON.stringify(bad)} is not an IP address or CIDR range (such as "10.0.0.0/8" or "fd00::/8").`);
    }
    expect(() => ProxyTrust.from([42 as never])).toThrow("trustProxy: 42 is not an IP address");
    expect(() => ProxyTrust.from("10.0.0.0/8" as never)).toThrow('trustProxy must be true, false or a list of addresses and CIDR ranges (["10.0.0.0/8"]), not "10.0.0.0/8".');
    expect(() => new Application([], { trustProxy: ["10.0.0.300"] })).toThrow('trustProxy: "10.0.0.300" is not an IP address');
  });
});

describe("proxyTrust.trusts()", () => {
  it("matches IPv4 addresses and ranges, on their bit boundaries", () => {
    const t = trust(["127.0.0.1", "10.0.0.0/8", "192.168.4.0/22", "203.0.113.7/32"]);
    for (const yes of ["127.0.0.1", "10.0.0.0", "10.255.255.255", "192.168.4.0", "192.168.7.255", "203.0.113.7"]) expect(t.trusts(yes), yes).toBe(true);
    for (const no of ["127.0.0.2", "11.0.0.0", "9.255.255.255", "192.168.3.255", "192.168.8.0", "203.0.113.8", "garbage", "", undefined]) expect(t.trusts(no), String(no)).toBe(false);
  });

  it("matches IPv6 addresses and ranges in any spelling, and IPv4-mapped peers against IPv4 entries", () => {
    const t = trust(["::1", "fd00::/8", "2001:db8:abcd:12::/63", "10.0.0.0/8"]);
    for (const yes of ["::1", "0:0:0:0:0:0:0:1", "fd12:3456::1", "FDFF:FFFF::", "2001:db8:abcd:12::9", "2001:db8:abcd:13:ffff::", "::ffff:10.9.8.7", "::FFFF:0a09:0807", "fd00::1%eth0"]) {
      expect(t.trusts(yes), yes).toBe(true);
    }
    for (const no of ["::2", "fc00::1", "fe00::1", "2001:db8:abcd:14::", "::ffff:11.0.0.1", "11.0.0.1", "::10.0.0.1"]) expect(t.trusts(no), no).toBe(false);
  });

  it("a /0 range trusts every address of its family only", () => {
    expect(trust(["0.0.0.0/0"]).trusts("203.0.113.1")).toBe(true);
    expect(trust(["0.0.0.0/0"]).trusts("2001:db8::1")).toBe(false);
    expect(trust(["::/0"]).trusts("2001:db8::1")).toBe(true);
  });

  it("ANY trusts any peer, even a request made in process", () => {
    expect(ProxyTrust.ANY.trusts("203.0.113.1")).toBe(true);
    expect(ProxyTrust.ANY.trusts(undefined)).toBe(true);
  });
});

describe("proxyTrust.forwarded()", () => {
  const headers = (init: Record<string, string>) => new HeaderMap(init);

  it("walks X-Forwarded-For from the right past trusted hops; the first untrusted one is the client", () => {
    const t = trust(["10.0.0.0/8"]);
    expect(t.forwarded(headers({ "x-forwarded-for": "6.6.6.6, 203.0.113.9, 10.0.0.7, 10.0.0.8" })).ip).toBe("203.0.113.9");
    expect(t.forwarded(headers({ "x-forwarded-for": "203.0.113.9" })).ip).toBe("203.0.113.9");
    // Every hop trusted: the leftmost is as far as the chain goes.
    expect(t.forwarded(headers({ "x-forwarded-for": "10.1.1.1, 10.2.2.2" })).ip).toBe("10.1.1.1");
    // Hops written with a port or in brackets are still recognised.
    expect(t.forwarded(headers({ "x-forwarded-for": "203.0.113.9, 10.0.0.7:5123" })).ip).toBe("203.0.113.9");
  });

  it("with trustProxy: true, takes the last X-Forwarded-For entry (one hop), as before", () => {
    expect(ProxyTrust.ANY.forwarded(headers({ "x-forwarded-for": "6.6.6.6, 10.0.0.7" })).ip).toBe("10.0.0.7");
  });

  it("takes X-Forwarded-Proto and -Host from their first entry", () => {
    expect(trust(["10.0.0.1"]).forwarded(headers({ "x-forwarded-proto": "HTTPS, http", "x-forwarded-host": "shop.example, inner" }))).toEqual({
      scheme: "https",
      host: "shop.example",
    });
  });

  it("reads Forwarded when X-Forwarded-* is absent: the client's hop gives ip, proto and host", () => {
    const t = trust(["10.0.0.0/8"]);
    const forwarded = 'for=6.6.6.6;proto=http;host=evil, for="[2001:db8::9]:443";proto=https;host=shop.example, for=10.0.0.7;proto=http;host=inner';
    expect(t.forwarded(headers({ forwarded }))).toEqual({ ip: "2001:db8::9", scheme: "https", host: "shop.example" });
    expect(ProxyTrust.ANY.forwarded(headers({ forwarded }))).toEqual({ ip: "10.0.0.7", scheme: "http", host: "inner" });
  });

  it("prefers X-Forwarded-* field by field, and Forwarded fills the rest", () => {
    const t = trust(["10.0.0.0/8"]);
    expect(t.forwarded(headers({ "x-forwarded-for": "203.0.113.9", forwarded: "for=6.6.6.6;proto=https;host=shop.example" }))).toEqual({
      ip: "203.0.113.9",
      scheme: "https",
      host: "shop.example",
    });
  });
});

describe("request.ip, scheme, host and id with a trustProxy list (app.getResponse)", () => {
  const headers = { "x-forwarded-for": "6.6.6.6, 203.0.113.9, 10.0.0.7", "x-forwarded-proto": "https", "x-forwarded-host": "shop.example", "x-request-id": "lb-1" };
  const app = new Application([["/", whoami]], { trustProxy: ["10.0.0.0/8"], logger: quiet });

  it("come from the forwarded headers when the peer is a listed proxy", async () => {
    const res = await app.getResponse("/", { headers, remoteAddress: "10.0.0.2" });
    expect(await res.json()).toEqual({ ip: "203.0.113.9", scheme: "https", host: "shop.example", id: "lb-1" });
  });

  it("are the peer's own when it is not listed, whatever it sends", async () => {
    const res = await app.getResponse("/", { headers, remoteAddress: "203.0.113.50" });
    const body = (await res.json()) as { id: string };
    expect(body).toMatchObject({ ip: "203.0.113.50", scheme: "http", host: "localhost" });
    expect(body.id).not.toBe("lb-1");
  });

  it("are the request's own when there is no peer at all (in process) and the trust is a list", async () => {
    const body = await (await app.getResponse("/", { headers })).json();
    expect(body).toMatchObject({ ip: null, scheme: "http", host: "localhost" });
  });
});

describe("trustProxy over a real socket (the peer is 127.0.0.1)", () => {
  let app: Application | undefined;
  afterEach(async () => {
    await app?.close({ timeout: 100 });
    app = undefined;
  });
  const headers = { "x-forwarded-for": "6.6.6.6, 203.0.113.9", forwarded: "for=198.51.100.1;proto=https;host=shop.example", "x-request-id": "lb-2" };

  for (const [option, expected] of [
    [["127.0.0.1"], { ip: "203.0.113.9", scheme: "https", host: "shop.example", id: "lb-2" }],
    [["127.0.0.0/8", "::1"], { ip: "203.0.113.9", scheme: "https", host: "shop.example", id: "lb-2" }],
    [true, { ip: "203.0.113.9", scheme: "https", host: "shop.example", id: "lb-2" }],
  ] as const) {
    it(`trustProxy: ${JSON.stringify(option)} believes the loopback peer`, async () => {
      app = new Application([["/", whoami]], { trustProxy: option, logger: quiet });
      await app.listen(0, "127.0.0.1");
      const res = await fetchResult(`http://127.0.0.1:${app.address!.port}/`, { headers });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual(expected);
    });
  }

  for (const option of [["10.0.0.0/8", "fd00::/8"], false] as const) {
    it(`trustProxy: ${JSON.stringify(option)} ignores what the loopback peer says`, async () => {
      app = new Application([["/", whoami]], { trustProxy: option, logger: quiet });
      await app.listen(0, "127.0.0.1");
      const port = app.address!.port;
      const res = await fetchResult(`http://127.0.0.1:${port}/`, { headers });
      const body = JSON.parse(res.body);
      expect(body).toMatchObject({ ip: "127.0.0.1", scheme: "http", host: `127.0.0.1:${port}` });
      expect(body.id).not.toBe("lb-2");
    });
  }
});

describe("the address parser behind ProxyTrust", () => {
  // Addresses, near-addresses and junk: accepted exactly when net.isIP accepts them.
  const candidate = fc.oneof(
    fc.ipV4(),
    fc.ipV6(),
    fc.ipV4Extended(),
    fc.stringMatching(/^[0-9a-fA-F:.]{0,45}$/),
    fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 40 }), fc.constantFrom("", ":", "::", ".", "0", "g", ":0", "1.2.3.4")).map(([ip, at, extra]) => ip.slice(0, at) + extra + ip.slice(at)),
  );

  it("accepts exactly the addresses net.isIP accepts", () => {
    fc.assert(
      fc.property(candidate, (text) => {
        let accepted = true;
        try {
          ProxyTrust.from([text]);
        } catch {
          accepted = false;
        }
        expect(accepted, text).toBe(isIP(text) !== 0);
      }),
      { numRuns: 5_000 },
    );
  });

  it("an address trusts itself and its /prefix network, in any spelling", () => {
    fc.assert(
      fc.property(fc.ipV6(), fc.integer({ min: 0, max: 128 }), (ip, bits) => {
        expect(trust([ip]).trusts(ip)).toBe(true);
        expect(trust([`${ip}/${bits}`]).trusts(ip)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });
});
