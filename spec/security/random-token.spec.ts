/** randomToken: unguessable, URL- and cookie-safe. */
import { expect, it } from "vitest";
import { randomToken } from "../../lib/index.js";

it("makes 32 random bytes as 43 base64url characters, never the same twice", () => {
  const tokens = new Set(Array.from({ length: 100 }, () => randomToken()));
  expect(tokens.size).toBe(100);
  for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(Buffer.from(randomToken(64), "base64url")).toHaveLength(64);
});

it("refuses lengths that could be guessed", () => {
  expect(() => randomToken(8)).toThrow(new RangeError("randomToken(bytes) takes 16 to 1024 bytes, not 8: fewer can be guessed."));
  expect(() => randomToken(16.5)).toThrow(RangeError);
});
