/**
 * HTTP errors: one small class hierarchy with the status as data.
 *
 * A handler ends a request with an HTTP error by throwing one of these (or by
 * calling {@link abort}, which picks the right class from a registry). The
 * application turns it into a response: the handler's `handleException`
 * first, then `app.errorHandlers[status]`, then the built-in error page.
 */
import { STATUS_CODES } from "node:http";
import { isProxy } from "node:util/types";

/** What every `HttpError` constructor accepts besides the message. */
export interface HttpErrorOptions {
  /** Headers to send with the error response (`Allow`, `WWW-Authenticate`, `Retry-After`, ...). */
  headers?: Record<string, string>;
  /** Extra data for JSON error bodies, such as field errors. */
  detail?: unknown;
  /** The error that caused this one (shown on the debug page, never to clients outside debug). */
  cause?: unknown;
  /**
   * Show the message (and `detail`) to the client outside debug mode. The
   * default is true below 500 and false from 500 up, so a 5xx message stays
   * private unless it was written for the client (`"Back at 3 pm"` on a 503).
   */
  expose?: boolean;
}

/** Options of {@link abort} and `handler.abort()`: an `HttpErrorOptions` plus the message. */
export interface AbortOptions extends HttpErrorOptions {
  message?: string;
}

/**
 * An error that carries an HTTP status. Thrown from a handler, it becomes a
 * response with that status; its `message` is meant for the client (4xx
 * messages are shown even outside debug mode; 5xx ones are not).
 *
 * @example
 * throw new HttpError(429, { message: "Slow down", headers: { "Retry-After": "30" } });
 */
export class HttpError extends Error {
  /** The status a subclass stands for; `HttpError` itself takes it from the constructor. */
  static status = 500;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly detail: unknown;
  /** Whether the message and `detail` are for the client (4xx by default; see `HttpErrorOptions.expose`). */
  readonly expose: boolean;

  constructor(status: number, options: AbortOptions = {}) {
    // A status that is not an error is a programming error (finalhandler
    // answers it with a 500, and so do we): fail here, where it was made,
    // so that the 500 is logged with this message and a 1xx or 999 never
    // reaches the wire.
    if (!isErrorStatus(status) && !(makingRedirect && Number.isInteger(status) && status >= 300 && status <= 399)) {
      throw new RangeError(
        `An HttpError's status is an error status, an integer from 400 to 599, not ${typeof status === "number" ? String(status) : JSON.stringify(status)}: answer other statuses with a Response (Response.redirect() for 3xx).`,
      );
    }
    super(options.message ?? reasonPhrase(status), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.headers = options.headers ?? {};
    this.detail = options.detail;
    this.expose = options.expose ?? status < 500;
  }
}

/** Whether `status` is an error status: an integer from 400 to 599, what an `HttpError` carries. */
export function isErrorStatus(status: unknown): status is number {
  return typeof status === "number" && Number.isInteger(status) && status >= 400 && status <= 599;
}

// Set only while `redirectError()` makes the one kind of HttpError with a 3xx.
let makingRedirect = false;

/**
 * The redirect the framework itself raises before any handler runs (the
 * trailing-slash policy): the one `HttpError` with a 3xx status, answered
 * with `Location` and never logged. Not part of the package's exports:
 * handlers redirect with `Response.redirect()` or `handler.redirect()`, whose
 * targets are checked.
 */
export function redirectError(status: 301 | 302 | 307 | 308, location: string): HttpError {
  makingRedirect = true;
  try {
    return new HttpError(status, { message: `Moved to ${location}`, headers: { location } });
  } finally {
    makingRedirect = false;
  }
}

/**
 * A thrown value the error path can read: the value itself, or, for a
 * `Proxy` (whose traps may throw on `instanceof` or any property read), a
 * plain `Error` standing for it. Anything may be thrown; the answer must
 * still be a 500.
 */
export function readableError(error: unknown): unknown {
  if (isProxy(error)) return new Error("A Proxy was thrown (its traps are not run by the error path).");
  return error;
}

/** The standard reason phrase of a status (`404` → `Not Found`), or `Unknown Status`. */
export function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? "Unknown Status";
}

/** The constructor shape of every status subclass: `new NotFound(message?, options?)`. */
export type HttpErrorClass = (new (message?: string, options?: HttpErrorOptions) => HttpError) & { status: number };

