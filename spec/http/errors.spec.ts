import { describe, expect, it } from "vitest";
import { httpError, reasonPhrase } from "../../lib/http/errors.js";
import {
  abort,
  Application,
  BadGateway,
  BadRequest,
  Conflict,
  Forbidden,
  GatewayTimeout,
  Gone,
  HttpError,
  InternalServerError,
  LengthRequired,
  MethodNotAllowed,
  NotAcceptable,
  NotFound,
  NotImplemented,
  PayloadTooLarge,
  PreconditionFailed,
  RangeNotSatisfiable,
  RequestHandler,
  RequestHeaderFieldsTooLarge,
  RequestTimeout,
  ServiceUnavailable,
  TooManyRequests,
  Unauthorized,
  UnprocessableEntity,
  UnsupportedMediaType,
  URITooLong,
  type HttpErrorClass,
} from "../../lib/index.js";

// Every subclass the contract names, with its status and reason phrase.
const SUBCLASSES: [HttpErrorClass, number, string][] = [
  [BadRequest, 400, "Bad Request"],
  [Unauthorized, 401, "Unauthorized"],
  [Forbidden, 403, "Forbidden"],
  [NotFound, 404, "Not Found"],
  [MethodNotAllowed, 405, "Method Not Allowed"],
  [NotAcceptable, 406, "Not Acceptable"],
  [RequestTimeout, 408, "Request Timeout"],
  [Conflict, 409, "Conflict"],
  [Gone, 410, "Gone"],
  [LengthRequired, 411, "Length Required"],
  [PreconditionFailed, 412, "Precondition Failed"],
  [PayloadTooLarge, 413, "Payload Too Large"],
  [URITooLong, 414, "URI Too Long"],
  [UnsupportedMediaType, 415, "Unsupported Media Type"],
  [RangeNotSatisfiable, 416, "Range Not Satisfiable"],
  [UnprocessableEntity, 422, "Unprocessable Entity"],
  [TooManyRequests, 429, "Too Many Requests"],
  [RequestHeaderFieldsTooLarge, 431, "Request Header Fields Too Large"],
  [InternalServerError, 500, "Internal Server Error"],
  [NotImplemented, 501, "Not Implemented"],
  [BadGateway, 502, "Bad Gateway"],
  [ServiceUnavailable, 503, "Service Unavailable"],
  [GatewayTimeout, 504, "Gateway Timeout"],
];

describe("HttpError", () => {
  it("carries status, message, headers, detail and cause", () => {
    const cause = new Error("upstream down");
    const error = new HttpError(429, { message: "Slow down", headers: { "Retry-After": "30" }, detail: { limit: 10 }, cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.status).toBe(429);
    expect(error.message).toBe("Slow down");
    expect(error.headers).toEqual({ "Retry-After": "30" });
    expect(error.detail).toEqual({ limit: 10 });
    expect(error.cause).toBe(cause);
    expect(error.name).toBe("HttpError");
  });

  it("defaults the message to the reason phrase, headers to {} and has no cause", () => {
    const error = new HttpError(418);
    expect(error.message).toBe("I'm a Teapot");
    expect(error.headers).toEqual({});
    expect(error.detail).toBeUndefined();
    expect("cause" in error).toBe(false);
  });

  it("exposes 4xx messages and hides 5xx ones unless told otherwise", () => {
    expect(new HttpError(404).expose).toBe(true);
    expect(new HttpError(499).expose).toBe(true);
    expect(new HttpError(500).expose).toBe(false);
    expect(new HttpError(503, { expose: true }).expose).toBe(true);
    expect(new HttpError(400, { expose: false }).expose).toBe(false);
  });

  it("refuses a status that cannot be sent, where the mistake is made", () => {
    expect(() => new HttpError(99)).toThrow(RangeError);
    expect(() => new HttpError(1000)).toThrow(
      "An HttpError's status is an error status, an integer from 400 to 599, not 1000: answer other statuses with a Response (Response.redirect() for 3xx).",
    );
    expect(() => new HttpError(404.5)).toThrow(RangeError);
    expect(() => abort(Number.NaN)).toThrow(RangeError);
  });
});

describe("status subclasses", () => {
  it.each(SUBCLASSES)("%o is %i %s", (cls, status, phrase) => {
    expect(cls.status).toBe(status);
    const error = new cls();
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toBeInstanceOf(cls);
    expect(error.status).toBe(status);
    expect(error.message).toBe(phrase);
    expect(error.name).toBe(cls.name);
    expect(error.expose).toBe(status < 500);
  });

  it("take (message?, { headers, detail, cause }?)", () => {
    const cause = new SyntaxError("bad");
    const error = new BadRequest("Invalid user", { detail: { name: ["required"] }, headers: { "x-a": "1" }, cause });
    expect(error.message).toBe("Invalid user");
    expect(error.detail).toEqual({ name: ["required"] });
    expect(error.headers).toEqual({ "x-a": "1" });
    expect(error.cause).toBe(cause);
    const allow = new MethodNotAllowed(undefined, { headers: { allow: "GET, HEAD" } });
    expect(allow.message).toBe("Method Not Allowed");
    expect(allow.headers).toEqual({ allow: "GET, HEAD" });
  });
});

describe("abort() and httpError()", () => {
  it.each(SUBCLASSES)("abort picks %o for its status", (cls, status) => {
    let thrown: unknown;
    try {
      abort(status);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(cls);
  });

  it("passes message, headers, detail and cause on", () => {
    const cause = new Error("x");
    const error = httpError(401, { message: "Log in", headers: { "WWW-Authenticate": 'Bearer realm="api"' }, detail: 1, cause });
    expect(error).toBeInstanceOf(Unauthorized);
    expect(error.message).toBe("Log in");
    expect(error.headers).toEqual({ "WWW-Authenticate": 'Bearer realm="api"' });
    expect(error.detail).toBe(1);
    expect(error.cause).toBe(cause);
  });

  it("still works for statuses without a subclass", () => {
    const teapot = httpError(418);
    expect(teapot.constructor).toBe(HttpError);
    expect(teapot.status).toBe(418);
    expect(teapot.message).toBe("I'm a Teapot");
    const unknown = httpError(599, { message: "Odd" });
    expect(unknown.status).toBe(599);
    expect(unknown.message).toBe("Odd");
    expect(httpError(598).message).toBe("Unknown Status");
    expect(reasonPhrase(598)).toBe("Unknown Status");
  });

  it("answers the request with the status, headers and message (in process)", async () => {
    class Limited extends RequestHandler {
      get() {
        this.abort(429, { message: "Slow down", headers: { "Retry-After": "30" } });
      }
    }
    const app = new Application([["/limited", Limited]]);
    app.route("/teapot")(() => abort(418));
    const res = await app.getResponse("/limited", { headers: { accept: "application/json" } });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("30");
    expect(await res.json()).toEqual({ error: 429, message: "Slow down" });
    const teapot = await app.getResponse("/teapot", { headers: { accept: "application/json" } });
    expect(teapot.status).toBe(418);
    expect(await teapot.json()).toEqual({ error: 418, message: "I'm a Teapot" });
  });
});
