import { chromium, type Browser } from "playwright-core";
import { BASE_CHROMIUM_ARGS, LOOPBACK_ONLY_RESOLVER_ARG } from "@browserfleet/browser";
import { servePages, type PageSite } from "./serve-pages.ts";

/** The fixture shop AI-task tests drive: a search form (and a sort select), a results list, a detail page with a price. */
export type ShopSite = PageSite;

const html = (title: string, body: string) => `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;

const PAGES: Record<string, (url: URL) => string> = {
  "/": () =>
    html(
      "Shop",
      `<h1>Shop</h1><form action="/results"><label>Search <input name="q" id="q"></label><button>Go</button></form>
       <label>Sort <select id="sort"><option value="name">By name</option><option value="price">By price</option></select></label>
       <p hidden>secret hidden text</p><div style="height:3000px"></div><p id="bottom">the end</p>`,
    ),
  "/results": (url) => html("Results", `<h1>Results for ${url.searchParams.get("q") ?? ""}</h1><ul><li><a href="/item/1">Red mug</a></li><li><a href="/item/2">Blue mug</a></li></ul>`),
  "/item/1": () => html("Red mug", `<h1>Red mug</h1><p id="price">Price: 12 EUR</p>`),
};

export function startShopSite(): Promise<ShopSite> {
  return servePages(PAGES);
}

/** A plain local Chromium for tests that need a page and no fleet: the fleet's flags, loopback-only DNS. */
export function launchLocalChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: [...BASE_CHROMIUM_ARGS, LOOPBACK_ONLY_RESOLVER_ARG, "--no-sandbox"] });
}
