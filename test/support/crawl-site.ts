import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * A local web site with a known link graph, for crawl tests. Pages (by pathname; `/c` answers
 * any query):
 *
 *   /                      → /a, /b, /c?x=1&y=2, /c?y=2&x=1, /a#frag, /moved, mailto:, javascript:,
 *                            http://localhost:<port>/via-localhost and <offOrigin>/x (both off-origin)
 *   /a                     → /a/1, /a/2, /private/secret, /, /b
 *   /a/1 → /a/1/x          /a/2 → /a          /a/1/x → nothing
 *   /b → /b/deep/1 → /b/deep/2 → … → /b/deep/5
 *   /c (any query) → /c/child
 *   /moved                 302 → /landed → /landed/child
 *   /private/secret → /private/leak;  /private/in-sitemap
 *   /only-in-sitemap → /only-in-sitemap/child → /only-in-sitemap/child/grand
 *   /only-in-index         (listed only by the sitemap index that robots.txt names)
 *
 * Apart from that graph (nothing above links to it), a shortest-path one, for `max_depth` 3:
 *   /sp → /sp/short, /sp/long;  /sp/long → /sp/long/2 → /sp/target;  /sp/short → /sp/target
 *   /sp/target → /sp/target/child → /sp/target/child/grand
 * /sp/target is at depth 2 by the short path and 3 by the long one, so /sp/target/child (3) is
 * within max_depth 3 only by the short path. `hold` keeps a page's answer back, so a test can
 * make the short path slow.
 *
 * /robots.txt disallows /private/ for `*` (and everything for `otherbot`) and names
 * /sitemap_index.xml, an index of /sitemap-extra.xml (→ /only-in-index). /sitemap.xml, the
 * default location, lists /, /a, /only-in-sitemap, /private/in-sitemap and two off-origin URLs.
 */
export interface CrawlSite {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  origin: string;
  port: number;
  /** Requests for one path plus query (`/c?x=1&y=2`), robots and sitemap files included. */
  hits(pathAndQuery: string): number;
  /** Every page requested on this origin (site files and the favicon left out), with its count. */
  pageHits(): Map<string, number>;
  /** Requests that reached either server under another origin: must stay 0 for a same-origin crawl. */
  offOriginHits(): string[];
  /** The hrefs a page's HTML carries, as written (for checking who could have discovered what). */
  linksOf(path: string): string[];
  /** URLs the sitemaps list when they are served (the default one, then the index's). */
  sitemapUrls(): string[];
  /** Requests for `path` wait, unanswered, until `release(path)` (earlier and later ones alike). */
  hold(path: string): void;
  release(path: string): void;
  close(): Promise<void>;
}

export interface CrawlSiteOptions {
  /** Serve /robots.txt (default true); false answers 404. */
  robotsTxt?: boolean;
  /** Serve the sitemaps (default true); false answers 404 for each. */
  sitemap?: boolean;
}

const SITE_FILES = new Set(["/robots.txt", "/sitemap.xml", "/sitemap_index.xml", "/sitemap-extra.xml", "/favicon.ico"]);
const DEEPEST_B = 5;

interface Listening {
  server: Server;
  port: number;
  close(): Promise<void>;
}

