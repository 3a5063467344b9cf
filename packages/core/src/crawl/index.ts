export * from "./normalize-url.ts";
export * from "./crawl-scope.ts";
export * from "./path-pattern.ts";
export * from "./robots-rules.ts";
export * from "./parse-sitemap.ts";
