/**
 * lib/security/host-guard.ts: which hosts a request may name.
 */
import { describe, expect, it } from "vitest";
import { BadRequest, Request } from "../../lib/index.js";
import { guardHost, HostList, hostName, isValidHost } from "../../lib/security/host-guard.js";

describe("isValidHost()", () => {
  const valid = ["example.com", "example.com:8080", "EXAMPLE.com", "a", "127.0.0.1", "127.0.0.1:0", "[::1]", "[::1]:65535", "[2001:db8::1]", "[::ffff:1.2.3.4]:80", "under_score", "tilde~", "trailing.dot."];
  const invalid = ["", " ", "a b", "good.example@evil.example", "evil.example/x", "evil.example?", "evil.example#", "x:", "x:65536", "x:99999", "x:123456", "x:-1", "x:+1", ":80", "[::1", "[]", "[zz::1]", "[::1]x", "a:1:2", "é", "a,b", "a;b", "a%2eb", "a\tb", "a\r\nb"];
  for (const host of valid) it(`accepts ${JSON.stringify(host)}`, () => expect(isValidHost(host)).toBe(true));
  for (const host of invalid) it(`refuses ${JSON.stringify(host)}`, () => expect(isValidHost(host)).toBe(false));
});

describe("hostName()", () => {
  it("drops the port and a trailing dot, and lower-cases", () => {
    expect(["Example.COM:8080", "example.com.", "[::1]:80", "[::1]", "a:b:c"].map(hostName)).toEqual(["example.com", "example.com", "[::1]", "[::1]", "a:b:c"]);
  });
});

describe("HostList", () => {
  it("matches names exactly (any port, any case, a trailing dot), and subdomains for a leading dot", () => {
    const hosts = new HostList(["good.example", ".example.org"], "allowedHosts");
    expect(["good.example", "GOOD.example:443", "good.example.", "example.org", "a.b.example.org"].map((h) => hosts.has(h))).toEqual([true, true, true, true, true]);
    expect(["evil.example", "xgood.example", "good.example.evil", "notexample.org", "example.org.evil", ""].map((h) => hosts.has(h))).toEqual([false, false, false, false, false, false]);
  });

  it("takes * for any host, and keeps its entries", () => {
    const any = new HostList(["*"]);
    expect(any.has("anything.example")).toBe(true);
    expect(any.entries).toEqual(["*"]);
  });

  it("refuses entries with a scheme, a port, a path, or no name, naming the option", () => {
    for (const entry of ["https://a.example", "a.example:80", "a/b", "", ".", "a b"]) {
      expect(() => new HostList([entry], "redirectHosts"), entry).toThrow(/^redirectHosts: .* is not a host name/);
    }
    expect(() => new HostList([3 as unknown as string], "allowedHosts")).toThrow("allowedHosts holds host names, not number.");
  });
});

describe("guardHost()", () => {
  const blank = (host: string) => Request.blank("/", { headers: { host } });

  it("refuses an invalid host with a BadRequest, also right after a valid one", () => {
    expect(() => guardHost(blank("good.example"), undefined)).not.toThrow();
    for (const host of ["", "a b", "good.example@evil.example"]) expect(() => guardHost(blank(host), undefined)).toThrow(BadRequest);
    expect(() => guardHost(blank("good.example"), undefined)).not.toThrow();
  });

  it("refuses a host outside the list, also right after one on it", () => {
    const hosts = new HostList(["good.example"]);
    expect(() => guardHost(blank("good.example"), hosts)).not.toThrow();
    expect(() => guardHost(blank("evil.example"), hosts)).toThrow("The Host header names a host this application does not serve (see the allowedHosts option).");
    expect(() => guardHost(blank("good.example:81"), hosts)).not.toThrow();
  });
});
