/**
 * Attacks through request inputs, over raw sockets with the five
 * invariants: query strings and urlencoded forms, bodies (JSON, media
 * types, limits, compression, slow and abandoned bodies), multipart forms,
 * cookies, and response headers fed from the request.
 */
import { timingSafeEqual } from "node:crypto";
import { gzipSync } from "node:zlib";
import { describe, expect, it, vi } from "vitest";
import { Response, UploadedFile, type Application, type Request } from "../../lib/index.js";
import { attack, get, post, targets } from "../support/attack-harness.js";
import { parseError } from "../support/json-error.js";

// timingSafeEqual passed through and counted, to see the signature compared with it.
vi.mock("node:crypto", async (original) => {
  const crypto = await original<typeof import("node:crypto")>();
  return { ...crypto, timingSafeEqual: vi.fn(crypto.timingSafeEqual) };
});

const start = targets();
const FORM = { "Content-Type": "application/x-www-form-urlencoded" };
const JSON_TYPE = { "Content-Type": "application/json" };
const multipart = (body: string | Buffer, path = "/form-big") => post(path, body, { "Content-Type": "multipart/form-data; boundary=XX" });
const part = (name: string, value: string, filename?: string) =>
  `--XX\r\nContent-Disposition: form-data; name="${name}"${filename === undefined ? "" : `; filename="${filename}"`}\r\n\r\n${value}\r\n`;

