import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launchLocalChromium, startShopSite, type ShopSite } from "../../../test/support/shop-site.ts";
import { TASK_TOOLS, observePage, observationText, runTool, type ToolCall } from "../src/index.ts";

let site: ShopSite;
let origin: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  site = await startShopSite();
  origin = site.origin;
  browser = await launchLocalChromium();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

let ids = 0;
const call = (name: string, args: Record<string, unknown> | null, rawArgs = JSON.stringify(args)): ToolCall => ({ id: `c${++ids}`, name, args, rawArgs });
/** The ref the snapshot gives the first line matching `pattern`. */
const refOf = (snapshot: string, pattern: RegExp): string => {
  const line = snapshot.split("\n").find((l) => pattern.test(l));
  const ref = line && /\[ref=([a-z0-9]+)\]/.exec(line)?.[1];
  if (!ref) throw new Error(`no ref for ${pattern} in:\n${snapshot}`);
  return ref;
};

describe("the agent loop's tools on a real page", () => {
  it("the model is shown every contract tool with a JSON Schema of its arguments", () => {
    expect(TASK_TOOLS.map((t) => t.name)).toEqual(["goto", "click", "type", "press", "select", "scroll", "wait", "extract", "ask_user", "done"]);
    for (const tool of TASK_TOOLS) expect(tool.parameters).toMatchObject({ type: "object" });
  });

  it("observe → type and submit by ref → click a result by selector → extract: the page's own answer", async () => {
    expect(await runTool(page, call("goto", { url: `${origin}/` }))).toMatchObject({ kind: "acted", summary: expect.stringContaining("HTTP 200") });
    const first = await observePage(page);
    expect(first).toMatchObject({ url: `${origin}/`, title: "Shop" });
    expect(first.snapshot).toMatch(/textbox "Search" \[ref=e\d+\]/);
    expect(first.snapshot).not.toContain("secret hidden text");
    expect(observationText(first)).toContain(`URL: ${origin}/`);

    const search = refOf(first.snapshot, /textbox "Search"/);
    // A bare number n is the reference "en".
    expect(search).toMatch(/^e\d+$/);
    expect(await runTool(page, call("type", { index: Number(search.slice(1)), text: "mug", submit: true }))).toMatchObject({ kind: "acted" });
    await expect.poll(() => page.url()).toBe(`${origin}/results?q=mug`);
    const results = await observePage(page);
    expect(results.snapshot).toContain('link "Red mug"');
    const red = refOf(results.snapshot, /link "Red mug"/);
    expect(await runTool(page, call("click", { index: red }))).toMatchObject({ kind: "acted" });
    await expect.poll(() => page.url()).toBe(`${origin}/item/1`);
    const extracted = await runTool(page, call("extract", {}));
    expect(extracted).toMatchObject({ kind: "acted", summary: expect.stringContaining("Price: 12 EUR") });
    expect(await runTool(page, call("goto", { url: `${origin}/` }))).toMatchObject({ kind: "acted" });
    expect(await runTool(page, call("click", { selector: "button" }))).toMatchObject({ kind: "acted" });
  });

  it("select, press, scroll and wait act on the page", async () => {
    await runTool(page, call("goto", { url: `${origin}/` }));
    expect(await runTool(page, call("select", { selector: "#sort", value: "By price" }))).toMatchObject({ kind: "acted", summary: expect.stringContaining("price") });
    expect(await page.inputValue("#sort")).toBe("price");
    await page.focus("#q");
    expect(await runTool(page, call("press", { key: "a" }))).toMatchObject({ kind: "acted" });
    expect(await page.inputValue("#q")).toBe("a");
    expect(await runTool(page, call("scroll", { direction: "down", amount: 3 }))).toMatchObject({ kind: "acted" });
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    expect(await runTool(page, call("wait", { ms: 50 }))).toMatchObject({ kind: "acted", summary: "waited 50 ms" });
  });

  it("ask_user and done end the step their way; a bad call is a failed step with a reason, never a throw", async () => {
    expect(await runTool(page, call("ask_user", { question: "Which size?" }))).toMatchObject({ kind: "ask_user", question: "Which size?" });
    expect(await runTool(page, call("done", { result: { price: 12 } }))).toMatchObject({ kind: "done", result: { price: 12 } });
    const failures = await Promise.all([
      runTool(page, call("fly", { to: "moon" })),
      runTool(page, call("click", null, "{not json")),
      runTool(page, call("type", { index: "e1" })),
      runTool(page, call("goto", { url: "file:///etc/passwd" })),
      runTool(page, call("click", {})),
    ]);
    expect(failures.map((f) => f.kind)).toEqual(["failed", "failed", "failed", "failed", "failed"]);
    expect(failures.map((f) => (f.kind === "failed" ? f.error : ""))).toEqual([
      expect.stringContaining('no tool named "fly"'),
      expect.stringContaining("not a JSON object"),
      expect.stringContaining("text"),
      expect.stringContaining("only http(s)"),
      expect.stringContaining("index"),
    ]);
    const missing = await runTool(page, call("click", { index: "e99999" }), { actionTimeoutMs: 500, maxExtractChars: 100 });
    expect(missing.kind).toBe("failed");
  });
});
