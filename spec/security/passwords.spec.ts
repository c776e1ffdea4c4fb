/** Password hashing on scrypt: self-describing hashes, constant-time checks, upgrades. */
import { describe, expect, it } from "vitest";
import { hashPassword, needsRehash, verifyPassword } from "../../lib/index.js";

// Small parameters keep the suite fast; one spec runs the defaults.
const FAST = { N: 1024, r: 8, p: 1 };

describe("hashPassword", () => {
  it("writes scrypt$N$r$p$salt$hash with the default parameters, a new salt each time", async () => {
    const a = await hashPassword("correct horse");
    expect(a).toMatch(/^scrypt\$32768\$8\$3\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    const b = await hashPassword("correct horse", FAST);
    const c = await hashPassword("correct horse", FAST);
    expect(b).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(b).not.toBe(c);
    expect(await verifyPassword("correct horse", a)).toBe(true);
  });

  it("refuses parameters scrypt cannot take or that would take too much memory", async () => {
    await expect(hashPassword("x", { N: 1000 })).rejects.toThrow(RangeError);
    await expect(hashPassword("x", { N: 2 ** 20, r: 8 })).rejects.toThrow("128·N·r at most 256 MiB");
    await expect(hashPassword(42 as never, FAST)).rejects.toThrow(new TypeError("A password is a string, not number."));
  });
});

describe("verifyPassword", () => {
  it("accepts the password and nothing else", async () => {
    const hash = await hashPassword("s3cret!", FAST);
    expect(await verifyPassword("s3cret!", hash)).toBe(true);
    for (const wrong of ["s3cret", "s3cret!!", "S3cret!", "", " s3cret!"]) expect(await verifyPassword(wrong, hash)).toBe(false);
  });

  it("normalizes to NFKC, so composed and decomposed forms match", async () => {
    const hash = await hashPassword("caf\u00e9", FAST);
    expect(await verifyPassword("cafe\u0301", hash)).toBe(true);
  });

  it("reads the parameters from the hash, so older hashes still verify", async () => {
    const old = await hashPassword("pw", { N: 512, r: 4, p: 2 });
    expect(await verifyPassword("pw", old)).toBe(true);
    expect(await verifyPassword("nope", old)).toBe(false);
  });

  it("answers false for what is not one of its hashes, never a crash", async () => {
    const good = await hashPassword("pw", FAST);
    const [, , r, p, salt, hash] = good.split("$");
    for (const stored of ["", "plain", "$2b$12$abcdefghijklmnopqrstuv", `scrypt$1000$${r}$${p}$${salt}$${hash}`, `scrypt$1048576$64$1$${salt}$${hash}`, `${good}x$`, null as never]) {
      expect(await verifyPassword("pw", stored)).toBe(false);
    }
  });
});

describe("needsRehash", () => {
  it("says when a hash was made with other parameters, or is not one of its hashes", async () => {
    const current = await hashPassword("pw", FAST);
    expect(needsRehash(current, FAST)).toBe(false);
    expect(needsRehash(current)).toBe(true);
    expect(needsRehash(current, { ...FAST, p: 2 })).toBe(true);
    expect(needsRehash("md5$whatever")).toBe(true);
  });

  it("upgrades on login: verify with the old, hash with the new, verify again", async () => {
    let stored = await hashPassword("pw", { N: 256, r: 8, p: 1 });
    if ((await verifyPassword("pw", stored)) && needsRehash(stored, FAST)) stored = await hashPassword("pw", FAST);
    expect(stored).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(needsRehash(stored, FAST)).toBe(false);
    expect(await verifyPassword("pw", stored)).toBe(true);
  });
});
