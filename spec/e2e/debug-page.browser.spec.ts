/**
 * The debug page in a real browser: headless Chromium (Debian's
 * `chromium` package) driven by playwright-core renders it, runs nothing
 * from the error message, and leaves a screenshot in the test's temp dir.
 * Skips itself, saying why, when Chromium is not installed; `.ci/run`
 * installs it so CI runs it.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, CHROMIUM_ARGS, HAVE_CHROMIUM, warnIfNoChromium } from "../support/chromium.js";
import { Application, RequestHandler, Route } from "../../lib/index.js";

warnIfNoChromium("debug-page.browser.spec");

class Checkout extends RequestHandler {
  post(params: { cart: string }) {
    throw new Error(`Cart ${params.cart} failed: <script>window.__pwned = true</script>`, { cause: new RangeError("quantity < 0") });
  }
}

describe.skipIf(!HAVE_CHROMIUM)(`the debug page in headless Chromium (needs ${CHROMIUM})`, () => {
  const dir = mkdtempSync(join(tmpdir(), "handlerkit-debug-page-"));
  const app = new Application([new Route("/carts/:cart/checkout", Checkout, { name: "checkout" })], {
    debug: true,
    logger: { error() {} },
  });
  app.route("/start")(
    () => `<!doctype html><form method="post" action="/carts/42/checkout"><button id="go">Pay</button></form>`,
  );
  let context: BrowserContext;
  let base: string;

  beforeAll(async () => {
    await app.listen(0, "127.0.0.1");
    base = `http://127.0.0.1:${app.address!.port}`;
    context = await chromium.launchPersistentContext(join(dir, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 60_000,
    });
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    await app.close({ timeout: 100 });
    // Keep the screenshot; drop the browser profile.
    rmSync(join(dir, "profile"), { recursive: true, force: true });
  });

  it("renders the error, its cause, the stack with source and the masked request, and runs no script", async () => {
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.setExtraHTTPHeaders({ authorization: "Bearer browser-secret" });
    await page.goto(`${base}/start`);
    const [response] = await Promise.all([page.waitForNavigation(), page.click("#go")]);
    expect(response?.status()).toBe(500);

    // Rendered: the heading shows the message as text, <script> and all.
    expect(await page.title()).toBe("Error: Cart 42 failed: <script>window.__pwned = true</script>");
    expect(await page.textContent("header h1")).toBe("Error: Cart 42 failed: <script>window.__pwned = true</script>");
    expect(await page.textContent("h3.caused")).toBe("Caused by");
    expect(await page.textContent("h3.caused + h2")).toBe("RangeError: quantity < 0");
    // Escaped: the message's script is not an element and never ran.
    expect(await page.locator("script").count()).toBe(0);
    expect(await page.evaluate(() => (window as { __pwned?: boolean }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    // The stack quotes this file's source around the throw.
    const here = page.locator("pre.source .here").first();
    expect(await here.textContent()).toContain("window.__pwned = true");
    // The request, with the credential masked.
    expect(await page.textContent("text=Bearer ********")).toBe("Bearer ********");
    expect(await page.content()).not.toContain("browser-secret");
    // It is laid out: the header is a visible, sized box.
    const box = await page.locator("header").boundingBox();
    expect(box?.height).toBeGreaterThan(20);

    const screenshot = join(dir, "debug-page.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(statSync(screenshot).size).toBeGreaterThan(5_000);
    console.info(`debug page screenshot: ${screenshot}`);
    await page.close();
  }, 60_000);
});
