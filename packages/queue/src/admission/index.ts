export * from "./admission-controller.ts";
