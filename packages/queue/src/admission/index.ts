export * from "./admission-controller.ts";
export * from "./pending-by-workspace.ts";
