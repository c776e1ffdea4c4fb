/**
 * serveStatic(): a folder served through the file response, index files and
 * folder redirects, dotfiles, traversal and symlink escapes refused,
 * precompressed siblings, Cache-Control, falling through; bytes compared.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { Application, compress, serveStatic, type StaticOptions } from "../../lib/index.js";
import { overSocket } from "../support/listening.js";
import { raw } from "../support/socket-client.js";

const outer = mkdtempSync(join(tmpdir(), "handlerkit-static-"));
const www = join(outer, "www");
const BINARY = randomBytes(300_000);
const SCRIPT = `console.log(${JSON.stringify("handlerkit ".repeat(200))});\n`;
mkdirSync(join(www, "docs"), { recursive: true });
mkdirSync(join(www, "empty"));
mkdirSync(join(www, ".git"));
mkdirSync(join(www, "assets"));
writeFileSync(join(www, "index.html"), "<h1>home</h1>");
writeFileSync(join(www, "docs", "index.html"), "<h1>docs</h1>");
writeFileSync(join(www, "page.html"), "<p>page</p>");
writeFileSync(join(www, "photo.bin"), BINARY);
writeFileSync(join(www, ".env"), "SECRET=1");
writeFileSync(join(www, ".git", "config"), "[core]");
writeFileSync(join(www, "back\\slash.txt"), "a file whose name holds a backslash");
writeFileSync(join(www, "assets", "app.js"), SCRIPT);
writeFileSync(join(www, "assets", "app.js.br"), brotliCompressSync(SCRIPT));
writeFileSync(join(www, "assets", "app.js.gz"), gzipSync(SCRIPT));
writeFileSync(join(outer, "secret.txt"), "top secret");
symlinkSync("/etc", join(www, "etc"));
symlinkSync(outer, join(www, "escape"));
afterAll(() => rmSync(outer, { recursive: true, force: true }));

function appWith(options?: StaticOptions, routes: ConstructorParameters<typeof Application>[0] = []) {
  const app = new Application([["/api", () => ({ api: true })], ...routes]);
  app.use(serveStatic(www, options));
  return app;
}
const app = appWith();
const status = async (target: Application, path: string, init = {}) => (await target.getResponse(path, init)).status;

describe("serveStatic()", () => {
  it("serves files byte for byte through the file response: type, length, ETag, Last-Modified", async () => {
    const res = await app.getResponse("/photo.bin");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect(res.headers.get("content-length")).toBe("300000");
    expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(res.headers.has("last-modified")).toBe(true);
    expect((await res.bytes()).equals(BINARY)).toBe(true);
    const page = await app.getResponse("/page.html");
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await page.text()).toBe("<p>page</p>");
  });

  it("answers conditional GETs, single ranges and HEAD as Response.file() does", async () => {
    const etag = (await app.getResponse("/photo.bin")).headers.get("etag")!;
    expect(await status(app, "/photo.bin", { headers: { "if-none-match": etag } })).toBe(304);
    expect(await status(app, "/photo.bin", { headers: { "if-match": '"other"' } })).toBe(412);
    const range = await app.getResponse("/photo.bin", { headers: { range: "bytes=1000-1999" } });
    expect(range.status).toBe(206);
    expect(range.headers.get("content-range")).toBe("bytes 1000-1999/300000");
    expect((await range.bytes()).equals(BINARY.subarray(1000, 2000))).toBe(true);
    expect(await status(app, "/photo.bin", { headers: { range: "bytes=300000-" } })).toBe(416);
    const head = await app.getResponse("/photo.bin", { method: "HEAD" });
    expect(head.headers.get("content-length")).toBe("300000");
    expect(await head.text()).toBe("");
  });

  it("serves index.html for a folder, and redirects /dir to /dir/ keeping the query", async () => {
    expect(await (await app.getResponse("/")).text()).toBe("<h1>home</h1>");
    expect(await (await app.getResponse("/docs/")).text()).toBe("<h1>docs</h1>");
    const redirect = await app.getResponse("/docs?v=2");
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get("location")).toBe("/docs/?v=2");
    expect(await status(appWith({ redirect: false }), "/docs")).toBe(404);
    expect(await status(appWith({ index: false }), "/docs/")).toBe(404);
    expect(await (await appWith({ index: ["missing.html", "page.html"] }).getResponse("/")).text()).toBe("<p>page</p>");
  });

  it("mounts under a prefix, and falls through to the routes and the 404 page for the rest", async () => {
    const mounted = appWith({ prefix: "/static/" }, [["/static/generated", () => "from a route"]]);
    expect(await (await mounted.getResponse("/static/page.html")).text()).toBe("<p>page</p>");
    expect(await (await mounted.getResponse("/static/")).text()).toBe("<h1>home</h1>");
    expect((await mounted.getResponse("/static")).headers.get("location")).toBe("/static/");
    expect(await (await mounted.getResponse("/static/generated")).text()).toBe("from a route");
    expect(await status(mounted, "/page.html")).toBe(404);
    expect(await status(mounted, "/staticpage.html")).toBe(404);
    expect(await (await mounted.getResponse("/api")).json()).toEqual({ api: true });
    expect(await status(mounted, "/static/nothing.txt")).toBe(404);
  });

  it("serves GET and HEAD only: other methods go on to the app", async () => {
    expect(await status(app, "/page.html", { method: "POST" })).toBe(404);
    expect(await status(app, "/api", { method: "DELETE" })).toBe(200);
  });

  it("with fallthrough: false, what is not there is a 404 here", async () => {
    const strict = appWith({ fallthrough: false }, [["/generated.txt", () => "route"]]);
    expect(await status(strict, "/generated.txt")).toBe(404);
    expect(await status(strict, "/api", { method: "POST" })).toBe(200);
  });

  it("ignores dotfiles by default; deny answers 403, allow serves them", async () => {
    for (const path of ["/.env", "/.git/config", "/.git/"]) expect(await status(app, path), path).toBe(404);
    const deny = appWith({ dotfiles: "deny" });
    for (const path of ["/.env", "/.git/config"]) expect(await status(deny, path), path).toBe(403);
    expect(await (await appWith({ dotfiles: "allow" }).getResponse("/.env")).text()).toBe("SECRET=1");
  });

  it("never reads a file outside the root, however the path is spelled", async () => {
    const cases: [path: string, status: number][] = [
      ["/../secret.txt", 400], // dot segments: the app's path guard, once this falls through
      ["/%2e%2e/secret.txt", 400],
      ["/.%2E/secret.txt", 400],
      ["/page.html%00.png", 400],
      ["/..%2fsecret.txt", 404],
      ["/..%2f..%2fetc%2fpasswd", 404],
      ["/..%5csecret.txt", 404],
      ["/back%5cslash.txt", 404],
      ["/etc/passwd", 404], // a symlink to /etc inside the root
      ["/escape/secret.txt", 404],
      ["/escape/www/page.html", 200], // a symlink that leads back inside is fine
      ["//etc/passwd", 404],
      [`/${"a".repeat(300)}`, 404],
      [`/${"a/".repeat(2000)}x`, 404],
      ["/page.html/", 404],
    ];
    for (const [path, expected] of cases) {
      const res = await app.getResponse(path);
      expect(res.status, path).toBe(expected);
      expect(await res.text(), path).not.toMatch(/top secret|root:/);
    }
  });

  it("followSymlinks: true follows them out of the root", async () => {
    expect(await (await appWith({ followSymlinks: true }).getResponse("/escape/secret.txt")).text()).toBe("top secret");
  });

  it("a redirect for a folder never leaves the site", async () => {
    for (const path of ["//evil.example", "/%2fevil.example", "/\\evil.example"]) {
      const res = await app.getResponse(path);
      expect(res.headers.get("location") ?? "", path).not.toMatch(/^\/\/|^\/\\|^https?:/);
    }
  });

  it("sends a precompressed sibling when the client accepts it, with the original's type", async () => {
    const pre = appWith({ precompressed: true });
    const br = await pre.getResponse("/assets/app.js", { headers: { "accept-encoding": "gzip, br" } });
    expect(br.headers.get("content-encoding")).toBe("br");
    expect(br.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(br.headers.get("vary")).toBe("Accept-Encoding");
    expect((await br.bytes()).equals(brotliCompressSync(SCRIPT))).toBe(true);
    const gz = await pre.getResponse("/assets/app.js", { headers: { "accept-encoding": "gzip" } });
    expect(gz.headers.get("content-encoding")).toBe("gzip");
    const plain = await pre.getResponse("/assets/app.js", { headers: { "accept-encoding": "br;q=0, gzip;q=0" } });
    expect(plain.headers.has("content-encoding")).toBe(false);
    expect(plain.headers.get("vary")).toBe("Accept-Encoding");
    expect(await plain.text()).toBe(SCRIPT);
    const gzipFirst = appWith({ precompressed: ["gzip", "br"] });
    expect((await gzipFirst.getResponse("/assets/app.js", { headers: { "accept-encoding": "br, gzip" } })).headers.get("content-encoding")).toBe("gzip");
    // Off by default.
    expect((await app.getResponse("/assets/app.js", { headers: { "accept-encoding": "br" } })).headers.has("content-encoding")).toBe(false);
  });

  it("sets Cache-Control from maxAge and immutable", async () => {
    const cached = appWith({ maxAge: 31_536_000, immutable: true, headers: { "x-served-by": "static" } });
    const res = await cached.getResponse("/page.html");
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("x-served-by")).toBe("static");
  });

  it("refuses options that cannot work, when it is made", () => {
    expect(() => serveStatic(join(outer, "missing"))).toThrow(`serveStatic(): ${join(outer, "missing")} is not a folder`);
    expect(() => serveStatic(join(www, "page.html"))).toThrow("is not a folder");
    expect(() => serveStatic(www, { prefix: "static" })).toThrow("must be a URL path starting with /");
    expect(() => serveStatic(www, { prefix: "/a/../b" })).toThrow("without . or .. segments");
    expect(() => serveStatic(www, { index: "a/b.html" })).toThrow("must be a file name");
    expect(() => serveStatic(www, { precompressed: ["zstd" as never] })).toThrow('precompressed holds "zstd"');
    expect(() => serveStatic(www, { maxAge: -5 })).toThrow("maxAge is a number of seconds");
  });
});

describe("serveStatic() over a socket", () => {
  it("sends the bytes of the file, ranges and precompressed siblings as they are on disk", async () => {
    const site = appWith({ precompressed: true });
    site.use(compress());
    await overSocket(site, async (fetch) => {
      const file = await fetch("/photo.bin");
      expect(file.status).toBe(200);
      expect(file.bytes.equals(BINARY)).toBe(true);
      const range = await fetch("/photo.bin", { headers: { range: "bytes=-100" } });
      expect(range.status).toBe(206);
      expect(range.bytes.equals(BINARY.subarray(-100))).toBe(true);
      const br = await fetch("/assets/app.js", { headers: { "accept-encoding": "br" } });
      expect(br.headers["content-encoding"]).toBe("br");
      expect(br.bytes.equals(brotliCompressSync(SCRIPT))).toBe(true);
      expect((await fetch("/docs")).headers.location).toBe("/docs/");
      expect((await fetch("/docs/")).text).toBe("<h1>docs</h1>");
    });
  });

  it("refuses traversal, NUL, backslashes, dotfiles and symlink escapes with the documented status", async () => {
    await overSocket(app, async (fetch, base) => {
      // undici (as a browser) resolves dot segments before sending: raw bytes here.
      const port = Number(new URL(base).port);
      for (const path of ["/../secret.txt", "/%2e%2e/secret.txt", "/.%2E/escape/secret.txt", "/page.html%00"]) {
        const answer = await raw(port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
        expect(answer.slice(0, answer.indexOf("\r\n")), path).toBe("HTTP/1.1 400 Bad Request");
        expect(answer, path).not.toMatch(/top secret|root:/);
      }
      const cases: [path: string, status: number][] = [
        ["/..%2fsecret.txt", 404],
        ["/..%5csecret.txt", 404],
        ["/etc/passwd", 404],
        ["/escape/secret.txt", 404],
        ["/.env", 404],
        ["/page.html/", 404],
        [`/${"n".repeat(1000)}`, 404],
      ];
      for (const [path, expected] of cases) {
        const res = await fetch(path);
        expect(res.status, path).toBe(expected);
        expect(res.text, path).not.toMatch(/top secret|root:|SECRET/);
      }
    });
  });
});