async function listen(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<Listening> {
  const sockets = new Set<Socket>();
  const server = createServer(handle);
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function page(title: string, hrefs: string[]): string {
  const anchors = hrefs.map((h, i) => `<li><a href="${h.replace(/&/g, "&amp;").replace(/"/g, "&quot;")}">link ${i}</a></li>`).join("\n");
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><ul>${anchors}</ul></body></html>`;
}

function urlset(locs: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${locs.map((l) => `  <url><loc>${l.replace(/&/g, "&amp;")}</loc></url>`).join("\n")}\n</urlset>\n`;
}

export async function startCrawlSite(options: CrawlSiteOptions = {}): Promise<CrawlSite> {
  const serveRobots = options.robotsTxt ?? true;
  const serveSitemap = options.sitemap ?? true;
  const hits = new Map<string, number>();
  const offOrigin: string[] = [];
  // Held paths, each with the answers waiting for its release.
  const held = new Map<string, (() => void)[]>();

  const other = await listen((req, res) => {
    offOrigin.push(`${req.headers.host ?? "?"}${req.url ?? ""}`);
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(page("off origin", []));
  });
  const offOriginBase = `http://127.0.0.1:${other.port}`;

  // The port is known only once listening; the handler reads these after that.
  let origin = "";
  let localhostOrigin = "";

  const linksOf = (path: string): string[] => {
    if (path === "/") {
      return ["/a", "/b", "/c?x=1&y=2", "/c?y=2&x=1", "/a#frag", "/moved", "mailto:someone@example.com", "javascript:void(0)", `${localhostOrigin}/via-localhost`, `${offOriginBase}/x`];
    }
    if (path === "/a") return ["/a/1", "/a/2", "/private/secret", "/", "/b"];
    if (path === "/a/1") return ["/a/1/x"];
    if (path === "/a/2") return ["/a"];
    if (path === "/b") return ["/b/deep/1"];
    const deep = /^\/b\/deep\/(\d+)$/.exec(path);
    if (deep) {
      const n = Number(deep[1]);
      return n < DEEPEST_B ? [`/b/deep/${n + 1}`] : [];
    }
    if (path === "/c") return ["/c/child"];
    if (path === "/landed") return ["/landed/child"];
    if (path === "/private/secret") return ["/private/leak"];
    if (path === "/only-in-sitemap") return ["/only-in-sitemap/child"];
    if (path === "/only-in-sitemap/child") return ["/only-in-sitemap/child/grand"];
    if (path === "/sp") return ["/sp/short", "/sp/long"];
    if (path === "/sp/long") return ["/sp/long/2"];
    if (path === "/sp/long/2" || path === "/sp/short") return ["/sp/target"];
    if (path === "/sp/target") return ["/sp/target/child"];
    if (path === "/sp/target/child") return ["/sp/target/child/grand"];
    return [];
  };

  const isPage = (path: string): boolean => {
    if (["/", "/a", "/a/1", "/a/2", "/a/1/x", "/b", "/c", "/c/child", "/landed", "/landed/child"].includes(path)) return true;
    if (["/private/secret", "/private/leak", "/private/in-sitemap", "/only-in-sitemap", "/only-in-sitemap/child", "/only-in-sitemap/child/grand", "/only-in-index"].includes(path)) return true;
    if (["/sp", "/sp/short", "/sp/long", "/sp/long/2", "/sp/target", "/sp/target/child", "/sp/target/child/grand"].includes(path)) return true;
    const deep = /^\/b\/deep\/(\d+)$/.exec(path);
    return deep !== null && Number(deep[1]) >= 1 && Number(deep[1]) <= DEEPEST_B;
  };

  const defaultSitemap = (): string[] => [`${origin}/`, `${origin}/a`, `${origin}/only-in-sitemap`, `${origin}/private/in-sitemap`, `${localhostOrigin}/sitemap-off-origin`, `${offOriginBase}/from-sitemap`];
  const indexedSitemap = (): string[] => [`${origin}/only-in-index`];

  const main = await listen((req, res) => {
    const url = new URL(req.url ?? "/", "http://crawl-site");
    // A link to localhost:<port> reaches this same server, but under another origin.
    if (req.headers.host !== `127.0.0.1:${main.port}`) {
      offOrigin.push(`${req.headers.host ?? "?"}${req.url ?? ""}`);
      res.writeHead(404);
      res.end();
      return;
    }
    const key = url.pathname + url.search;
    hits.set(key, (hits.get(key) ?? 0) + 1);
    const send = (status: number, type: string, body: string): void => {
      res.writeHead(status, { "content-type": type });
      res.end(body);
    };
    const notFound = (): void => send(404, "text/html; charset=utf-8", page("Not Found", []));
    const path = url.pathname;

    if (path === "/robots.txt") {
      if (!serveRobots) return notFound();
      return send(200, "text/plain; charset=utf-8", `# browserfleet crawl fixture\nUser-agent: otherbot\nDisallow: /\n\nUser-agent: *\nDisallow: /private/\n\nSitemap: ${origin}/sitemap_index.xml\n`);
    }
    if (path === "/sitemap.xml") return serveSitemap ? send(200, "application/xml", urlset(defaultSitemap())) : notFound();
    if (path === "/sitemap-extra.xml") return serveSitemap ? send(200, "application/xml", urlset(indexedSitemap())) : notFound();
    if (path === "/sitemap_index.xml") {
      if (!serveSitemap) return notFound();
      return send(
        200,
        "application/xml",
        `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n  <sitemap><loc>${origin}/sitemap-extra.xml</loc></sitemap>\n</sitemapindex>\n`,
      );
    }
    if (path === "/favicon.ico") {
      res.writeHead(204);
      res.end();
      return;
    }
    if (path === "/moved") {
      res.writeHead(302, { location: "/landed" });
      res.end();
      return;
    }
    if (!isPage(path)) return notFound();
    const answer = (): void => send(200, "text/html; charset=utf-8", page(`crawl ${path}`, linksOf(path)));
    const waiting = held.get(path);
    if (waiting === undefined) return answer();
    waiting.push(answer);
  });
  origin = `http://127.0.0.1:${main.port}`;
  localhostOrigin = `http://localhost:${main.port}`;

  return {
    origin,
    port: main.port,
    hits: (key) => hits.get(key) ?? 0,
    pageHits: () => new Map([...hits].filter(([key]) => !SITE_FILES.has(key))),
    offOriginHits: () => [...offOrigin],
    linksOf,
    sitemapUrls: () => (serveSitemap ? [...defaultSitemap(), ...(serveRobots ? indexedSitemap() : [])] : []),
    hold: (path) => void held.set(path, held.get(path) ?? []),
    release: (path) => {
      const waiting = held.get(path) ?? [];
      held.delete(path);
      for (const answer of waiting) answer();
    },
    close: async () => {
      await Promise.all([main.close(), other.close()]);
    },
  };
}