describe("query strings and urlencoded forms", () => {
  it("__proto__, constructor and hasOwnProperty are ordinary keys: no pollution, the map still works", async () => {
    const target = await start();
    const result = await attack(target, get("/query?__proto__=x&constructor=y&hasOwnProperty=z&__proto__[admin]=1&a=2"));
    expect(result.response.body).toBe(
      '{"keys":["__proto__","constructor","hasOwnProperty","__proto__[admin]","a"],"first":{"__proto__":"x","constructor":"y","hasOwnProperty":"z","__proto__[admin]":"1","a":"2"}}',
    );
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(Object.prototype.hasOwnProperty).toBeTypeOf("function");
  });

  it("the same keys in a urlencoded form are ordinary keys too", async () => {
    const target = await start();
    const result = await attack(target, post("/form", "__proto__=x&constructor[prototype][polluted]=1&toString=2", FORM));
    expect(result.response.body).toBe('{"fields":3,"form":{"__proto__":"x","constructor[prototype][polluted]":"1","toString":"2"}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("100,000 pairs in a form: 400 at the 1,001st pair, in bounded time", async () => {
    const target = await start();
    const started = performance.now();
    const result = await attack(target, post("/form-big", "a=1&".repeat(100_000), FORM));
    expect(result.response.status).toBe(400);
    expect(result.response.body).toBe("400 Bad Request\nToo many parameters: more than 1000.\n");
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("5,000 pairs in a query string: 400; 1,000 repeated keys are served and 1,001 are not", async () => {
    const target = await start();
    expect((await attack(target, get(`/query?${"a&".repeat(5_000)}`))).response.status).toBe(400);
    const thousand = await attack(target, get(`/query?${Array.from({ length: 1_000 }, () => "k=v").join("&")}`));
    expect(thousand.response.status).toBe(200);
    expect(JSON.parse(thousand.response.body).first.k).toHaveLength(1_000);
    expect((await attack(target, get(`/query?${Array.from({ length: 1_001 }, () => "k=v").join("&")}`))).response.status).toBe(400);
  });

  it("invalid escapes are kept as written, never an error", async () => {
    const target = await start();
    const result = await attack(target, get("/query?a=%zz&%=1&b=%E0%A4%A&c=%"));
    expect(result.response.status).toBe(200);
    expect(result.response.body).toBe('{"keys":["a","%","b","c"],"first":{"a":"%zz","%":"1","b":"%E0%A4%A","c":"%"}}');
  });
});

describe("bodies", () => {
  it("invalid JSON: 400 saying why", async () => {
    const target = await start();
    const result = await attack(target, post("/json", "{x}", JSON_TYPE));
    expect(result.response.status).toBe(400);
    expect(result.response.body).toBe(`400 Bad Request\nThe request body is not valid JSON: ${parseError("{x}")}\n`);
    expect(result.reused).toBe(true);
  });

  it("a JSON body sent as text/plain, or with no type: 415", async () => {
    const target = await start();
    expect((await attack(target, post("/json", "{}", { "Content-Type": "text/plain" }))).response.status).toBe(415);
    expect((await attack(target, post("/json", "{}"))).response.status).toBe(415);
    expect((await attack(target, post("/json", "{}", { "Content-Type": "application/json; charset=bogus" }))).response.status).toBe(415);
  });

  it("a JSON body in a charset other than UTF-8 (UTF-16 here): 415, as RFC 8259 §8.1 asks; utf-8 and utf8 are served", async () => {
    const target = await start();
    const utf16 = Buffer.from('{"a":1}', "utf16le");
    const result = await attack(target, post("/json", utf16, { "Content-Type": "application/json; charset=utf-16le" }));
    expect(result.response.status).toBe(415);
    expect(result.response.body).toBe('415 Unsupported Media Type\nA JSON body is UTF-8 (RFC 8259), not "utf-16le": send it as UTF-8, without a charset or with charset=utf-8.\n');
    expect(result.reused).toBe(true);
    for (const charset of ["utf-8", "UTF-8", "utf8"]) {
      const ok = await attack(target, post("/json", '{"a":1}', { "Content-Type": `application/json; charset=${charset}` }));
      expect(ok.response).toMatchObject({ status: 200, body: '{"received":{"a":1}}' });
    }
  });

  it("__proto__ in a JSON body is an own key and pollutes nothing", async () => {
    const target = await start();
    const result = await attack(target, post("/json", '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}}}', JSON_TYPE));
    expect(result.response.body).toBe('{"received":{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}}}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("over the limit by Content-Length: 413 before the body is sent, connection closed", async () => {
    const target = await start();
    const result = await attack(target, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n");
    expect(result.response.status).toBe(413);
    expect(result.response.headers.connection).toBe("close");
    expect(result.closed).toBe(true);
  });

  it("over the limit by streamed bytes without a Content-Length: 413, connection closed", async () => {
    const target = await start();
    const chunk = `8000\r\n${"a".repeat(0x8000)}\r\n`;
    const result = await attack(target, `POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.repeat(3)}0\r\n\r\n`);
    expect(result.response.status).toBe(413);
    expect(result.response.body).toBe("413 Payload Too Large\nThe request body is larger than the limit of 65536 bytes.\n");
    expect(result.closed).toBe(true);
  });

  it("a gzip bomb is never inflated: the compressed bytes are the body, under the limit", async () => {
    const target = await start();
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(65_536);
    const echo = await attack(target, post("/echo", bomb, { "Content-Encoding": "gzip" }));
    expect(echo.response.body).toBe(`got ${bomb.length} bytes`);
    const json = await attack(target, post("/json", bomb, { ...JSON_TYPE, "Content-Encoding": "gzip" }));
    expect(json.response.status).toBe(400);
  });

  it("a body sent too slowly is cut by requestTimeout (1 s here): 408, connection closed", async () => {
    const target = await start();
    const pieces = ["POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n", ...Array.from({ length: 20 }, () => "x")];
    const result = await attack(target, "", { pieces, gap: 100, ms: 4_000 });
    expect(result.response.status).toBe(408);
    expect(result.closed).toBe(true);
    expect(result.elapsed).toBeLessThan(2_500);
  });

  it("a client that disconnects mid-body leaves nothing behind (no socket, timer or error escaping)", async () => {
    let failed: unknown;
    const target = await start(undefined, (app) =>
      app.route("/upload-abort")(async (request: Request) => {
        try {
          return `got ${(await request.body()).length}`;
        } catch (error) {
          failed = error;
          throw error;
        }
      }),
    );
    const { open } = await import("../support/attack-harness.js");
    const socket = await open(target.port);
    socket.write("POST /upload-abort HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nonly ten..");
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(failed).toMatchObject({ status: 400, message: "The request body could not be read." });
  });

  it("a client that disconnects mid-body: the handler sees request.signal aborted (POST /upload-abort, Content-Length: 1000, 10 bytes then close → signal.aborted === true)", async () => {
    let signal: AbortSignal | undefined;
    const target = await start(undefined, (app) =>
      app.route("/upload-abort")(async (request: Request) => {
        signal = request.signal;
        try {
          return `got ${(await request.body()).length}`;
        } catch {
          return "gone";
        }
      }),
    );
    const { open } = await import("../support/attack-harness.js");
    const socket = await open(target.port);
    socket.write("POST /upload-abort HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nonly ten..");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(signal?.aborted).toBe(false);
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(signal?.aborted).toBe(true);
    expect((signal?.reason as DOMException).name).toBe("AbortError");
  });
});

describe("multipart", () => {
  it("a truncated body: 400", async () => {
    const target = await start();
    const result = await attack(target, multipart('--XX\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue', "/form"));
    expect(result.response.status).toBe(400);
    expect(result.response.body).toBe("400 Bad Request\nMalformed multipart body: Unexpected end of form.\n");
  });

  it("no boundary: 400", async () => {
    const target = await start();
    const result = await attack(target, post("/form", "abc", { "Content-Type": "multipart/form-data" }));
    expect(result.response.status).toBe(400);
  });

  it("a boundary over 70 characters (RFC 2046 §5.1.1): 400; one of 70 is served", async () => {
    const target = await start();
    for (const [length, status] of [[71, 400], [70, 200]] as const) {
      const boundary = "b".repeat(length);
      const body = `--${boundary}\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--${boundary}--\r\n`;
      const result = await attack(target, post("/form", body, { "Content-Type": `multipart/form-data; boundary=${boundary}` }));
      expect(result.response.status).toBe(status);
      if (status === 400) expect(result.response.body).toBe("400 Bad Request\nThe multipart boundary is longer than 70 characters (RFC 2046 §5.1.1).\n");
      else expect(result.response.body).toBe('{"fields":1,"form":{"a":"v"}}');
    }
  });

  it("10,000 parts: 400 at the limit, connection closed (the rest of the body is never read)", async () => {
    const target = await start();
    const body = Array.from({ length: 10_000 }, (_, i) => part(`f${i}`, "v")).join("") + "--XX--\r\n";
    const result = await attack(target, multipart(body));
    expect(result.response.status).toBe(400);
    expect(result.response.body).toBe("400 Bad Request\nToo many fields in the form: more than 1000.\n");
    expect(result.closed).toBe(true);
  });

  it("a 100 KB part header, and 5,000 part header lines: 400", async () => {
    const target = await start();
    for (const headers of [`X-Big: ${"b".repeat(100_000)}\r\n`, "X-A: b\r\n".repeat(5_000)]) {
      const result = await attack(target, multipart(`--XX\r\nContent-Disposition: form-data; name="a"\r\n${headers}\r\nv\r\n--XX--\r\n`));
      expect(result.response.status).toBe(400);
      expect(result.response.body).toBe("400 Bad Request\nMalformed multipart body: Malformed part header.\n");
    }
  });

  it("__proto__ and constructor as field names are ordinary fields", async () => {
    const target = await start();
    const result = await attack(target, multipart(part("__proto__", "v") + part("constructor", "w") + "--XX--\r\n", "/form"));
    expect(result.response.body).toBe('{"fields":2,"form":{"__proto__":"v","constructor":"w"}}');
  });

  it("file size and count limits: 413 and 400", async () => {
    const target = await start(undefined, (app) =>
      app.route("/upload-limited")(async (request: Request) => {
        const form = await request.form({ maxFileSize: 1_000, maxFiles: 2 });
        return { files: [...form.values()].filter((v) => v instanceof UploadedFile).length };
      }),
    );
    const big = await attack(target, multipart(part("f", "z".repeat(1_001), "big.bin") + "--XX--\r\n", "/upload-limited"));
    expect(big.response.status).toBe(413);
    const many = await attack(target, multipart([1, 2, 3].map((i) => part(`f${i}`, "z", `${i}.txt`)).join("") + "--XX--\r\n", "/upload-limited"));
    expect(many.response.status).toBe(400);
    expect(many.response.body).toBe("400 Bad Request\nToo many files in the form: more than 2.\n");
    const fits = await attack(target, multipart(part("f", "z".repeat(1_000), "ok.bin") + "--XX--\r\n", "/upload-limited"));
    expect(fits.response.body).toBe('{"files":1}');
  });

  // Regression: busboy emits 'limit' and then writes to the file
  // stream; destroying the parser inside that event threw a TypeError out
  // of a socket 'data' handler, an uncaughtException that killed the process.
  it("a file or field over its limit, mid-stream, is a 413 and never crashes the process", async () => {
    const target = await start();
    const file = await attack(target, multipart(part("f", "z".repeat(65), "f.bin") + part("g", "after") + "--XX--\r\n", "/form-tight"));
    expect(file.response.status).toBe(413);
    expect(file.response.body).toBe('413 Payload Too Large\nThe file "f.bin" is larger than the limit of 64 bytes.\n');
    const field = await attack(target, multipart(part("f", "z".repeat(65)) + "--XX--\r\n", "/form-tight"));
    expect(field.response.status).toBe(413);
    const exact = await attack(target, multipart(part("f", "z".repeat(64), "f.bin") + part("g", "z".repeat(64)) + "--XX--\r\n", "/form-tight"));
    expect(exact.response.body).toBe('{"names":["f","g"]}');
  });

  it("spooled temporary files are removed after success, after a truncated body and after a handler error", async () => {
    // Files over 64 KiB are spooled to disk; the invariants check the temp dir after the test.
    const target = await start(undefined, (app) =>
      app.route("/upload-throws", { bodyLimit: 1_000_000 })(async (request: Request) => {
        await request.form();
        throw new Error("the handler failed after the upload was spooled");
      }),
    );
    const file = part("f", "z".repeat(200_000), "big.bin");
    expect((await attack(target, multipart(`${file}--XX--\r\n`))).response.body).toBe('{"fields":1,"form":{"f":{"file":"big.bin","size":200000}}}');
    expect((await attack(target, multipart(file))).response.status).toBe(400);
    expect((await attack(target, multipart(`${file}--XX--\r\n`, "/upload-throws"))).response.status).toBe(500);
  });
});

describe("cookies and headers", () => {
  it("malformed cookies are skipped; __proto__ is an ordinary name", async () => {
    const target = await start();
    const result = await attack(target, get("/cookies", { Cookie: 'a=1; ; =x; b; __proto__=p; c=%zz; d="q"; a=2' }));
    expect(result.response.body).toBe('{"cookies":{"a":"1","__proto__":"p","d":"q"}}');
  });

  it("CR/LF from the client never reaches a response header: the handler's setHeader fails (500), nothing is injected", async () => {
    const target = await start();
    const result = await attack(target, get("/set-header?v=a%0D%0ASet-Cookie:%20injected=1"));
    expect(result.response.status).toBe(500);
    expect(result.response.headers["set-cookie"]).toBeUndefined();
    expect(result.response.raw).not.toContain("injected");
    expect(target.logged.map(([message]) => message.replace(/ \[.*\]/, ""))).toEqual(["GET /set-header: uncaught error"]);
    target.logged.length = 0;
  });

  it("; or CR/LF in a cookie value is refused, never sent as another attribute", async () => {
    const target = await start();
    for (const value of ["a;%20Domain=evil.example", "a%0D%0AX-Injected:%201", "a%0Ab"]) {
      const result = await attack(target, get(`/set-cookie?v=${value}`));
      expect(result.response.status).toBe(500);
      expect(result.response.headers["set-cookie"]).toBeUndefined();
      expect(result.response.raw).not.toMatch(/evil|injected/i);
    }
  });

  it("signed cookies: compared in constant time (crypto.timingSafeEqual), and a valid signature followed by trailing garbage is refused", async () => {
    const signedRoutes = (app: Application) => {
      app.route("/sign")((request: Request) => new Response("signed").setSignedCookie(request.query.get("name") ?? "s", request.query.get("v") ?? ""));
      app.route("/signed")((request: Request) => ({ value: request.signedCookie(request.query.get("name") ?? "s") ?? null }));
    };
    const target = await start({ secrets: ["x".repeat(32), "y".repeat(32)] }, signedRoutes);
    const issued = await attack(target, get("/sign?v=admin%3Dno"));
    const cookie = /^s=([^;]+);/.exec(issued.response.headers["set-cookie"]!)![1]!;
    const read = (value: string, name = "s") => attack(target, get(`/signed?name=${name}`, { Cookie: `${name}=${value}` }));
    expect((await read(cookie)).response.body).toBe('{"value":"admin=no"}');
    const compare = vi.mocked(timingSafeEqual);
    compare.mockClear();
    const mac = cookie.slice(cookie.lastIndexOf(".") + 1);
    const flipped = `${cookie.slice(0, -mac.length)}${mac[0] === "A" ? "B" : "A"}${mac.slice(1)}`;
    expect((await read(flipped)).response.body).toBe('{"value":null}');
    // Every key is tried, each in constant time, whether or not one matched.
    expect(compare).toHaveBeenCalledTimes(2);
    const payload = Buffer.from("admin=yes").toString("base64url");
    for (const forged of [`${cookie}garbage`, `${cookie}.`, `${cookie}%00`, cookie.slice(0, -1), `${payload}${cookie.slice(cookie.indexOf("."))}`, "x".repeat(5000)]) {
      const result = await read(forged);
      expect(result.response.status).toBe(200);
      expect(result.response.body).toBe('{"value":null}');
    }
    // Signed for one name, it is nothing under another.
    expect((await read(cookie, "t")).response.body).toBe('{"value":null}');
  });
});

