/**
 * multipart/form-data through request.form(): fields, files in memory and in
 * temporary files, limits, broken bodies, and temp-file cleanup.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Application, Request, UploadedFile, type FormOptions } from "../../lib/index.js";
import { multipartOptions, parseMultipart } from "../../lib/http/multipart.js";
import { multipartBody, type Part } from "../support/multipart-body.js";

const JSON_ACCEPT = { accept: "application/json" };
const scratch = mkdtempSync(join(tmpdir(), "handlerkit-multipart-spec-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function blank(parts: Part[]): Request {
  const { body, contentType } = multipartBody(parts);
  return Request.blank("/upload", { method: "POST", body, headers: { "content-type": contentType } });
}

/** An app whose /upload reads the form with `options` and describes it. */
function uploadApp(options: FormOptions = {}, appOptions: ConstructorParameters<typeof Application>[1] = {}) {
  const seen: UploadedFile[] = [];
  const app = new Application(
    [
      [
        "/upload",
        async (request: Request) => {
          const form = await request.form(options);
          const out: unknown[] = [];
          for (const [name, value] of form) {
            if (value instanceof UploadedFile) {
              seen.push(value);
              out.push({ name, file: value.filename, type: value.contentType, size: value.size, onDisk: value.path !== undefined, text: await value.text() });
            } else out.push({ name, value });
          }
          return out;
        },
      ],
    ],
    appOptions,
  );
  const post = (body: Buffer | string, contentType: string) =>
    app.getResponse("/upload", { method: "POST", body, headers: { "content-type": contentType, ...JSON_ACCEPT } });
  return { app, seen, post };
}

