export interface ParseSitemapOptions {
  /** Stop after this many locs; the sitemap protocol allows 50,000 per file. */
  maxEntries?: number;
}

export interface ParsedSitemap {
  kind: "urlset" | "index";
  locs: string[];
}

const DEFAULT_MAX_ENTRIES = 50_000;
const CDATA_OPEN = "<![CDATA[";
const CDATA_CLOSE = "]]>";
const NAMED_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const TAG_NAME = /<\/?(?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.-]*)/y;

/** `<origin>/sitemap.xml`, where a site without a `Sitemap:` line usually keeps its sitemap. */
export function sitemapUrlFor(startUrl: string): string {
  return `${new URL(startUrl).origin}/sitemap.xml`;
}

/** Decodes the five XML entities and numeric references in one pass; anything else stays literal. */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith("#")) {
      const code = ref[1] === "x" || ref[1] === "X" ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return whole;
      return String.fromCodePoint(code);
    }
    return NAMED_ENTITIES[ref] ?? whole;
  });
}

/** Text of a `<loc>` element from `start` (just past its start tag): CDATA kept raw, the rest entity-decoded. Null when the file ends first. */
function readLocText(xml: string, start: number): { text: string; end: number } | null {
  let text = "";
  let pos = start;
  for (;;) {
    const lt = xml.indexOf("<", pos);
    if (lt === -1) return null;
    text += decodeEntities(xml.slice(pos, lt));
    if (!xml.startsWith(CDATA_OPEN, lt)) return { text, end: lt };
    const close = xml.indexOf(CDATA_CLOSE, lt + CDATA_OPEN.length);
    if (close === -1) return null;
    text += xml.slice(lt + CDATA_OPEN.length, close);
    pos = close + CDATA_CLOSE.length;
  }
}

/**
 * The `<loc>` entries of a sitemap or sitemap index, by a tolerant linear scan instead of an XML parser:
 * sites serve sitemaps with stray bytes, odd prefixes and broken tails, and one bad entry must not lose the rest.
 * Only locs in the root element's namespace prefix (or unprefixed) count, so `<image:loc>` and the like are skipped.
 */
export function parseSitemap(xml: string, options: ParseSitemapOptions = {}): ParsedSitemap {
  const max = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const locs: string[] = [];
  let kind: ParsedSitemap["kind"] = "urlset";
  let rootPrefix: string | undefined;
  let pos = 0;

  while (locs.length < max) {
    const lt = xml.indexOf("<", pos);
    if (lt === -1) break;
    if (xml.startsWith("<!--", lt)) {
      const close = xml.indexOf("-->", lt + 4);
      if (close === -1) break;
      pos = close + 3;
      continue;
    }
    if (xml.startsWith(CDATA_OPEN, lt)) {
      const close = xml.indexOf(CDATA_CLOSE, lt + CDATA_OPEN.length);
      if (close === -1) break;
      pos = close + CDATA_CLOSE.length;
      continue;
    }
    const gt = xml.indexOf(">", lt + 1);
    if (gt === -1) break;
    pos = gt + 1;
    TAG_NAME.lastIndex = lt;
    const name = TAG_NAME.exec(xml);
    // Declarations, processing instructions, closing tags and stray "<" carry no entries.
    if (name === null || xml[lt + 1] === "/") continue;
    const prefix = name[1] ?? "";
    const local = (name[2] ?? "").toLowerCase();
    if (rootPrefix === undefined) {
      rootPrefix = prefix;
      if (local === "sitemapindex") kind = "index";
    }
    if (local !== "loc" || xml[gt - 1] === "/" || (prefix !== "" && prefix !== rootPrefix)) continue;
    const loc = readLocText(xml, gt + 1);
    if (loc === null) break;
    pos = loc.end;
    const value = loc.text.trim();
    if (value !== "") locs.push(value);
  }
  return { kind, locs };
}
