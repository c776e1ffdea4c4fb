/**
 * A self-signed certificate for 127.0.0.1 and localhost, made by `openssl`
 * once per spec file, for the HTTPS and HTTP/2 specs.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import type { TlsOptions } from "../../lib/index.js";

/** Register hooks that make the certificate before the file's specs and remove it after; read it from the returned getter. */
export function selfSignedCert(): () => TlsOptions & { cert: Buffer } {
  let tls: (TlsOptions & { cert: Buffer }) | undefined;
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "handlerkit-tls-"));
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
      { stdio: "ignore" },
    );
    tls = { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return () => tls!;
}
