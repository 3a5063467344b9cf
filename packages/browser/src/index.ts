export * from "./chromium-args.ts";
export * from "./browser-pool.ts";
export * from "./render-types.ts";
export * from "./render-page.ts";
