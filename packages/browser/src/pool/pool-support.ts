import { chromium, type Browser, type BrowserContext } from "playwright-core";
import { settleWithin } from "@browserfleet/runtime";
import { BASE_CHROMIUM_ARGS, egressChromiumArgs } from "./chromium-args.ts";
import { chromiumEnvironment } from "./chromium-environment.ts";
import type { LaunchPlan } from "./chromium-sandbox.ts";
import { chromiumWrapperScript, withChromiumWrapper } from "./chromium-wrapper.ts";
import type { BrowserPoolOptions } from "./pool-options.ts";

/**
 * Launches the fleet's Chromium the way `plan` says, with the machine's flags, the egress proxy's
 * and the caller's extra ones, and a minimal environment of its own.
 */
export async function launchChromium(
  options: BrowserPoolOptions,
  defaultTimeoutMs: number,
  plan: LaunchPlan,
  setpriv: string | null,
): Promise<{ browser: Browser; pid: number | null }> {
  const egressArgs = options.egress === undefined ? [] : egressChromiumArgs(options.egress.url);
  const browser = await withChromiumWrapper(chromiumWrapperScript(options.chromiumPath, plan, setpriv), (wrapperPath) =>
    chromium.launch({
      executablePath: wrapperPath,
      headless: true,
      // false makes Playwright add --no-sandbox.
      chromiumSandbox: plan.sandbox,
      env: chromiumEnvironment(options.chromiumEnv),
      args: [...BASE_CHROMIUM_ARGS, ...egressArgs, ...(options.extraArgs ?? [])],
      timeout: options.launchTimeoutMs ?? defaultTimeoutMs,
      // The app drains on SIGTERM/SIGINT and closes the pool itself; Playwright must not kill Chromium first.
      handleSIGINT: false,
      handleSIGTERM: false,
    }),
  );
  return { browser, pid: await browserPid(browser) };
}

/** Playwright has no pid accessor for a launched browser; CDP's SystemInfo names the browser process. */
async function browserPid(browser: Browser): Promise<number | null> {
  try {
    const session = await browser.newBrowserCDPSession();
    const { processInfo } = await session.send("SystemInfo.getProcessInfo");
    await session.detach();
    return processInfo.find((info) => info.type === "browser")?.id ?? null;
  } catch {
    return null;
  }
}

/** Closes a context within `timeoutMs`; a wedged renderer must not hold a worker slot forever. */
export async function closeContextWithin(context: BrowserContext, timeoutMs: number): Promise<"closed" | "timeout"> {
  return settleWithin(context.close().then(() => "closed" as const), timeoutMs, () => "timeout" as const);
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
