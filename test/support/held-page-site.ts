import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** One page load the site answered: its full URL (path and query) and when it arrived and ended (epoch ms). */
export interface HeldRequest {
  url: string;
  startedAt: number;
  endedAt: number | null;
}

/**
 * A light site for fleet tests on 127.0.0.1: `/held?ms=N&…` answers a tiny page after N ms (≤ 5 s), so pages are
 * in flight long enough to be counted, and the site records every load with its times. Any other path answers a tiny
 * page at once (titled by the path); `/favicon.ico` is 204 and not recorded.
 */
export interface HeldPageSite {
  origin: string;
  /** Loads of `/held` in flight now, and the most ever at once. */
  inFlight(): number;
  maxInFlight(): number;
  /** Every load of `/held`, in arrival order. */
  requests(): HeldRequest[];
  close(): Promise<void>;
}

const page = (title: string): string => `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>light page</p></body></html>`;

export async function startHeldPageSite(): Promise<HeldPageSite> {
  const requests: HeldRequest[] = [];
  const open = new Set<HeldRequest>();
  let maxInFlight = 0;
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://site");
    if (url.pathname === "/favicon.ico") {
      res.writeHead(204).end();
      return;
    }
    const answer = (title: string): void => {
      if (!res.writableEnded && !res.destroyed) res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(page(title));
    };
    if (url.pathname !== "/held") return answer(`Page ${url.pathname}`);
    const seen: HeldRequest = { url: `${url.pathname}${url.search}`, startedAt: Date.now(), endedAt: null };
    requests.push(seen);
    open.add(seen);
    maxInFlight = Math.max(maxInFlight, open.size);
    const ms = Math.min(Number(url.searchParams.get("ms") ?? "300") || 0, 5_000);
    const timer = setTimeout(() => answer(`Held ${url.search}`), ms);
    res.on("close", () => {
      clearTimeout(timer);
      seen.endedAt = Date.now();
      open.delete(seen);
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    inFlight: () => open.size,
    maxInFlight: () => maxInFlight,
    requests: () => [...requests],
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
