import { afterAll, beforeAll } from "vitest";
import type { AppProcess } from "./app-process.ts";
import { startFixtureSite, type FixtureSite } from "./fixture-site.ts";
import type { ApiHandle } from "./in-process-api.ts";
import { startTestStack, type TestStack, type TestStackOptions } from "./test-stack.ts";

export interface StackWithSite<Api extends ApiHandle = AppProcess> {
  stack: TestStack<Api>;
  site: FixtureSite;
}

/** Registers the hooks that give a test file its own stack and fixture site, and stop both after it. */
export function useStackWithSite(options: TestStackOptions & { api: "in-process" }): StackWithSite<ApiHandle>;
export function useStackWithSite(options?: TestStackOptions & { api?: "process" }): StackWithSite;
export function useStackWithSite(options: TestStackOptions = {}): StackWithSite<ApiHandle> {
  const ctx = {} as StackWithSite<ApiHandle>;
  beforeAll(async () => {
    [ctx.stack, ctx.site] = await Promise.all([startTestStack(options), startFixtureSite()]);
  });
  afterAll(async () => {
    await ctx.stack?.stop();
    await ctx.site?.close();
  });
  return ctx;
}