// One subclass per common status. Each only states its status: the message
// defaults to the reason phrase, and status-specific data (Allow on 405) is
// passed through `headers`.
function define(status: number, name: string): HttpErrorClass {
  const cls = {
    [name]: class extends HttpError {
      static override status = status;
      constructor(message?: string, options: HttpErrorOptions = {}) {
        super(status, { ...options, message });
      }
    },
  }[name]!;
  return cls;
}

/** 400: the request is malformed (bad JSON, invalid percent-encoding, failed validation). */
export const BadRequest = define(400, "BadRequest");
/** 401: authentication is needed; pass a `WWW-Authenticate` header. */
export const Unauthorized = define(401, "Unauthorized");
/** 403: the client may not do this. */
export const Forbidden = define(403, "Forbidden");
/** 404: nothing is here. */
export const NotFound = define(404, "NotFound");
/** 405: the path exists but not for this method; pass an `Allow` header. */
export const MethodNotAllowed = define(405, "MethodNotAllowed");
/** 406: nothing matches the client's `Accept`. */
export const NotAcceptable = define(406, "NotAcceptable");
/** 408: the client took too long. */
export const RequestTimeout = define(408, "RequestTimeout");
/** 409: the request conflicts with the current state. */
export const Conflict = define(409, "Conflict");
/** 410: it was here and is gone for good. */
export const Gone = define(410, "Gone");
/** 411: a body was sent without a length. */
export const LengthRequired = define(411, "LengthRequired");
/** 412: a precondition header failed. */
export const PreconditionFailed = define(412, "PreconditionFailed");
/** 413: the body is over the limit. */
export const PayloadTooLarge = define(413, "PayloadTooLarge");
/** 414: the URI (or a parameter of it) is over the limit. */
export const URITooLong = define(414, "URITooLong");
/** 415: the body's media type is not one this handler reads. */
export const UnsupportedMediaType = define(415, "UnsupportedMediaType");
/** 416: the requested range cannot be served. */
export const RangeNotSatisfiable = define(416, "RangeNotSatisfiable");
/** 422: the body is well-formed but invalid. */
export const UnprocessableEntity = define(422, "UnprocessableEntity");
/** 429: too many requests; pass `Retry-After`. */
export const TooManyRequests = define(429, "TooManyRequests");
/** 431: the headers are too large. */
export const RequestHeaderFieldsTooLarge = define(431, "RequestHeaderFieldsTooLarge");
/** 500: an error on our side. */
export const InternalServerError = define(500, "InternalServerError");
/** 501: the method is not one this application serves. */
export const NotImplemented = define(501, "NotImplemented");
/** 502: an upstream answered badly. */
export const BadGateway = define(502, "BadGateway");
/** 503: try again later; pass `Retry-After`. */
export const ServiceUnavailable = define(503, "ServiceUnavailable");
/** 504: an upstream (or the handler, on timeout) took too long. */
export const GatewayTimeout = define(504, "GatewayTimeout");

const registry = new Map<number, HttpErrorClass>(
  [
    BadRequest, Unauthorized, Forbidden, NotFound, MethodNotAllowed, NotAcceptable, RequestTimeout, Conflict,
    Gone, LengthRequired, PreconditionFailed, PayloadTooLarge, URITooLong, UnsupportedMediaType,
    RangeNotSatisfiable, UnprocessableEntity, TooManyRequests, RequestHeaderFieldsTooLarge,
    InternalServerError, NotImplemented, BadGateway, ServiceUnavailable, GatewayTimeout,
  ].map((cls) => [cls.status, cls]),
);

/**
 * Make the `HttpError` for a status: the registered subclass when there is
 * one (`404` → `NotFound`), a plain `HttpError` otherwise, so unknown
 * statuses still work.
 */
export function httpError(status: number, options: AbortOptions = {}): HttpError {
  const cls = registry.get(status);
  return cls ? new cls(options.message, options) : new HttpError(status, options);
}

/**
 * End the current request with an HTTP error: throws the `HttpError` for
 * `status`. Usable anywhere in a request's call chain. A status that is not
 * an error status (outside 400 to 599: `abort(302)`, `abort(999)`) throws a
 * `RangeError` instead, which the application answers with a logged 500.
 *
 * @example
 * if (!user) abort(404, { message: "No such user" });
 */
export function abort(status: number, options?: AbortOptions): never {
  throw httpError(status, options);
}