describe("request.form() with multipart/form-data", () => {
  it("gives text fields as strings and file parts as UploadedFiles, in the order sent", async () => {
    const form = await blank([
      { name: "title", value: "Holiday" },
      { name: "photo", value: Buffer.from([1, 2, 3, 4]), filename: "beach.png", type: "image/png" },
      { name: "title", value: "Again" },
      { name: "notes", value: "plain text file", filename: "notes.txt" },
    ]).form();
    expect([...form.keys()]).toEqual(["title", "photo", "notes"]);
    expect(form.getAll("title")).toEqual(["Holiday", "Again"]);
    const photo = form.get("photo") as UploadedFile;
    expect(photo).toBeInstanceOf(UploadedFile);
    expect(photo.fieldName).toBe("photo");
    expect(photo.filename).toBe("beach.png");
    expect(photo.name).toBe("beach.png");
    expect(photo.contentType).toBe("image/png");
    expect(photo.type).toBe("image/png");
    expect(photo.size).toBe(4);
    expect(photo.buffer).toEqual(Buffer.from([1, 2, 3, 4]));
    expect(photo.path).toBeUndefined();
    expect(await photo.bytes()).toEqual(Buffer.from([1, 2, 3, 4]));
    const notes = form.get("notes") as UploadedFile;
    expect(notes.contentType).toBe("text/plain");
    expect(await notes.text()).toBe("plain text file");
    const streamed: Buffer[] = [];
    for await (const chunk of notes.stream()) streamed.push(chunk as Buffer);
    expect(Buffer.concat(streamed).toString()).toBe("plain text file");
    expect(String(photo)).toBe('[UploadedFile photo: "beach.png", image/png, 4 bytes]');
  });

  it("strips directories from file names and decodes UTF-8 names", async () => {
    const form = await blank([
      { name: "a", value: "x", filename: "C:\\Users\\ada\\secret.txt" },
      { name: "b", value: "y", filename: "../../etc/passwd" },
      { name: "c", value: "z", filename: "résumé.pdf", type: "application/pdf" },
    ]).form();
    expect((form.get("a") as UploadedFile).filename).toBe("secret.txt");
    expect((form.get("b") as UploadedFile).filename).toBe("passwd");
    expect((form.get("c") as UploadedFile).filename).toBe("résumé.pdf");
  });

  it("request.files() lists only the files; request.get() only the text fields", async () => {
    const request = blank([
      { name: "doc", value: "bytes", filename: "a.bin", type: "application/octet-stream" },
      { name: "doc", value: "not a file" },
      { name: "q", value: "1" },
    ]);
    const files = await request.files();
    expect([...files.keys()]).toEqual(["doc"]);
    expect(files.getAll("doc").map((f) => f.filename)).toEqual(["a.bin"]);
    expect(request.get("doc")).toBe("not a file");
    expect(request.getAll("doc")).toEqual(["not a file"]);
    expect(await request.param("q")).toBe("1");
  });

  it("spools files over memoryThreshold to a 0600 temporary file, removed when the request ends", async () => {
    const big = Buffer.alloc(200_000, "a");
    const { body, contentType } = multipartBody([{ name: "big", value: big, filename: "big.txt", type: "text/plain" }, { name: "small", value: "s", filename: "s.txt" }]);
    let path: string | undefined;
    let existed = false;
    const app = new Application([
      [
        "/upload",
        async (request: Request) => {
          const form = await request.form({ memoryThreshold: 1024, tmpDir: scratch });
          const file = form.get("big") as UploadedFile;
          path = file.path;
          existed = path !== undefined && existsSync(path);
          expect(file.buffer).toBeUndefined();
          expect((form.get("small") as UploadedFile).path).toBeUndefined();
          return { size: file.size, same: (await file.bytes()).equals(big) };
        },
      ],
    ]);
    const res = await app.getResponse("/upload", { method: "POST", body, headers: { "content-type": contentType } });
    expect(await res.json()).toEqual({ size: 200_000, same: true });
    expect(path).toMatch(new RegExp(`^${scratch}/handlerkit-upload-[0-9a-f-]{36}$`));
    expect(existed).toBe(true);
    expect(existsSync(path!)).toBe(false);
  });

  it("moveTo() keeps an uploaded file past the end of the request", async () => {
    const { body, contentType } = multipartBody([
      { name: "big", value: Buffer.alloc(5000, "b"), filename: "big.txt" },
      { name: "small", value: "tiny", filename: "small.txt" },
    ]);
    const app = new Application([
      [
        "/upload",
        async (request: Request) => {
          const form = await request.form({ memoryThreshold: 1000, tmpDir: scratch });
          await (form.get("big") as UploadedFile).moveTo(join(scratch, "kept-big.txt"));
          await (form.get("small") as UploadedFile).moveTo(join(scratch, "kept-small.txt"));
          return 204;
        },
      ],
    ]);
    expect((await app.getResponse("/upload", { method: "POST", body, headers: { "content-type": contentType } })).status).toBe(204);
    expect(readFileSync(join(scratch, "kept-big.txt"), "utf8")).toBe("b".repeat(5000));
    expect(readFileSync(join(scratch, "kept-small.txt"), "utf8")).toBe("tiny");
  });

  it("works after body() has read the bytes, and body() after a streamed form says why it cannot", async () => {
    const request = blank([{ name: "a", value: "1" }]);
    await request.body();
    expect((await request.form()).get("a")).toBe("1");
    await expect(Request.blank("/").body()).resolves.toHaveLength(0);
  });
});

