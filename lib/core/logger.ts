/**
 * Where the application writes errors, warnings and access lines.
 */

/** Where the application writes errors (and access lines, with `accessLog`). `console` fits; so do pino and friends. */
export interface Logger {
  error(message: string, ...meta: unknown[]): void;
  warn?(message: string, ...meta: unknown[]): void;
  info?(message: string, ...meta: unknown[]): void;
}
