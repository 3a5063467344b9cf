
/**
 * A local site for the `markdown` format, pages with known Markdown:
 *
 *   /article   an article (headings, a relative and an absolute link, a table, a fenced code block with
 *              its language, a list, an image, a paragraph the page's script writes after load) inside
 *              nav, aside and footer boilerplate; links to / and /second
 *   /second    a short page: emphasis, an ordered list, a link back to /article
 *   /          links to /article and /second
 *   /long?paragraphs=N   N paragraphs of PARAGRAPH_CHARS plain characters each (for the input bound)
 *   /nested?depth=N      N nested <div>s (built by script) around one sentence, then a paragraph (for the depth bound)
 *   /hostile   a page that breaks the globals a converter in its own world would call
 */
import { servePages, type PageSite } from "./serve-pages.ts";
export type MarkdownSite = PageSite;

/** Characters of each /long paragraph ("Paragraph 00001 " then filler), none special in Markdown. */
export const PARAGRAPH_CHARS = 100;

/** The text of /long's paragraph `i` (0-based). */
export function longParagraph(i: number): string {
  const head = `Paragraph ${String(i + 1).padStart(5, "0")} `;
  return head + "lorem ipsum dolor sit amet ".repeat(4).slice(0, PARAGRAPH_CHARS - head.length);
}

const page = (title: string, body: string) => `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title><style>body{font-family:sans-serif}</style></head><body>${body}</body></html>`;

const ARTICLE = page(
  "Parsing logs with awk",
  `<header><nav><a href="/">Home</a> | <a href="/second">Second</a></nav></header>
<main>
<article>
<h1>Parsing logs with awk</h1>
<p>Awk reads its input line by line and splits each line into fields, which makes it the quickest tool for a first look at a log file. See the <a href="/second#usage">usage notes</a> and the <a href="https://example.com/awk/spec" title="The spec">POSIX spec</a> for the details this page leaves out.</p>
<h2>Fields</h2>
<p>Each field is numbered from <code>$1</code>, and <code>$0</code> is the whole line. Awk also keeps a few variables about the input up to date while it reads; the table below lists the ones used most often in one-line programs.</p>
<table><thead><tr><th>Variable</th><th>Meaning</th></tr></thead><tbody><tr><td>NR</td><td>record number</td></tr><tr><td>NF</td><td>number of fields</td></tr><tr><td>FS</td><td>field separator</td></tr></tbody></table>
<h2>Example</h2>
<p>This prints the second field of every line whose first field is <em>error</em>, then sums a column of a CSV file while skipping its header line:</p>
<pre><code class="language-sh">awk '$1 == "error" { print $2 }' app.log
awk -F, 'NR &gt; 1 { sum += $3 } END { print sum }' data.csv</code></pre>
<p id="js">placeholder</p>
<ul><li>Fields are split on runs of whitespace by default.</li><li>Use <strong>-F</strong> to change the separator.</li></ul>
<p><img src="/img/fields.png" alt="Field diagram"></p>
</article>
</main>
<aside><h3>Related</h3><ul><li><a href="/second">Second page</a></li></ul></aside>
<footer><p>© 2026 <a href="/">Example Corp</a></p></footer>
<script>document.getElementById("js").textContent = "This paragraph was written by the page's script after load.";</script>`,
);

const SECOND = page("Second", `<h1>Second</h1><p>Plain text with <strong>bold</strong> and <em>emphasis</em>.</p><ol><li>one</li><li>two</li></ol><p><a href="article">Back to the article</a></p>`);

const HOME = page("Home", `<h1>Home</h1><ul><li><a href="/article">Article</a></li><li><a href="/second">Second</a></li></ul>`);

// Replaces what a converter running in the page's own world would call; the real one runs in an isolated world.
const HOSTILE = page(
  "Hostile",
  `<h1>Hostile</h1><p>Still <a href="/second">converted</a>.</p>
<script>
  Node.prototype.cloneNode = function () { throw new Error("no cloning here"); };
  Array.prototype.push = function () { throw new Error("no pushing here"); };
  String.prototype.replace = function () { return "owned"; };
  window.TurndownService = function () { throw new Error("not the real one"); };
</script>`,
);

const PAGES: Record<string, (url: URL) => string> = {
  "/": () => HOME,
  "/article": () => ARTICLE,
  "/second": () => SECOND,
  "/hostile": () => HOSTILE,
  "/long": (url) => {
    const n = Math.min(100_000, Number(url.searchParams.get("paragraphs") ?? "10"));
    return page("Long", Array.from({ length: n }, (_, i) => `<p>${longParagraph(i)}</p>`).join(""));
  },
  "/nested": (url) => {
    const depth = Math.min(100_000, Number(url.searchParams.get("depth") ?? "10"));
    // Built by script: Chromium's HTML parser would flatten anything nested past 512 levels.
    return page(
      "Nested",
      `<p>after</p><script>let at = document.body; for (let i = 0; i < ${depth}; i++) at = at.insertBefore(document.createElement("div"), at.firstChild); at.textContent = "deep inside";</script>`,
    );
  },
};

export function startMarkdownSite(): Promise<MarkdownSite> {
  return servePages(PAGES);
}

// The Markdown each page converts to, written out by hand: links and images absolute, the table as a GFM pipe
// table, the code block fenced with its language, the script's paragraph as the live page shows it.
const ARTICLE_BODY = (origin: string): string[] => [
  "Awk reads its input line by line and splits each line into fields, which makes it the quickest tool for a first look at a log file. " +
    `See the [usage notes](${origin}/second#usage) and the [POSIX spec](https://example.com/awk/spec "The spec") for the details this page leaves out.`,
  "## Fields",
  "Each field is numbered from `$1`, and `$0` is the whole line. Awk also keeps a few variables about the input up to date while it reads; " +
    "the table below lists the ones used most often in one-line programs.",
  ["| Variable | Meaning |", "| --- | --- |", "| NR  | record number |", "| NF  | number of fields |", "| FS  | field separator |"].join("\n"),
  "## Example",
  "This prints the second field of every line whose first field is _error_, then sums a column of a CSV file while skipping its header line:",
  ["```sh", `awk '$1 == "error" { print $2 }' app.log`, "awk -F, 'NR > 1 { sum += $3 } END { print sum }' data.csv", "```"].join("\n"),
  "This paragraph was written by the page's script after load.",
  ["-   Fields are split on runs of whitespace by default.", "-   Use **\\-F** to change the separator."].join("\n"),
  `![Field diagram](${origin}/img/fields.png)`,
];

/** /article, the whole body: nav, the article, the aside and the footer. */
export function articleMarkdown(origin: string): string {
  return [
    `[Home](${origin}/) | [Second](${origin}/second)`,
    "# Parsing logs with awk",
    ...ARTICLE_BODY(origin),
    "### Related",
    `-   [Second page](${origin}/second)`,
    `© 2026 [Example Corp](${origin}/)`,
  ].join("\n\n");
}

/** /article with only_main_content: the article alone, under its title. */
export function articleMainMarkdown(origin: string): string {
  return ["# Parsing logs with awk", ...ARTICLE_BODY(origin)].join("\n\n");
}

export function secondMarkdown(origin: string): string {
  return ["# Second", "Plain text with **bold** and _emphasis_.", "1.  one\n2.  two", `[Back to the article](${origin}/article)`].join("\n\n");
}

export function homeMarkdown(origin: string): string {
  return ["# Home", `-   [Article](${origin}/article)\n-   [Second](${origin}/second)`].join("\n\n");
}
