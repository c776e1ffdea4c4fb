/**
 * handlerkit: class-based request handlers for TypeScript on node:http.
 * This barrel only re-exports; each concept lives in the file named after it.
 */
export { Application } from "./application.js";
export type { ApplicationOptions, CloseOptions, ErrorHandler, LifecycleHook, Logger, Registrar, ServerSettings } from "./application.js";
export type { AccessLogOption, AccessRecord } from "./server/access-log.js";
export type { ListenOptions, NodeServer, RunOptions, TlsOptions, TransportOptions } from "./server/server.js";
export type { HealthCheck, HealthChecks, HealthOptions } from "./server/health.js";
export type { TrustProxyOption } from "./security/proxy-trust.js";
export { LazyHandler, lazy } from "./core/handler.js";
export type { HandlerClass, HandlerFunction, HandlerInstance } from "./core/handler.js";
export type { Adapter } from "./core/adapters.js";
export type { Middleware, Next } from "./core/middleware.js";
export type { RateLimitHit, RateLimitStore } from "./middleware/rate-limit-store.js";
export { cors } from "./middleware/cors.js";
export type { CorsOptions, CorsOrigin } from "./middleware/cors.js";
export { compress } from "./middleware/compress.js";
export type { CompressOptions, Encoding } from "./middleware/compress.js";
export { serveStatic } from "./middleware/serve-static.js";
export type { Precompressed, StaticOptions } from "./middleware/serve-static.js";
export { securityHeaders } from "./middleware/security-headers.js";
export type { CspDirectives, SecurityHeadersOptions } from "./middleware/security-headers.js";
export { rateLimit } from "./middleware/rate-limit.js";
export type { RateLimitOptions } from "./middleware/rate-limit.js";
export { MemoryRateLimitStore } from "./middleware/memory-rate-limit-store.js";
export type { MemoryRateLimitStoreOptions } from "./middleware/memory-rate-limit-store.js";
export { requestTimer } from "./middleware/request-timer.js";
export type { RequestTimerOptions } from "./middleware/request-timer.js";
export type { AdapterFactory, Dispatcher } from "./core/router.js";
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
} from "./http/errors.js";
export type { AbortOptions, HttpErrorClass, HttpErrorOptions } from "./http/errors.js";
export { errorPage, escapeHtml } from "./views/error-page.js";
export type { ErrorBody, ErrorFormat, ErrorPageOptions } from "./views/error-page.js";
export type { JsonOptions, JsonParse, JsonStringify } from "./http/json-encoder.js";
export { JsonHandler, jsonView } from "./views/json-view.js";
export type { JsonViewOptions } from "./views/json-view.js";
export { HeaderMap } from "./http/header-map.js";
export type { HeadersInit, HeaderValue } from "./http/header-map.js";
export { MultiDict } from "./http/multi-dict.js";
export { UploadedFile } from "./http/multipart.js";
export type { FormValue, MultipartOptions } from "./http/multipart.js";
export { Request } from "./core/request.js";
export type { BodyOptions, FormOptions, JsonReadOptions, RequestInit, RouteKwargs } from "./core/request.js";
export { RequestHandler } from "./core/request-handler.js";
export type { RedirectOptions } from "./core/request-handler.js";
export { Response } from "./core/response.js";
export type { CookieOptions, RedirectPolicy, ResponseBody, StreamBody } from "./core/response.js";
export type { FileOptions, FileResponse } from "./core/response.js";
export type { Dotfiles, FileLookup } from "./http/files.js";
export { Route } from "./core/route.js";
export type { BuildOptions, Handler, HandlerFor, PathMatch, Pattern, RouteOptions, TrailingSlash } from "./core/route.js";
export type { BuildParams, ParamsOf, RouteName, RouteParams, RouteTable } from "./core/route-params.js";
export type { RouteSchema, ValidData, ValidPart, ValidRequest } from "./core/route-schema.js";
export type { HandlerParams, RequestFor } from "./core/route.js";
export type { StandardJSONSchemaV1, StandardSchemaV1, StandardTypedV1 } from "./http/standard-schema.js";
export type { ValidationIssue } from "./http/validate.js";
export type { JsonSchema, OpenApiDocument, OpenApiOperation, OpenApiOptions } from "./extras/openapi.js";
export { converters } from "./core/converters.js";
export type { Converter } from "./core/converters.js";
export { RedirectRoute } from "./extras/redirect-route.js";
export type { RedirectRouteOptions, RedirectTarget } from "./extras/redirect-route.js";
export { DomainRoute, HandlerPrefixRoute, NamePrefixRoute, PathPrefixRoute } from "./extras/route-groups.js";
export type { GroupOptions, LazyRouteLike } from "./extras/route-groups.js";
export type { HostPattern } from "./core/host-pattern.js";
export { handler } from "./routes/handler.js";
export type { SubpathHandler, SubpathOptions, Verb, VerbFunction } from "./routes/handler.js";
export type { LoadRoutesOptions } from "./routes/load-routes.js";
export { getApp, getRequest } from "./core/context.js";
export { sse } from "./extras/sse.js";
export type { ServerSentEvent, SseOptions } from "./extras/sse.js";
export { Router } from "./core/router.js";
export { addTemplateContext, render, TemplateError } from "./core/templates.js";
export type { LoadableEngine, TemplateContextProvider, TemplateEngine, TemplateErrorOptions, TemplateOptions, Templates } from "./core/templates.js";
export { nunjucksEngine } from "./extras/nunjucks-engine.js";
export type { NunjucksEngine, NunjucksEnvironment, NunjucksOptions } from "./extras/nunjucks-engine.js";
export { sameOriginPath, sameSiteTarget } from "./security/safe-redirect.js";
export type { Builder, Matcher, RouteGroup, RouteLike, RouteMatch } from "./core/router.js";
export { hashPassword, needsRehash, verifyPassword } from "./security/passwords.js";
export type { ScryptParams } from "./security/passwords.js";
export { randomToken } from "./security/random-token.js";
export type { RedisClient } from "./extras/redis-client.js";
export { RedisRateLimitStore } from "./middleware/redis-rate-limit-store.js";
export type { RedisRateLimitStoreOptions } from "./middleware/redis-rate-limit-store.js";
export { sessions } from "./sessions/sessions.js";
export type { SessionOptions } from "./sessions/sessions.js";
export type { Flash, Session } from "./sessions/session.js";
export type { SessionRecord, SessionStore } from "./sessions/session-store.js";
export { CookieStore } from "./sessions/cookie-store.js";
export { MemoryStore } from "./sessions/memory-store.js";
export type { MemoryStoreOptions } from "./sessions/memory-store.js";
export { RedisStore } from "./sessions/redis-store.js";
export type { RedisStoreOptions } from "./sessions/redis-store.js";
export { authenticate, login, loginRequired, logout, permissionRequired } from "./sessions/users.js";
export type { AuthenticateOptions, UserId, UserResolver } from "./sessions/users.js";
export { csrf, csrfExempt } from "./sessions/csrf.js";
export type { CsrfOptions } from "./sessions/csrf.js";
