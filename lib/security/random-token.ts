/**
 * Unguessable tokens: session ids, CSRF secrets, password-reset links, API
 * keys.
 */
import { randomBytes } from "node:crypto";

/**
 * A random token of `bytes` bytes (32 by default) from the operating
 * system's CSPRNG, as unpadded base64url: safe in cookies, URLs and
 * headers as it is. 32 bytes (43 characters) cannot be guessed; fewer than
 * 16 is a `RangeError`.
 *
 * @example
 * const resetToken = randomToken();   // "fH3k…" (43 characters)
 */
export function randomToken(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 16 || bytes > 1024) throw new RangeError(`randomToken(bytes) takes 16 to 1024 bytes, not ${bytes}: fewer can be guessed.`);
  return randomBytes(bytes).toString("base64url");
}
