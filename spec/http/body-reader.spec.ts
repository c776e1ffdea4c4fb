/**
 * readBody() and decodeText(): bodies under a byte limit, never buffered
 * past it.
 */
import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { decodeText, readBody } from "../../lib/http/body-reader.js";
import { BadRequest, type HttpError, PayloadTooLarge, UnsupportedMediaType } from "../../lib/index.js";

describe("readBody()", () => {
  it("reads the chunks into one Buffer", async () => {
    expect((await readBody(Readable.from([Buffer.from("ab"), Buffer.from("cd")]), 10)).toString()).toBe("abcd");
    expect((await readBody(Readable.from([]), 10)).length).toBe(0);
  });

  it("refuses a declared length over the limit without reading a byte", async () => {
    const stream = new PassThrough();
    let read = 0;
    stream.on("data", (chunk: Buffer) => (read += chunk.length));
    const result = readBody(stream, 10, 11);
    await expect(result).rejects.toBeInstanceOf(PayloadTooLarge);
    await expect(result).rejects.toThrow("The request body is larger than the limit of 10 bytes.");
    expect(read).toBe(0);
  });

  it("stops keeping chunks at the first one past the limit, and drains the rest", async () => {
    const stream = new PassThrough();
    const result = readBody(stream, 5);
    stream.write("abc");
    stream.write("def");
    const error = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadTooLarge);
    expect((error as HttpError).headers).toEqual({ connection: "close" });
    // Still flowing: what follows is dropped, not buffered.
    expect(stream.readableFlowing).toBe(true);
    expect(stream.listenerCount("data")).toBe(0);
    stream.end("more bytes that nobody keeps");
  });

  it("a stream that fails or is aborted is a 400", async () => {
    const failing = new PassThrough();
    const result = readBody(failing, 100);
    failing.destroy(new Error("socket hang up"));
    await expect(result).rejects.toBeInstanceOf(BadRequest);
    const aborted = new PassThrough();
    const second = readBody(aborted, 100);
    aborted.emit("aborted");
    await expect(second).rejects.toThrow("The request body could not be read.");
  });
});

describe("decodeText()", () => {
  it("decodes UTF-8 by default and other charsets by name", () => {
    expect(decodeText(Buffer.from("héllo"), undefined)).toBe("héllo");
    expect(decodeText(Buffer.from("héllo"), "utf-8")).toBe("héllo");
    expect(decodeText(Buffer.from([0xe9]), "iso-8859-1")).toBe("é");
    expect(decodeText(Buffer.from([0xff, 0xfe, 0x41, 0x00]), "utf-16le")).toBe("A");
  });

  it("an unknown charset is a 415", () => {
    expect(() => decodeText(Buffer.from("x"), "x-unknown")).toThrow(UnsupportedMediaType);
  });
});
