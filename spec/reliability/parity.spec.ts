/**
 * Test-client parity: a sample of the attack cases gives the same
 * status, and the same headers that matter, through `app.getResponse()` in
 * process as over a socket, so a suite written against the test client
 * proves what a real client would see.
 */
import { describe, expect, it } from "vitest";
import type { RequestInit } from "../../lib/index.js";
import { attack, targets } from "../support/attack-harness.js";

const start = targets();

interface Case {
  name: string;
  path: string;
  init?: RequestInit;
  status: number;
  location?: string;
}

const JSON_TYPE = { "content-type": "application/json" };

const cases: Case[] = [
  { name: "a template route", path: "/users/7", status: 200 },
  { name: "invalid percent-encoding", path: "/users/%zz", status: 400 },
  { name: "an encoded NUL", path: "/users/a%00b", status: 400 },
  { name: "a dot segment", path: "/files/../etc/passwd", status: 400 },
  { name: "an encoded dot segment", path: "/files/%2e%2e/etc", status: 400 },
  { name: "a parameter over the length limit", path: `/users/${"a".repeat(1_025)}`, status: 414 },
  { name: "a path over the length limit", path: `/users/${"a".repeat(9_000)}`, status: 414 },
  { name: "OPTIONS *", path: "*", init: { method: "OPTIONS" }, status: 204 },
  { name: "GET *", path: "*", status: 400 },
  { name: "no route", path: "//evil.example/x", status: 404 },
  { name: "__proto__ in the query", path: "/query?__proto__=x&constructor=y", status: 200 },
  { name: "too many query pairs", path: `/query?${"a&".repeat(1_001)}`, status: 400 },
  { name: "invalid JSON", path: "/json", init: { method: "POST", body: "{x}", headers: JSON_TYPE }, status: 400 },
  { name: "JSON with the wrong media type", path: "/json", init: { method: "POST", body: "{}", headers: { "content-type": "text/plain" } }, status: 415 },
  { name: "a body over the limit", path: "/echo", init: { method: "POST", body: "a".repeat(70_000) }, status: 413 },
  { name: "a truncated multipart body", path: "/form", init: { method: "POST", body: '--XX\r\nContent-Disposition: form-data; name="a"\r\n\r\nv', headers: { "content-type": "multipart/form-data; boundary=XX" } }, status: 400 },
  { name: "a sync throw", path: "/throw", status: 500 },
  { name: "an async rejection", path: "/reject", status: 500 },
  { name: "an open redirect through the same-site helper", path: "/go?to=%2F%2Fevil.example", status: 302, location: "/" },
  { name: "a javascript: redirect", path: "/redirect-raw?to=javascript:alert(1)", status: 500 },
  { name: "a method outside allowedMethods", path: "/", init: { method: "PROPFIND" }, status: 501 },
];

function toBytes(path: string, init: RequestInit = {}): string {
  const method = init.method ?? "GET";
  let head = `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n`;
  for (const [name, value] of Object.entries((init.headers ?? {}) as Record<string, string>)) head += `${name}: ${value}\r\n`;
  const body = typeof init.body === "string" ? init.body : "";
  if (body) head += `content-length: ${Buffer.byteLength(body)}\r\n`;
  return `${head}\r\n${body}`;
}

describe("app.getResponse() and a socket agree", () => {
  for (const c of cases) {
    it(`${c.name}: ${c.status} both ways`, async () => {
      const target = await start();
      const inProcess = await target.app.getResponse(c.path, c.init);
      const overSocket = await attack(target, toBytes(c.path, c.init));
      expect(inProcess.status).toBe(c.status);
      expect(overSocket.response.status).toBe(c.status);
      expect(inProcess.headers.get("location")).toBe(c.location);
      expect(overSocket.response.headers.location).toBe(c.location);
      if (c.status >= 400) {
        expect(inProcess.headers.get("x-content-type-options")).toBe("nosniff");
        expect(overSocket.response.body).toBe(await inProcess.text());
      }
      target.logged.length = 0;
    });
  }
});
