export * from "./daily-usage.ts";
