/**
 * lib/server/cluster.ts helpers. The primary itself runs as real
 * processes in spec/e2e/server-cluster.spec.ts.
 */
import { describe, expect, it } from "vitest";
import { formatAddress, restartBackoff } from "../../lib/server/cluster.js";

describe("restartBackoff()", () => {
  it("doubles with each crash in a row, up to the maximum", () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => restartBackoff(n, 100, 1_000))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(restartBackoff(0, 100, 1_000)).toBe(100);
  });
});

describe("formatAddress()", () => {
  it("prints a URL for the startup line", () => {
    expect(formatAddress({ address: "127.0.0.1", port: 8080 })).toBe("http://127.0.0.1:8080/");
    expect(formatAddress({ address: "::1", port: 443 }, true)).toBe("https://[::1]:443/");
    expect(formatAddress({ address: "::", port: 3000 })).toBe("http://localhost:3000/");
    expect(formatAddress({ address: "0.0.0.0", port: 3000 })).toBe("http://localhost:3000/");
    expect(formatAddress({ address: null, port: 3000 })).toBe("http://localhost:3000/");
  });
});
