/**
 * handlerkit: class-based request handlers for TypeScript on node:http.
 * This barrel only re-exports; each concept lives in the file named after it.
 */
export { Application } from "./application.js";
export type { ApplicationOptions, CloseOptions, ErrorHandler, LifecycleHook, Logger, Registrar, ServerSettings } from "./application.js";
export type { AccessLogOption, AccessRecord } from "./access-log.js";
export type { ListenOptions, NodeServer, RunOptions, TlsOptions, TransportOptions } from "./server.js";
export { LazyHandler, lazy } from "./adapters.js";
export type { Adapter, AdapterFactory, HandlerClass, HandlerFunction, HandlerInstance } from "./adapters.js";
export type { Dispatcher } from "./dispatcher.js";
export {
  abort,
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
  RequestHeaderFieldsTooLarge,
  RequestTimeout,
  ServiceUnavailable,
  TooManyRequests,
  UnprocessableEntity,
  Unauthorized,
  UnsupportedMediaType,
  URITooLong,
} from "./errors.js";
export type { AbortOptions, HttpErrorClass, HttpErrorOptions } from "./errors.js";
export { errorPage, escapeHtml } from "./error-page.js";
export type { ErrorBody, ErrorFormat, ErrorPageOptions } from "./error-page.js";
export type { JsonOptions, JsonParse, JsonStringify } from "./json-encoder.js";
export { JsonHandler, jsonView } from "./json-view.js";
export type { JsonViewOptions } from "./json-view.js";
export { HeaderMap } from "./header-map.js";
export type { HeadersInit, HeaderValue } from "./header-map.js";
export { MultiDict } from "./multi-dict.js";
export { UploadedFile } from "./multipart.js";
export type { FormValue, MultipartOptions } from "./multipart.js";
export { Request } from "./request.js";
export type { BodyOptions, FormOptions, JsonReadOptions, RequestInit, RouteKwargs } from "./request.js";
export { RequestHandler } from "./request-handler.js";
export type { RedirectOptions } from "./request-handler.js";
export { Response } from "./response.js";
export type { CookieOptions, ResponseBody, StreamBody } from "./response.js";
export type { FileOptions, FileResponse } from "./file-response.js";
export { Route } from "./route.js";
export type { BuildOptions, Handler, HandlerFor, PathMatch, Pattern, RouteOptions, TrailingSlash } from "./route.js";
export type { BuildParams, ParamsOf, RouteName, RouteParams, RouteTable } from "./route-params.js";
export { converters } from "./converters.js";
export type { Converter } from "./converters.js";
export { RedirectRoute } from "./redirect-route.js";
export type { RedirectRouteOptions, RedirectTarget } from "./redirect-route.js";
export { getApp, getRequest } from "./context.js";
export { sse } from "./sse.js";
export type { ServerSentEvent, SseOptions } from "./sse.js";
export { Router } from "./router.js";
export { sameSiteTarget } from "./safe-redirect.js";
export type { Builder, Matcher, RouteLike, RouteMatch } from "./router.js";
