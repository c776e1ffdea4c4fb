/**
 * lib/server/access-log.ts: the record, its text and JSON forms, and a
 * logger that fails. Over real sockets in spec/e2e/server-lifecycle.spec.ts.
 */
import { EventEmitter } from "node:events";
import type { ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { Request, Response, type AccessRecord } from "../../lib/index.js";
import { formatAccess, logAccess } from "../../lib/server/access-log.js";

class FakeRes extends EventEmitter {
  headersSent = true;
  statusCode = 200;
}

function entry(method: string, response: Response, path = "/things/1?token=secret") {
  const request = Request.blank(path, { method });
  const res = new FakeRes();
  response.prepare(method === "HEAD");
  return { request, response, res: res as unknown as ServerResponse, start: performance.now(), fake: res };
}

describe("formatAccess()", () => {
  it("writes method, path, status, bytes, duration and id", () => {
    const record: AccessRecord = { time: "2026-01-01T00:00:00.000Z", id: "abc", method: "GET", path: "/x", status: 200, bytes: 12, duration: 1.25 };
    expect(formatAccess(record)).toBe("GET /x 200 12 1.25ms abc");
  });
});

describe("logAccess()", () => {
  it("logs the record when the response closes, without the query string", () => {
    const records: AccessRecord[] = [];
    const e = entry("GET", new Response("hello"));
    logAccess((record) => records.push(record), { logger: console }, e);
    expect(records).toEqual([]);
    e.fake.statusCode = 201;
    e.fake.emit("close");
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ id: e.request.id, method: "GET", path: "/things/1", status: 201, bytes: 5 });
    expect(records[0]!.duration).toBeGreaterThanOrEqual(0);
  });

  it("counts a streamed body as it is piped, and nothing for HEAD", async () => {
    const records: AccessRecord[] = [];
    const streamed = entry("GET", new Response(Readable.from(["ab", "cdé"])));
    logAccess((record) => records.push(record), { logger: console }, streamed);
    const source = Readable.from(["ab", Buffer.from("cdé")]);
    streamed.fake.emit("pipe", source);
    for await (const _ of source) void _;
    streamed.fake.emit("close");
    const head = entry("HEAD", new Response("hello"));
    logAccess((record) => records.push(record), { logger: console }, head);
    head.fake.emit("close");
    expect(records.map((r) => r.bytes)).toEqual([6, 0]);
  });

  it("records status 0 when the connection was lost before a response", () => {
    const records: AccessRecord[] = [];
    const e = entry("GET", new Response("hello"));
    e.fake.headersSent = false;
    logAccess((record) => records.push(record), { logger: console }, e);
    e.fake.emit("close");
    expect(records[0]).toMatchObject({ status: 0, bytes: 5 });
  });

  it("writes text or JSON lines with logger.info, reading the logger when it writes", () => {
    const lines: string[] = [];
    const owner = { logger: { error() {}, info: () => {} } as { error(): void; info(line: string): void } };
    const text = entry("GET", new Response("hi"));
    logAccess("text", owner, text);
    owner.logger = { error() {}, info: (line: string) => void lines.push(line) };
    text.fake.emit("close");
    const json = entry("GET", new Response("hi"));
    logAccess("json", owner, json);
    json.fake.emit("close");
    expect(lines[0]).toMatch(new RegExp(`^GET /things/1 200 2 [\\d.]+ms ${text.request.id}$`));
    expect(JSON.parse(lines[1]!)).toMatchObject({ id: json.request.id, method: "GET", path: "/things/1", status: 200, bytes: 2 });
  });

  it("survives a logger that throws or has no info()", () => {
    const throwing = entry("GET", new Response("x"));
    logAccess(true, { logger: { error() {}, info: () => { throw new Error("disk full"); } } }, throwing);
    expect(() => throwing.fake.emit("close")).not.toThrow();
    const silent = entry("GET", new Response("x"));
    logAccess(true, { logger: { error() {} } }, silent);
    expect(() => silent.fake.emit("close")).not.toThrow();
  });
});
