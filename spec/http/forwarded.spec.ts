/**
 * lib/http/forwarded.ts: the RFC 7239 Forwarded header as a list of hops.
 */
import { describe, expect, it } from "vitest";
import { parseForwarded, stripNode } from "../../lib/http/forwarded.js";

describe("parseForwarded()", () => {
  it("reads for, proto and host of each element, first hop first (RFC 7239's examples)", () => {
    expect(parseForwarded('for="_gazonk"')).toEqual([{ for: "_gazonk" }]);
    expect(parseForwarded('For="[2001:db8:cafe::17]:4711"')).toEqual([{ for: "2001:db8:cafe::17" }]);
    expect(parseForwarded("for=192.0.2.60;proto=http;by=203.0.113.43")).toEqual([{ for: "192.0.2.60", proto: "http" }]);
    expect(parseForwarded("for=192.0.2.43, for=198.51.100.17")).toEqual([{ for: "192.0.2.43" }, { for: "198.51.100.17" }]);
    expect(parseForwarded('for=192.0.2.43;host="shop.example:8443";proto=HTTPS, for=unknown')).toEqual([
      { for: "192.0.2.43", host: "shop.example:8443", proto: "https" },
      { for: "unknown" },
    ]);
  });

  it("keeps commas and semicolons inside quoted values, and unescapes them", () => {
    expect(parseForwarded('host="a,b;c", for="x\\"y"')).toEqual([{ host: "a,b;c" }, { for: 'x"y' }]);
  });

  it("skips malformed pairs, empty elements and unknown parameters instead of failing", () => {
    expect(parseForwarded("for, =x;;proto=https,,  ,by=1.2.3.4, for=10.0.0.1")).toEqual([{ proto: "https" }, { for: "10.0.0.1" }]);
    expect(parseForwarded("")).toEqual([]);
    expect(parseForwarded('for="unterminated')).toEqual([{ for: "unterminated" }]);
  });
});

describe("stripNode()", () => {
  it("removes brackets and ports, and leaves bare IPv6 and obfuscated nodes alone", () => {
    expect(stripNode("[::1]:4711")).toBe("::1");
    expect(stripNode("[2001:db8::1]")).toBe("2001:db8::1");
    expect(stripNode("192.0.2.1:8080")).toBe("192.0.2.1");
    expect(stripNode("2001:db8::1")).toBe("2001:db8::1");
    expect(stripNode("_hidden")).toBe("_hidden");
  });
});
