import { it } from "vitest";
import { startTarget, open, ResponseReader } from "../support/attack-harness.js";
import { attackApp } from "../support/attack-app.js";

const cases: [string, string | Buffer][] = [
  ["garbage", "GARBAGE\r\n\r\n"],
  ["no host", "GET /health HTTP/1.1\r\n\r\n"],
  ["http10 no host", "GET /health HTTP/1.0\r\n\r\n"],
  ["obs-fold", "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\r\n b\r\n\r\n"],
  ["tls hello", Buffer.from("160301020001", "hex")],
  ["h2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"],
  ["bad pct", "GET /users/%zz HTTP/1.1\r\nHost: a\r\n\r\n"],
  ["bad pct path", "GET /path/%zz HTTP/1.1\r\nHost: a\r\n\r\n"],
  ["bad pct path2", "GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n"],
  ["overlong utf8", "GET /users/%C0%AF HTTP/1.1\r\nHost: a\r\n\r\n"],
  ["%2F", "GET /users/a%2Fb HTTP/1.1\r\nHost: a\r\n\r\n"],
  ["double", "GET /users/a%252Fb HTTP/1.1\r\nHost: a\r\n\r\n"],
  ["nul", "GET /users/a%00b HTTP/1.1\r\nHost: a\r\n\r\n"],
  ["//evil", "GET //evil.example/x HTTP/1.1\r\nHost: a\r\n\r\n"],
  ["/\\evil", "GET /\\evil HTTP/1.1\r\nHost: a\r\n\r\n"],
  ["dotdot", "GET /files/../etc/passwd HTTP/1.1\r\nHost: a\r\n\r\n"],
  ["dotdot enc", "GET /files/%2e%2e/etc HTTP/1.1\r\nHost: a\r\n\r\n"],
  ["dot", "GET /users/./x HTTP/1.1\r\nHost: a\r\n\r\n"],
  ["options *", "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"],
  ["absolute form", "GET http://evil.example/users/1 HTTP/1.1\r\nHost: a\r\n\r\n"],
  ["15KB path", `GET /users/${"a".repeat(15000)} HTTP/1.1\r\nHost: a\r\n\r\n`],
  ["404 escape", "GET /<script>alert(1)</script> HTTP/1.1\r\nHost: a\r\nAccept: text/html\r\n\r\n"],
  ["query proto", "GET /query?__proto__=x&constructor=y&hasOwnProperty=z HTTP/1.1\r\nHost: a\r\n\r\n"],
  ["query bad esc", "GET /query?a=%zz&%=1 HTTP/1.1\r\nHost: a\r\n\r\n"],
  ["json bad", "POST /json HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 3\r\n\r\n{x}"],
  ["json type", "POST /json HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}"],
  ["json proto", "POST /json HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 26\r\n\r\n{\"__proto__\":{\"a\":1},\"b\":2}"],
  ["gzip body", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc"],
  ["chunked over", `POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n10000\r\n${"a".repeat(65536)}\r\n10000\r\n${"a".repeat(65536)}\r\n0\r\n\r\n`],
  ["cookie", "GET /cookies HTTP/1.1\r\nHost: a\r\nCookie: a=1; ; =x; b; __proto__=p; c=%zz; d=\"q\"\r\n\r\n"],
  ["header inject", "GET /set-header?v=a%0D%0ASet-Cookie:%20x=1 HTTP/1.1\r\nHost: a\r\n\r\n"],
  ["cookie inject", "GET /set-cookie?v=a;%20Domain=evil HTTP/1.1\r\nHost: a\r\n\r\n"],
  ["redirect //", "GET /go?to=//evil.example HTTP/1.1\r\nHost: a\r\n\r\n"],
  ["redirect js", "GET /go?to=javascript:alert(1) HTTP/1.1\r\nHost: a\r\n\r\n"],
  ["throw", "GET /throw HTTP/1.1\r\nHost: a\r\n\r\n"],
  ["throw html", "GET /throw HTTP/1.1\r\nHost: a\r\nAccept: text/html\r\n\r\n"],
  ["reject", "GET /reject HTTP/1.1\r\nHost: a\r\n\r\n"],
  ["stream fails", "GET /stream-fails HTTP/1.1\r\nHost: a\r\n\r\n"],
  ["te gzip", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"],
  ["te identity", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\nContent-Length: 1\r\n\r\na"],
  ["cl neg", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n"],
  ["cl plus", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\na"],
  ["cl comma", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1, 1\r\n\r\na"],
  ["method weird", "FOO / HTTP/1.1\r\nHost: a\r\n\r\n"],
  ["propfind", "PROPFIND / HTTP/1.1\r\nHost: a\r\n\r\n"],
  ["lf only", "GET /health HTTP/1.1\nHost: a\n\n"],
  ["space in header name", "GET /health HTTP/1.1\r\nHost : a\r\n\r\n"],
  ["two hosts", "GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"],
];

it("probe", async () => {
  const t = await startTarget((logger) => attackApp(logger));
  for (const [name, bytes] of cases) {
    const s = await open(t.port);
    const r = new ResponseReader(s);
    s.write(bytes);
    await new Promise((res) => setTimeout(res, 150));
    s.destroy();
    console.log(`== ${name}: closed=${r.closed}\n${r.text.slice(0, 600)}`);
  }
  console.log("LOGGED", t.logged.map((l) => l[0]));
  await t.app.close();
}, 60000);
