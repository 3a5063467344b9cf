import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import type { AddressInfo, Socket } from "node:net";

/** The fixture site agent tests drive: a form, numbered pages, solid colours, a redirect out; it counts hits per path. */
export interface AgentSite {
  origin: string;
  hits(path: string): number;
  close(): Promise<void>;
}

const html = (title: string, body: string): string => `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;

const PAGES: Record<string, (url: URL) => { status?: number; headers?: Record<string, string>; body?: string }> = {
  "/": () => ({ body: html("Agent home", `<h1>Agent home</h1><a id="next" href="/page/1">one</a>`) }),
  "/form": () => ({
    body: html(
      "Agent form",
      `<form id="f"><input id="name" name="name"><button id="go" type="submit">Go</button></form><p id="out"></p>
<script>document.getElementById('f').addEventListener('submit', (e) => { e.preventDefault(); document.getElementById('out').textContent = 'Hello ' + document.getElementById('name').value; });</script>`,
    ),
  }),
  "/redirect-private": () => ({ status: 302, headers: { location: "http://10.0.0.1/" } }),
  // A warmup recipe's stop: it leaves a first-party cookie, as the sites a warmup visits do.
  "/warm": () => ({ headers: { "set-cookie": "warmed=yes; Max-Age=3600; Path=/" }, body: html("Warm", "<h1>warm</h1>") }),
  // A redirect to ?to= (containment tests point it at a refused address that, were it reached, would land back here).
  "/redirect-to": (url) => ({ status: 302, headers: { location: url.searchParams.get("to") ?? "/" } }),
};

export async function startAgentSite(): Promise<AgentSite> {
  const hits = new Map<string, number>();
  const sockets = new Set<Socket>();
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? "/", "http://site");
    hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
    const page = PAGES[url.pathname]?.(url);
    const numbered = /^\/page\/(\d+)$/.exec(url.pathname);
    const colour = /^\/color\/([0-9a-f]{6})$/.exec(url.pathname);
    if (page) {
      res.writeHead(page.status ?? 200, { "content-type": "text/html; charset=utf-8", ...page.headers });
      res.end(page.body ?? "");
    } else if (numbered) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(html(`Page ${numbered[1]}`, `<h1>Page ${numbered[1]}</h1><a href="/page/${Number(numbered[1]) + 1}">next</a>`));
    } else if (colour) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(html(`Colour ${colour[1]}`, `<style>html,body{margin:0;height:100%;background:#${colour[1]}}</style>`));
    } else {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
    }
  };
  const server = createServer(handle);
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    hits: (path) => hits.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

// Metering tests: /bytes?n=N answers exactly N bytes of random text (not cacheable, so each load crosses the proxy).
PAGES["/bytes"] = (url) => {
  const n = Math.max(0, Math.min(Number(url.searchParams.get("n") ?? 0) || 0, 50_000_000));
  return {
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    body: randomBytes(Math.ceil((n * 3) / 4) + 3).toString("base64").slice(0, n),
  };
};