describe("multipart limits and broken bodies", () => {
  it("a truncated body is a 400, and its temporary files are removed", async () => {
    const { body, contentType } = multipartBody([
      { name: "a", value: "1" },
      { name: "big", value: Buffer.alloc(10_000, "x"), filename: "big.bin" },
    ]);
    const truncated = body.subarray(0, body.length - 3000);
    const before = new Set(readdir());
    const { post } = uploadApp({ memoryThreshold: 100, tmpDir: scratch });
    const res = await post(truncated, contentType);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 400, message: "Malformed multipart body: Unexpected end of form." });
    expect(readdir().filter((f) => !before.has(f))).toEqual([]);
  });

  it("a missing boundary is a 400", async () => {
    const { post } = uploadApp();
    const res = await post("whatever", "multipart/form-data");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 400, message: "Invalid multipart Content-Type: Multipart: Boundary not found." });
  });

  it("a temporary file is reported once it exists, so a request that has already ended removes it and none is left", async () => {
    const { body, contentType } = multipartBody([{ name: "f", value: Buffer.alloc(1024, 97), filename: "a.bin" }]);
    const reported: string[] = [];
    const before = new Set(readdir());
    // What Request.onEnd does for a request that already ended: remove at once.
    const removeAtOnce = (path: string) => {
      reported.push(path);
      rmSync(path, { force: true });
    };
    await parseMultipart(body, contentType, body.length, multipartOptions(1 << 20, 10, { memoryThreshold: 16, tmpDir: scratch }), removeAtOnce);
    expect(reported).toHaveLength(1);
    expect(existsSync(reported[0]!)).toBe(false);
    expect(readdir().filter((f) => !before.has(f))).toEqual([]);
  });

  it("a boundary over 70 characters is a 400 (RFC 2046 §5.1.1)", async () => {
    const { post } = uploadApp();
    const boundary = "x".repeat(71);
    const res = await post(`--${boundary}\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--${boundary}--\r\n`, `multipart/form-data; boundary=${boundary}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 400, message: "The multipart boundary is longer than 70 characters (RFC 2046 §5.1.1)." });
  });

  it("a file over maxFileSize is a 413 naming it", async () => {
    const { body, contentType } = multipartBody([{ name: "f", value: Buffer.alloc(2000), filename: "huge.bin" }]);
    const res = await uploadApp({ maxFileSize: 1000 }).post(body, contentType);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: 413, message: 'The file "huge.bin" is larger than the limit of 1000 bytes.' });
  });

  it("a body over the body limit is a 413", async () => {
    const { body, contentType } = multipartBody([{ name: "f", value: Buffer.alloc(3000), filename: "a.bin" }]);
    const res = await uploadApp({}, { bodyLimit: 1000 }).post(body, contentType);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: 413, message: "The request body is larger than the limit of 1000 bytes." });
  });

  it("a text field over maxFieldSize is a 413", async () => {
    const { body, contentType } = multipartBody([{ name: "essay", value: "x".repeat(500) }]);
    const res = await uploadApp({ maxFieldSize: 100 }).post(body, contentType);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: 413, message: 'The form field "essay" is larger than the limit of 100 bytes.' });
  });

  it("more files, fields or parts than allowed is a 400", async () => {
    const files = multipartBody([1, 2, 3].map((i) => ({ name: `f${i}`, value: "x", filename: `${i}.txt` })));
    expect(await (await uploadApp({ maxFiles: 2 }).post(files.body, files.contentType)).json()).toEqual({ error: 400, message: "Too many files in the form: more than 2." });
    const fields = multipartBody([1, 2, 3].map((i) => ({ name: `a${i}`, value: "x" })));
    expect(await (await uploadApp({ maxFields: 2 }).post(fields.body, fields.contentType)).json()).toEqual({ error: 400, message: "Too many fields in the form: more than 2." });
    expect(await (await uploadApp({ maxParts: 2 }).post(fields.body, fields.contentType)).json()).toEqual({ error: 400, message: "Too many parts in the form: more than 2." });
  });

  it("10,000 tiny fields are refused fast by the default field cap (the app's maxParams)", async () => {
    const many = multipartBody(Array.from({ length: 10_000 }, (_, i) => ({ name: `a${i}`, value: "1" })));
    const started = performance.now();
    const res = await uploadApp().post(many.body, many.contentType);
    expect(performance.now() - started).toBeLessThan(500);
    expect(await res.json()).toEqual({ error: 400, message: "Too many fields in the form: more than 1000." });
  });
});

function readdir(): string[] {
  return readdirSync(scratch).filter((name) => name.startsWith("handlerkit-upload-"));
}
