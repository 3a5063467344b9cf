import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** A local web site for tests and benches, served on 127.0.0.1; it counts what it is asked. */
export interface FixtureSite {
  origin: string;
  port: number;
  /** Requests seen per path (without query). */
  hits(path: string): number;
  /** Requests currently being answered, and the most ever at once. */
  inFlight(): number;
  maxInFlight(): number;
  /** The same for one path: pages of a batch, without the favicon or other requests. */
  inFlightOf(path: string): number;
  maxInFlightOf(path: string): number;
  resetCounters(): void;
  close(): Promise<void>;
}

function heavyPage(n: number): string {
  const links = Array.from({ length: 30 }, (_, i) => `<li><a href="/page/${(n * 31 + i) % 1000}">Link ${i} of page ${n}</a></li>`).join("\n");
  const paragraphs = Array.from(
    { length: 25 },
    (_, i) => `<p>Paragraph ${i} of fixture page ${n}. Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.</p>`,
  ).join("\n");
  const svg = `<svg width="400" height="120" xmlns="http://www.w3.org/2000/svg">${Array.from({ length: 40 }, (_, i) => `<circle cx="${i * 10 + 5}" cy="${60 + Math.round(40 * Math.sin(i / 3))}" r="4" fill="#${((i * 40503) & 0xffffff).toString(16).padStart(6, "0")}"/>`).join("")}</svg>`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>Fixture page ${n}</title>
<style>body{font-family:sans-serif;margin:2em}li{margin:.2em 0}p{line-height:1.4}</style></head>
<body><h1>Fixture page ${n}</h1>${svg}<ul>${links}</ul>${paragraphs}</body></html>`;
}

/** A page `px` tall of numbered lines: a full-page screenshot of it is bigger than a blank one would compress to. */
function tallPage(px: number): string {
  const lines = Array.from({ length: Math.ceil(px / 400) }, (_, i) => `<p style="margin:0;height:400px;border-top:1px solid #888">Line ${i}: ${"lorem ipsum ".repeat(8)}</p>`).join("");
  return `<!doctype html><html><head><meta charset="utf-8"><title>Tall ${px}</title></head><body style="margin:0"><div style="height:${px}px;overflow:hidden">${lines}</div></body></html>`;
}

function linksPage(n: number): string {
  const links = Array.from({ length: n }, (_, i) => `<a href="/page/${i}?n=${i}">${i}</a>`).join(" ");
  return `<!doctype html><html><head><meta charset="utf-8"><title>Links ${n}</title></head><body>${links}</body></html>`;
}

/** At least `bytes` of UTF-8 made of 2-, 3- and 4-byte characters (a surrogate pair among them), so a cut can land inside one. */
function hugePage(bytes: number): string {
  const unit = "é€😀"; // 2 + 3 + 4 = 9 bytes
  return `<!doctype html><html><head><meta charset="utf-8"><title>Huge ${bytes}</title></head><body><p>${unit.repeat(Math.ceil(bytes / 9))}</p></body></html>`;
}

const SIMPLE = `<!doctype html><html><head><meta charset="utf-8"><title>Fixture Simple</title></head>
<body><h1>Hello fixture</h1><p>The quick brown fox jumps over the lazy dog.</p>
<a href="/page/1">one</a> <a href="/page/2">two</a> <a href="https://example.invalid/away">away</a>
<script>document.body.insertAdjacentHTML('beforeend', '<p id="js">rendered by script</p>')</script></body></html>`;

export async function startFixtureSite(): Promise<FixtureSite> {
  const hits = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  const pathInFlight = new Map<string, number>();
  const pathMaxInFlight = new Map<string, number>();
  const gateWaiters = new Set<() => void>();
  const sockets = new Set<Socket>();

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? "/", "http://fixture");
    const path = url.pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const nowOnPath = (pathInFlight.get(path) ?? 0) + 1;
    pathInFlight.set(path, nowOnPath);
    pathMaxInFlight.set(path, Math.max(pathMaxInFlight.get(path) ?? 0, nowOnPath));
    let done = false;
    const finish = (): void => {
      if (!done) {
        done = true;
        inFlight -= 1;
        pathInFlight.set(path, (pathInFlight.get(path) ?? 1) - 1);
      }
    };
    res.on("close", finish);
    const html = (status: number, body: string): void => {
      res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
      res.end(body);
    };

    if (path === "/simple") return html(200, SIMPLE);
    if (path.startsWith("/page/")) return html(200, heavyPage(Number(path.slice(6)) || 0));
    if (path === "/status/404") return html(404, "<!doctype html><title>Not Found</title><h1>Nothing here</h1>");
    if (path === "/status/500") return html(500, "<!doctype html><title>Server Error</title><h1>Broken</h1>");
    if (path === "/hang") return; // never answers; the socket closes with the server
    if (path === "/slow") {
      const ms = Math.min(Number(url.searchParams.get("ms") ?? "1000"), 120_000);
      const timer = setTimeout(() => html(200, `<!doctype html><title>Slow ${ms}</title><p>waited ${ms} ms</p>`), ms);
      res.on("close", () => clearTimeout(timer));
      return;
    }
    if (path === "/gate") {
      // Holds each request until `n` are in flight at once (then answers them) or `ms` pass:
      // a client allowed n concurrent pages reaches n however slow the machine is.
      const n = Number(url.searchParams.get("n") ?? "4");
      const ms = Math.min(Number(url.searchParams.get("ms") ?? "10000"), 120_000);
      const answer = (): void => {
        gateWaiters.delete(answer);
        clearTimeout(timer);
        if (!res.writableEnded && !res.destroyed) html(200, `<!doctype html><title>Gate ${n}</title><p>gate of ${n}</p>`);
      };
      const timer = setTimeout(answer, ms);
      res.on("close", () => {
        gateWaiters.delete(answer);
        clearTimeout(timer);
      });
      gateWaiters.add(answer);
      // Answered 300 ms after the gate fills, so a page admitted beyond n would be seen next to them.
      if ((pathInFlight.get(path) ?? 0) >= n) {
        const full = [...gateWaiters];
        setTimeout(() => {
          for (const open of full) open();
        }, 300);
      }
      return;
    }
    // Pages past the result bounds (api.md § Jobs): n px tall, n links, n bytes of multi-byte html, n characters of text.
    if (path === "/tall") return html(200, tallPage(Math.min(Number(url.searchParams.get("px") ?? "30000"), 200_000)));
    if (path === "/links") return html(200, linksPage(Math.min(Number(url.searchParams.get("n") ?? "6000"), 100_000)));
    if (path === "/huge") return html(200, hugePage(Math.min(Number(url.searchParams.get("bytes") ?? "1000000"), 200_000_000)));
    if (path === "/text") return html(200, `<!doctype html><html><head><title>Text ${url.searchParams.get("chars") ?? ""}</title></head><body>${"t".repeat(Math.min(Number(url.searchParams.get("chars") ?? "1000"), 50_000_000))}</body></html>`);
    if (path === "/redirect") {
      res.writeHead(302, { location: url.searchParams.get("to") ?? "/simple" });
      res.end();
      return;
    }
    if (path === "/favicon.ico") {
      res.writeHead(204);
      res.end();
      return;
    }
    html(404, "<!doctype html><title>Unknown</title>");
  };

  const server = createServer(handle);
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    hits: (p) => hits.get(p) ?? 0,
    inFlight: () => inFlight,
    maxInFlight: () => maxInFlight,
    inFlightOf: (p) => pathInFlight.get(p) ?? 0,
    maxInFlightOf: (p) => pathMaxInFlight.get(p) ?? 0,
    resetCounters: () => {
      hits.clear();
      maxInFlight = inFlight;
      pathMaxInFlight.clear();
      for (const [p, n] of pathInFlight) pathMaxInFlight.set(p, n);
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
