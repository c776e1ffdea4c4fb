/**
 * A self-signed certificate for 127.0.0.1 and localhost, made by `openssl`
 * at test time, for the specs that serve HTTPS and HTTP/2.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A key and certificate, valid for a day; `remove()` deletes their files. */
export interface TestCert {
  key: Buffer;
  cert: Buffer;
  remove(): void;
}

/** Make a key and a self-signed certificate for `127.0.0.1` and `localhost`. */
export function selfSignedCert(): TestCert {
  const dir = mkdtempSync(join(tmpdir(), "handlerkit-tls-"));
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
    { stdio: "ignore" },
  );
  return { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
