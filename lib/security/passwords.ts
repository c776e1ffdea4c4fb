/**
 * Password hashing with `crypto.scrypt`, into self-describing strings that
 * carry their own parameters, so the parameters can be raised later
 * without breaking the hashes already stored.
 */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

/** scrypt's cost parameters: `N` (CPU and memory, a power of two), `r` (block size), `p` (parallelism). */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/**
 * The parameters `hashPassword` uses by default: N = 2^15, r = 8, p = 3,
 * one of the settings OWASP's Password Storage Cheat Sheet lists as
 * equivalent to its minimum (N = 2^17, r = 8, p = 1) for a quarter of the
 * memory: 32 MiB per hash in progress.
 */
export const DEFAULT_SCRYPT: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 15, r: 8, p: 3 });

const SALT_BYTES = 16;
const HASH_BYTES = 32;
// What a stored hash may ask for: a hash string is data, and data must not
// be able to make the process allocate gigabytes.
const MAX_MEMORY = 256 * 1024 * 1024;
const FORMAT = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9_-]{16,128})\$([A-Za-z0-9_-]{16,128})$/;

interface Parsed extends ScryptParams {
  salt: Buffer;
  hash: Buffer;
}

/**
 * Hash a password with scrypt and a random 16-byte salt, into
 * `scrypt$N$r$p$salt$hash` (salt and hash in unpadded base64url). The
 * password is normalized to Unicode NFKC first, as NIST SP 800-63B asks, so
 * the same password typed on another keyboard still matches. It runs on
 * libuv's thread pool, not on the event loop. `params` override
 * {@link DEFAULT_SCRYPT}.
 *
 * @example
 * const stored = await hashPassword(form.get("password"));
 * // "scrypt$32768$8$3$Jx1…$Qm9…"
 */
export async function hashPassword(password: string, params: Partial<ScryptParams> = {}): Promise<string> {
  const { N, r, p } = checkParams({ ...DEFAULT_SCRYPT, ...params });
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, { N, r, p }, HASH_BYTES);
  return `scrypt$${N}$${r}$${p}$${salt.toString("base64url")}$${hash.toString("base64url")}`;
}

/**
 * Whether `password` is the one `stored` was made from, compared in
 * constant time. The parameters are read from `stored`, so hashes made
 * before a change of parameters still verify (see {@link needsRehash} to
 * upgrade them). A `stored` value that is not a `hashPassword` hash (empty,
 * another algorithm, parameters past 256 MiB of memory) is `false`, as
 * Django's `check_password` answers it.
 *
 * @example
 * if (!user || !(await verifyPassword(password, user.passwordHash))) throw new Unauthorized("Wrong user name or password.");
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (parsed === undefined) {
    checkPassword(password);
    return false;
  }
  const hash = await derive(password, parsed.salt, parsed, parsed.hash.length);
  return timingSafeEqual(hash, parsed.hash);
}

/**
 * Whether `stored` should be hashed again: it is not a `hashPassword` hash,
 * or it was made with other parameters than `params` (the defaults unless
 * given) or other salt or hash sizes. Check it after a successful
 * `verifyPassword`, when the plain password is at hand.
 *
 * @example
 * if (await verifyPassword(password, user.hash) && needsRehash(user.hash)) {
 *   await users.update(user.id, { hash: await hashPassword(password) });
 * }
 */
export function needsRehash(stored: string, params: Partial<ScryptParams> = {}): boolean {
  const want = checkParams({ ...DEFAULT_SCRYPT, ...params });
  const parsed = parse(stored);
  return parsed === undefined || parsed.N !== want.N || parsed.r !== want.r || parsed.p !== want.p || parsed.salt.length !== SALT_BYTES || parsed.hash.length !== HASH_BYTES;
}

function parse(stored: unknown): Parsed | undefined {
  if (typeof stored !== "string") return undefined;
  const m = FORMAT.exec(stored);
  if (m === null) return undefined;
  const params = { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (!validParams(params)) return undefined;
  return { ...params, salt: Buffer.from(m[4]!, "base64url"), hash: Buffer.from(m[5]!, "base64url") };
}

function validParams({ N, r, p }: ScryptParams): boolean {
  const powerOfTwo = Number.isInteger(N) && N >= 2 && (N & (N - 1)) === 0;
  return powerOfTwo && Number.isInteger(r) && r >= 1 && Number.isInteger(p) && p >= 1 && p <= 16 && 128 * N * r <= MAX_MEMORY;
}

function checkParams(params: ScryptParams): ScryptParams {
  if (!validParams(params)) {
    throw new RangeError(`Invalid scrypt parameters ${JSON.stringify(params)}: N is a power of two, r and p positive integers (p at most 16), and 128·N·r at most 256 MiB.`);
  }
  return params;
}

function checkPassword(password: unknown): string {
  if (typeof password !== "string") throw new TypeError(`A password is a string, not ${password === null ? "null" : typeof password}.`);
  return password.normalize("NFKC");
}

function derive(password: string, salt: Buffer, { N, r, p }: ScryptParams, length: number): Promise<Buffer> {
  const normalized = checkPassword(password);
  return new Promise((resolve, reject) => {
    // Node refuses by default what needs more than 32 MiB: allow what the parameters need.
    scrypt(normalized, salt, length, { N, r, p, maxmem: 128 * N * r + 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
