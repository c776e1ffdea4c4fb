/**
 * lib/security/path-guard.ts: what the router never sees.
 */
import { describe, expect, it } from "vitest";
import { BadRequest, URITooLong } from "../../lib/index.js";
import { guardPath, type PathLimits } from "../../lib/security/path-guard.js";

const limits: PathLimits = { maxPathLength: 64, maxParamLength: 16 };
const guard = (path: string, method = "GET") => guardPath(method, path, limits);

describe("guardPath()", () => {
  it("lets ordinary paths through, encoded ones included", () => {
    for (const path of ["/", "/users/7", "/a%2Fb", "/caf%C3%A9", "/..x/.y/z.", "/a%20b"]) expect(guard(path)).toBe(false);
  });

  it("refuses dot segments, plain or encoded", () => {
    for (const path of ["/..", "/.", "/a/../b", "/a/./b", "/%2e%2e/x", "/%2E/x", "/.%2e/x", "/a/.."]) {
      expect(() => guard(path), path).toThrow(new BadRequest("The path has a '.' or '..' segment; they are not resolved, send the path without them."));
    }
  });

  it("refuses invalid percent-encoding and encoded NUL", () => {
    for (const path of ["/%zz", "/%", "/a%2", "/%C0%AF", "/%ED%A0%80"]) expect(() => guard(path), path).toThrow(new BadRequest("The path has invalid percent-encoding."));
    expect(() => guard("/a%00")).toThrow(new BadRequest("The path holds a NUL character."));
  });

  it("answers 414 for a long path or a long segment", () => {
    expect(() => guard(`/${"a/".repeat(40)}`)).toThrow(new URITooLong("The path is longer than 64 bytes."));
    expect(() => guard(`/x/${"a".repeat(17)}`)).toThrow(new URITooLong("A path segment is longer than 16 bytes."));
    expect(guard(`/x/${"a".repeat(16)}`)).toBe(false);
  });

  it("applies maxPathLength when it is below maxParamLength", () => {
    const tight: PathLimits = { maxPathLength: 8, maxParamLength: 1024 };
    expect(() => guardPath("GET", "/abcdefghij", tight)).toThrow(new URITooLong("The path is longer than 8 bytes."));
    expect(guardPath("GET", "/abcdefg", tight)).toBe(false);
  });

  it("answers OPTIONS * with 204 and Allow, and refuses * with other methods and non-path targets", () => {
    expect(guard("*", "OPTIONS")).toBe(true);
    expect(() => guard("*")).toThrow(new BadRequest("The request target * is only for OPTIONS."));
    expect(() => guardPath("GET", "http://evil.example/x", limits)).toThrow(new BadRequest("The request target must be a path starting with /."));
  });
});
