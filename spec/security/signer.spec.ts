/** Signed values: HMAC-SHA256 over purpose, name, value and issue time, under rotating keys. */
import { describe, expect, it } from "vitest";
import { checkSecrets, Signer } from "../../lib/security/signer.js";

const KEY = "k".repeat(32);
const OLD = "o".repeat(32);
const NOW = Date.UTC(2025, 0, 1);

describe("Signer", () => {
  const signer = new Signer([KEY]);

  it("reads back exactly what it signed, with the issue time", () => {
    const signed = signer.sign("cookie", "theme", "dark; ünïcode", undefined, NOW);
    expect(signed).toMatch(/^[A-Za-z0-9_-]+\.[0-9a-z]+\.\.[A-Za-z0-9_-]{43}$/);
    expect(signer.unsign("cookie", "theme", signed, undefined, NOW + 1000)).toEqual({ value: "dark; ünïcode", issuedAt: NOW / 1000 });
  });

  it("refuses a changed value, name, purpose, issue time or signature", () => {
    const signed = signer.sign("cookie", "theme", "dark", 60, NOW);
    const [payload, issued, life, mac] = signed.split(".") as [string, string, string, string];
    const forged = [
      `${Buffer.from("light").toString("base64url")}.${issued}.${life}.${mac}`,
      `${payload}.${(parseInt(issued, 36) + 1).toString(36)}.${life}.${mac}`,
      `${payload}.${issued}.${(1e6).toString(36)}.${mac}`,
      `${payload}.${issued}.${life}.${mac.slice(0, -1)}${mac.endsWith("A") ? "B" : "A"}`,
    ];
    for (const value of forged) expect(signer.unsign("cookie", "theme", value, undefined, NOW)).toBeUndefined();
    expect(signer.unsign("cookie", "colour", signed, undefined, NOW)).toBeUndefined();
    expect(signer.unsign("session", "theme", signed, undefined, NOW)).toBeUndefined();
    expect(signer.unsign("cookie", "theme", signed, undefined, NOW)?.value).toBe("dark");
  });

  it("refuses truncated values, trailing garbage after a valid signature, and oversized ones", () => {
    const signed = signer.sign("cookie", "a", "b", undefined, NOW);
    for (const value of [signed.slice(0, -1), signed.slice(0, -43), `${signed}x`, `${signed}.`, `${signed}==`, "", ".", "a.b.c.d", signed.split(".").slice(1).join(".")]) {
      expect(signer.unsign("cookie", "a", value, undefined, NOW)).toBeUndefined();
    }
    const big = signer.sign("cookie", "a", "x".repeat(4000), undefined, NOW);
    expect(big.length).toBeGreaterThan(4096);
    expect(signer.unsign("cookie", "a", big, undefined, NOW)).toBeUndefined();
  });

  it("expires after the lifetime it was signed with, and after the reader's maxAge", () => {
    const signed = signer.sign("cookie", "a", "b", 60, NOW);
    expect(signer.unsign("cookie", "a", signed, undefined, NOW + 60_000)?.value).toBe("b");
    expect(signer.unsign("cookie", "a", signed, undefined, NOW + 61_000)).toBeUndefined();
    expect(signer.unsign("cookie", "a", signed, 10, NOW + 10_000)?.value).toBe("b");
    expect(signer.unsign("cookie", "a", signed, 10, NOW + 11_000)).toBeUndefined();
  });

  it("signs with the first key and accepts the older ones behind it", () => {
    const before = new Signer([OLD]).sign("cookie", "a", "b", undefined, NOW);
    const rotated = new Signer([KEY, OLD]);
    expect(rotated.unsign("cookie", "a", before, undefined, NOW)?.value).toBe("b");
    const after = rotated.sign("cookie", "a", "b", undefined, NOW);
    expect(signer.unsign("cookie", "a", after, undefined, NOW)?.value).toBe("b");
    expect(new Signer([OLD]).unsign("cookie", "a", after, undefined, NOW)).toBeUndefined();
    expect(signer.unsign("cookie", "a", before, undefined, NOW)).toBeUndefined();
  });
});

describe("checkSecrets", () => {
  it("refuses short, missing and non-string secrets, saying how to make one", () => {
    const howTo = `node -e "console.log(crypto.randomBytes(32).toString('base64url'))"`;
    expect(() => checkSecrets(["short"])).toThrow(new TypeError(`secrets[0] is 5 bytes, under the 32 a signing key needs to resist guessing; make one with: ${howTo}`));
    expect(() => checkSecrets([KEY, "x".repeat(31)])).toThrow("secrets[1] is 31 bytes");
    expect(() => checkSecrets([])).toThrow("The secrets option is a non-empty list of strings");
    expect(() => checkSecrets(KEY)).toThrow("The secrets option is a non-empty list of strings");
    expect(() => checkSecrets([42])).toThrow("secrets[0] is number, not a string");
    expect(checkSecrets([KEY, OLD])).toEqual([KEY, OLD]);
  });
});
