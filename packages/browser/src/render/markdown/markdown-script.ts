/** What the in-page converter is told; every field is a bound or a switch. */
export interface MarkdownScriptOptions {
  /** Longest Markdown, in UTF-16 code units (the request's max_chars). */
  maxChars: number;
  /** Most characters of the page's HTML the converter reads (HTML_MAX_BYTES); the rest of the document is dropped. */
  maxInputChars: number;
  /** Deepest element nesting converted as elements; anything deeper becomes its text (Turndown recurses per level). */
  maxDepth: number;
  /** Readability's article instead of the whole body (falls back to the body when it finds none). */
  onlyMainContent: boolean;
}

/**
 * The converter, as a string (transpilers may wrap functions in helpers the page does not have).
 * It runs in an isolated world of the page after markdownLibrariesPrelude(), on a copy of the
 * live document, so the page's own scripts neither see it nor change what it calls:
 * 1. copy the document and cut the copy to `maxInputChars` of HTML and `maxDepth` levels;
 * 2. make every link and image URL absolute (javascript:, data: and unparsable ones are dropped);
 * 3. with onlyMainContent, let Readability pick the article out of a second copy (its title on top as "# …");
 * 4. Turndown with GFM (ATX headings, fenced code with its language, pipe tables, "-" bullets);
 * 5. cut the Markdown to `maxChars` at a character boundary.
 * Returns `{ value, cut }`, `cut` when the input or the output hit its bound.
 */
export const MARKDOWN_SCRIPT = `(options) => {
  const { maxChars, maxInputChars, maxDepth, onlyMainContent } = options;
  const base = document.baseURI;
  const copy = document.cloneNode(true);
  const root = copy.body || copy.documentElement;
  if (!root) return { value: "", cut: false };

  // Drops node and everything after it in document order (within root).
  const dropFrom = (node) => {
    for (let at = node; at && at !== root; at = at.parentNode) while (at.nextSibling) at.nextSibling.remove();
    node.remove();
  };
  let inputCut = false;
  let used = 0;
  let depth = 0;
  let node = root.firstChild;
  while (node) {
    if (node.nodeType === 1) {
      used += 2 * node.nodeName.length + 5;
      for (const attribute of node.attributes) used += attribute.name.length + attribute.value.length + 4;
    } else if (node.nodeType === 3 || node.nodeType === 8) {
      const room = maxInputChars - used;
      used += node.data.length;
      if (used > maxInputChars && node.nodeType === 3 && room > 0) {
        const keep = node.data.charCodeAt(room - 1) >= 0xd800 && node.data.charCodeAt(room - 1) <= 0xdbff ? room - 1 : room;
        node.data = node.data.slice(0, keep);
        for (let at = node; at && at !== root; at = at.parentNode) while (at.nextSibling) at.nextSibling.remove();
        inputCut = true;
        break;
      }
    }
    if (used > maxInputChars) {
      dropFrom(node);
      inputCut = true;
      break;
    }
    if (node.nodeType === 1 && node.firstChild) {
      if (depth + 1 >= maxDepth) node.textContent = node.textContent;
      node = node.firstChild;
      depth += 1;
      continue;
    }
    while (node && node !== root && !node.nextSibling) {
      node = node.parentNode;
      depth -= 1;
    }
    node = node && node !== root ? node.nextSibling : null;
  }

  const absolute = (element, attribute, protocols) => {
    const raw = element.getAttribute(attribute);
    let url = null;
    try { url = new URL(raw, base); } catch { url = null; }
    if (url && protocols.includes(url.protocol)) element.setAttribute(attribute, url.href);
    else element.removeAttribute(attribute);
  };
  for (const anchor of root.querySelectorAll("a[href]")) absolute(anchor, "href", ["http:", "https:", "mailto:", "tel:"]);
  for (const image of root.querySelectorAll("img[src]")) absolute(image, "src", ["http:", "https:"]);

  const service = new TurndownService({ headingStyle: "atx", hr: "---", bulletListMarker: "-", codeBlockStyle: "fenced", emDelimiter: "_" });
  service.use(turndownPluginGfm.gfm);
  service.remove(["script", "style", "noscript", "template", "iframe", "object", "embed", "canvas", "svg", "select", "button", "input", "textarea"]);

  let content = root;
  let heading = "";
  if (onlyMainContent) {
    const article = new Readability(copy.cloneNode(true), { keepClasses: true, serializer: (element) => element }).parse();
    if (article && article.content) {
      content = article.content;
      // Readability takes the article's title out of its content; it goes back on top, once.
      const title = (article.title || "").trim();
      const first = content.querySelector("h1");
      if (title !== "" && !(first && first.textContent.trim() === title)) heading = "# " + service.escape(title) + "\\n\\n";
    }
  }
  const markdown = heading + service.turndown(content);
  if (markdown.length <= maxChars) return { value: markdown, cut: inputCut };
  const code = markdown.charCodeAt(maxChars - 1);
  return { value: markdown.slice(0, code >= 0xd800 && code <= 0xdbff ? maxChars - 1 : maxChars), cut: true };
}`;
