import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A fixture site on 127.0.0.1 from a table of HTML pages by path (404 for any other path). */
export interface PageSite {
  origin: string;
  close(): Promise<void>;
}

export async function servePages(pages: Record<string, (url: URL) => string>): Promise<PageSite> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://site");
    const render = pages[url.pathname];
    res.writeHead(render ? 200 : 404, { "content-type": "text/html; charset=utf-8" }).end(render ? render(url) : "not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
