/**
 * Debian's Chromium for the browser specs (driven through playwright-core
 * with `executablePath`), and whether it is installed: a spec skips with a
 * message saying how to get it when it is not.
 */
import { existsSync } from "node:fs";

/** Where Debian's `chromium` package puts the browser. */
export const CHROMIUM = "/usr/bin/chromium";

/** Whether it is installed here. */
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

// Without the background-networking flags, Chromium on a closed network
// stalls on update and sync requests.
/** The flags every browser spec launches it with. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Say, once per spec file, that `spec` is skipped and how CI gets the browser. */
export function warnIfNoChromium(spec: string): void {
  if (!HAVE_CHROMIUM) console.warn(`${spec}: skipped, ${CHROMIUM} is not installed (apt-get install chromium; .ci/run does it).`);
}
