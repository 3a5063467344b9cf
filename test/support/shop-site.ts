import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser } from "playwright-core";
import { BASE_CHROMIUM_ARGS, LOOPBACK_ONLY_RESOLVER_ARG } from "@browserfleet/browser";

/** The fixture shop AI-task tests drive: a search form (and a sort select), a results list, a detail page with a price. */
export interface ShopSite {
  origin: string;
  close(): Promise<void>;
}

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

export async function startShopSite(): Promise<ShopSite> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://site");
    const render = PAGES[url.pathname];
    res.writeHead(render ? 200 : 404, { "content-type": "text/html; charset=utf-8" }).end(render ? render(url) : "not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A plain local Chromium for tests that need a page and no fleet: the fleet's flags, loopback-only DNS. */
export function launchLocalChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: [...BASE_CHROMIUM_ARGS, LOOPBACK_ONLY_RESOLVER_ARG, "--no-sandbox"] });
}
