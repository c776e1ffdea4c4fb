/**
 * The todo example in a real browser: headless Chromium (Debian's
 * `chromium` package) driven by playwright-core logs in, adds an item,
 * completes it, attaches a file and downloads it back, deletes the item,
 * sends a form without its CSRF token, and opens a missing page, checking
 * what each page shows and leaving screenshots in the test's temp dir.
 * Skips itself, saying why, when Chromium is not installed; `.ci/run`
 * installs it so CI runs it.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, CHROMIUM_ARGS, HAVE_CHROMIUM, warnIfNoChromium } from "../support/chromium.js";
import type { Application } from "../../lib/index.js";
import type { TodoState } from "../../examples/todo/state.js";
import { TODO_USER, todoApp } from "../support/todo-app.js";

warnIfNoChromium("todo.browser.spec");

describe.skipIf(!HAVE_CHROMIUM)(`the todo example in headless Chromium (needs ${CHROMIUM})`, () => {
  const dir = mkdtempSync(join(tmpdir(), "handlerkit-todo-browser-"));
  let app: Application<TodoState>;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  let shots = 0;

  // A full-page screenshot, numbered in the order taken, that must not be blank.
  async function screenshot(name: string) {
    const path = join(dir, `${String(++shots).padStart(2, "0")}-${name}.png`);
    await page.screenshot({ path, fullPage: true });
    expect(statSync(path).size).toBeGreaterThan(5_000);
  }

  beforeAll(async () => {
    app = await todoApp({ db: join(dir, "todo.db") });
    await app.listen(0, "127.0.0.1");
    base = `http://127.0.0.1:${app.address!.port}`;
    context = await chromium.launchPersistentContext(join(dir, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      acceptDownloads: true,
      timeout: 60_000,
    });
    page = await context.newPage();
    console.info(`todo browser screenshots: ${dir}`);
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    await app?.close({ timeout: 100 });
    // Keep the screenshots; drop the browser profile.
    rmSync(join(dir, "profile"), { recursive: true, force: true });
  });

  it("logs in, adds an item, completes it, attaches and downloads a file, and deletes it", async () => {
    // A visitor is sent to the login, and back to the list after it.
    await page.goto(`${base}/todos`);
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(await page.textContent("h1")).toBe("Log in");
    await page.fill("input[name=username]", TODO_USER.name);
    await page.fill("input[name=password]", "wrong password");
    await page.click("#login button");
    expect(await page.textContent(".flash.error")).toBe("Wrong user name or password.");
    await page.fill("input[name=username]", TODO_USER.name);
    await page.fill("input[name=password]", TODO_USER.password);
    await page.click("#login button");
    expect(new URL(page.url()).pathname).toBe("/todos");
    expect(await page.textContent(".flash.success")).toBe("Welcome, demo.");
    expect(await page.textContent("p.empty")).toBe("Nothing here yet.");
    await screenshot("logged-in");

    // Add.
    await page.fill("#add input[name=title]", "Buy <b>milk</b>");
    await page.fill("#add textarea[name=notes]", "oat, 2 litres");
    await page.click("#add button");
    expect(await page.textContent(".flash.success")).toBe("Added “Buy <b>milk</b>”.");
    const item = page.locator("ul.todos li.open");
    expect(await item.count()).toBe(1);
    expect(await item.locator("a.title").textContent()).toBe("Buy <b>milk</b>");
    expect(await page.locator("ul.todos b").count()).toBe(0);
    await screenshot("added");

    // Complete.
    await item.locator("button.complete").click();
    expect(await page.textContent(".flash.success")).toBe("Done: “Buy <b>milk</b>”.");
    expect(await page.locator("ul.todos li.done a.title").textContent()).toBe("Buy <b>milk</b>");
    expect(await page.locator("ul.todos li.done button.complete").textContent()).toBe("Undo");
    // The struck-through title is drawn as such.
    expect(await page.locator("ul.todos li.done a.title").evaluate((el) => getComputedStyle(el).textDecorationLine)).toBe("line-through");
    await screenshot("completed");

    // Attach a file, then download it back.
    await page.click("ul.todos li.done a.title");
    expect(await page.textContent("#attachment")).toBe("None yet.");
    const bytes = Buffer.concat([Buffer.from("%PDF-1.4 not really\n"), Buffer.from([0, 1, 2, 253, 254, 255])]);
    await page.setInputFiles("#upload input[type=file]", { name: "shopping list.pdf", mimeType: "application/pdf", buffer: bytes });
    await page.click("#upload button");
    expect(await page.textContent(".flash.success")).toBe(`Attached “shopping list.pdf” (${bytes.length} bytes).`);
    expect(await page.textContent("#attachment")).toBe(`shopping list.pdf (${bytes.length} bytes, application/pdf)`);
    await screenshot("attached");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#attachment a")]);
    expect(download.suggestedFilename()).toBe("shopping list.pdf");
    const saved = join(dir, "downloaded.pdf");
    await download.saveAs(saved);
    expect(readFileSync(saved).equals(bytes)).toBe(true);

    // Delete, from the completed list.
    await page.click("text=Back to the list");
    await page.click("text=Completed items");
    expect(await page.textContent("h1")).toBe("Completed (1)");
    await page.click("ul.todos li.done button.delete");
    expect(new URL(page.url()).pathname).toBe("/todos/completed");
    expect(await page.textContent(".flash.success")).toBe("Deleted “Buy <b>milk</b>”.");
    expect(await page.locator("ul.todos li").count()).toBe(0);
    expect(await page.textContent("h1")).toBe("Completed (0)");
    await screenshot("deleted");
    expect(app.config.todos.list(0, 10).total).toBe(0);
  }, 120_000);

  it("answers a form sent without its CSRF token with the 403 page", async () => {
    await page.goto(`${base}/todos`);
    await page.fill("#add input[name=title]", "forged");
    await page.evaluate(() => document.querySelector("#add input[name=csrf_token]")!.remove());
    const [response] = await Promise.all([page.waitForNavigation(), page.click("#add button")]);
    expect(response?.status()).toBe(403);
    expect(await page.textContent("h1#error")).toBe("403 Forbidden");
    expect(await page.textContent("p.message")).toBe("CSRF check failed: the form's csrf_token field (or the x-csrf-token header) is missing.");
    // Still the site's page, logged in: the layout and the user's name.
    expect(await page.textContent("header.site span")).toContain("demo");
    await screenshot("csrf-403");
    expect(app.config.todos.list(0, 10).total).toBe(0);
  }, 60_000);

  it("shows the custom 404 page for a missing page", async () => {
    const response = await page.goto(`${base}/no/such/page`);
    expect(response?.status()).toBe(404);
    expect(await page.title()).toBe("Not found · handlerkit todo");
    expect(await page.textContent("h1#error")).toBe("Nothing here");
    expect(await page.textContent("p.message")).toBe("Not Found");
    const missingItem = await page.goto(`${base}/todos/999`);
    expect(missingItem?.status()).toBe(404);
    expect(await page.textContent("p.message")).toBe("There is no todo 999.");
    await screenshot("not-found");
  }, 60_000);
});
