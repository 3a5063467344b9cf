import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

// The converter runs inside the page's renderer (see extract-markdown.ts), so the libraries go
// there as source: Turndown's browser build (it converts the live DOM, no parser of its own), the
// GFM plugin (tables, strikethrough, task lists) and Readability (main content). Each is wrapped
// in a function with its own `module`/`exports`, so it neither reads nor defines a global.
const FILES = {
  TurndownService: "turndown/lib/turndown.browser.umd.js",
  turndownPluginGfm: "@joplin/turndown-plugin-gfm/lib/turndown-plugin-gfm.cjs.js",
  Readability: "@mozilla/readability/Readability.js",
} as const;

export type MarkdownLibrary = keyof typeof FILES;

let prelude: string | undefined;

/** `const TurndownService = …, turndownPluginGfm = …, Readability = …;` as one script, read from node_modules once per process. */
export function markdownLibrariesPrelude(): string {
  if (prelude !== undefined) return prelude;
  const require = createRequire(import.meta.url);
  const declarations = Object.entries(FILES).map(([name, file]) => {
    const source = readFileSync(require.resolve(file), "utf8");
    return `const ${name} = (function () { var module = { exports: {} }, exports = module.exports, define = undefined;\n${source}\n;return module.exports; })();`;
  });
  prelude = declarations.join("\n");
  return prelude;
}
