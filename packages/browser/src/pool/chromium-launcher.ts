import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { stripVTControlCharacters } from "node:util";
import { errors, type Browser } from "playwright-core";
import { DEFAULT_SANDBOX_USER, describePlan, findSetpriv, launchPlans, type LaunchPlan } from "./chromium-sandbox.ts";
import type { BrowserPoolOptions } from "./pool-options.ts";
import { errorMessage, launchChromium } from "./pool-support.ts";

const SANDBOX_TROUBLE = /sandbox|namespace|setpriv|chown|not permitted|permission denied/i;

/** What Chromium (or the wrapper) said on stderr about why it could not start, kept to one line for the warning. */
function launchFailureReason(err: unknown): string {
  // Playwright colours the browser's log lines and prefixes them with "- [pid=N][err]".
  const lines = stripVTControlCharacters(errorMessage(err))
    .split("\n")
    .map((l) => l.trim());
  const said = lines.filter((l) => l.includes("[err]"));
  const reason = said.find((l) => SANDBOX_TROUBLE.test(l)) ?? said[0] ?? lines[0] ?? "unknown";
  return reason.replace(/^- \[pid=\d+\]\[err\]\s*/, "");
}

/**
 * Launches the pool's Chromium: the first time it tries the sandbox mode's plans best first and
 * keeps the first that starts; every relaunch then uses that plan. A fallback to a weaker plan is
 * logged as a warning saying why; a timeout never causes one (it says nothing about the sandbox).
 */
export class ChromiumLauncher {
  private readonly options: BrowserPoolOptions;
  private readonly setpriv = findSetpriv();
  private chosen: LaunchPlan | null = null;

  constructor(options: BrowserPoolOptions) {
    this.options = options;
  }

  async launch(defaultTimeoutMs: number): Promise<{ browser: Browser; pid: number | null }> {
    if (this.chosen !== null) return launchChromium(this.options, defaultTimeoutMs, this.chosen, this.setpriv);
    // Said plainly here: behind the launch wrapper a missing binary would look like a failed launch plan.
    await access(this.options.chromiumPath, constants.X_OK).catch(() => {
      throw new Error(`Chromium is not an executable file at ${this.options.chromiumPath} (CHROMIUM_PATH)`);
    });
    const mode = this.options.sandbox ?? "auto";
    if (mode === "on" && (this.options.extraArgs ?? []).includes("--no-sandbox")) {
      throw new Error("CHROMIUM_SANDBOX=on but CHROMIUM_EXTRA_ARGS holds --no-sandbox");
    }
    const plans = launchPlans(mode, { isRoot: process.getuid?.() === 0, setpriv: this.setpriv, user: this.options.sandboxUser ?? DEFAULT_SANDBOX_USER });
    const refused: string[] = [];
    for (const [i, plan] of plans.entries()) {
      try {
        const launched = await launchChromium(this.options, defaultTimeoutMs, plan, this.setpriv);
        this.chosen = plan;
        this.report(mode, plan, refused);
        return launched;
      } catch (err) {
        if (i === plans.length - 1 || err instanceof errors.TimeoutError) {
          if (mode === "on") throw new Error(`CHROMIUM_SANDBOX=on: Chromium could not start ${describePlan(plan)}: ${launchFailureReason(err)}`, { cause: err });
          throw err;
        }
        refused.push(`${describePlan(plan)}: ${launchFailureReason(err)}`);
      }
    }
    throw new Error("no Chromium launch plan");
  }

  private report(mode: string, plan: LaunchPlan, refused: string[]): void {
    const fields = { sandbox: plan.sandbox, uid: plan.runAs?.uid ?? process.getuid?.() ?? null, mode };
    if (refused.length > 0) {
      this.options.logger.warn(
        { ...fields, refused },
        `CHROMIUM SANDBOX UNAVAILABLE: chromium runs ${describePlan(plan)}, so a renderer exploit is not contained. Fix what "refused" names (docs/operations.md, "Chromium sandbox and environment"), or set CHROMIUM_SANDBOX=off to accept this, or on to refuse it`,
      );
    } else if (!plan.sandbox) {
      this.options.logger.warn(fields, `chromium runs ${describePlan(plan)} (CHROMIUM_SANDBOX=${mode})`);
    } else {
      this.options.logger.info(fields, `chromium runs ${describePlan(plan)}`);
    }
  }
}
