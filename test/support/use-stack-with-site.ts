import { afterAll, beforeAll } from "vitest";
import { startFixtureSite, type FixtureSite } from "./fixture-site.ts";
import { startTestStack, type TestStack } from "./test-stack.ts";

export interface StackWithSite {
  stack: TestStack;
  site: FixtureSite;
}

/** Registers the hooks that give a test file its own stack and fixture site, and stop both after it. */
export function useStackWithSite(options: Parameters<typeof startTestStack>[0] = {}): StackWithSite {
  const ctx = {} as StackWithSite;
  beforeAll(async () => {
    [ctx.stack, ctx.site] = await Promise.all([startTestStack(options), startFixtureSite()]);
  });
  afterAll(async () => {
    await ctx.stack?.stop();
    await ctx.site?.close();
  });
  return ctx;
}
