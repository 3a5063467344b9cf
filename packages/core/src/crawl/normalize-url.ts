export interface NormalizeCrawlUrlOptions {
  ignoreQueryParameters: boolean;
}

/** Part of a query piece before its first "="; the whole piece when there is none. */
function queryKey(piece: string): string {
  const eq = piece.indexOf("=");
  return eq === -1 ? piece : piece.slice(0, eq);
}

/** Sorts `a=1&b=2` pieces by key, then value, keeping each piece's own encoding so the fetched URL is what the page linked. */
function sortQuery(search: string): string {
  const pieces = search
    .replace(/^\?/, "")
    .split("&")
    .filter((p) => p !== "");
  pieces.sort((x, y) => {
    const kx = queryKey(x);
    const ky = queryKey(y);
    if (kx !== ky) return kx < ky ? -1 : 1;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return pieces.join("&");
}

/**
 * The crawl's dedupe key and the URL it fetches: `raw` resolved against `base`, http(s) only,
 * without fragment, credentials or default port, with a sorted (or, on request, no) query.
 * Returns null for anything a crawl must not follow.
 */
export function normalizeCrawlUrl(raw: string, base: string | undefined, options: NormalizeCrawlUrlOptions): string | null {
  let url: URL;
  try {
    url = base === undefined ? new URL(raw) : new URL(raw, base);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  url.hash = "";
  url.username = "";
  url.password = "";
  url.search = options.ignoreQueryParameters ? "" : sortQuery(url.search);
  return url.href;
}
