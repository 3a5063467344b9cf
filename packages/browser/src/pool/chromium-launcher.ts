import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { stripVTControlCharacters } from "node:util";
import { errors, type Browser } from "playwright-core";
import type { Logger } from "@browserfleet/runtime";
import { DEFAULT_SANDBOX_USER, describePlan, findSetpriv, launchPlans, type ChromiumSandboxMode, type LaunchPlan, type SandboxUser } from "./chromium-sandbox.ts";
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

/** Of Chromium's stderr lines, the one that best says why it could not start (a sandbox complaint first). */
export function stderrFailureReason(stderrLines: readonly string[]): string {
  const lines = stderrLines.map((l) => l.trim()).filter((l) => l !== "");
  return lines.find((l) => SANDBOX_TROUBLE.test(l)) ?? lines.at(-1) ?? "unknown";
}

/** What choosing a plan needs to know of the launcher's options (BrowserPoolOptions and AgentBrowserOptions both have it). */
export interface LaunchPlanOptions {
  chromiumPath: string;
  extraArgs?: string[];
  sandbox?: ChromiumSandboxMode;
  sandboxUser?: SandboxUser;
  logger: Logger;
}

/** One attempt at starting Chromium the way `plan` says; rejects if it did not start. */
export type PlanAttempt<T> = (plan: LaunchPlan, setpriv: string | null) => Promise<T>;

/** How a launcher's failed attempts read: a timeout never causes a fallback, and the reason goes into the warning. */
export interface LaunchFailureReading {
  isTimeout(err: unknown): boolean;
  reason(err: unknown): string;
}

/** Playwright's launch errors: its TimeoutError, and Chromium's stderr lines quoted in the message. */
export const PLAYWRIGHT_LAUNCH_FAILURES: LaunchFailureReading = {
  isTimeout: (err) => err instanceof errors.TimeoutError,
  reason: launchFailureReason,
};

/**
 * Chooses how Chromium starts: the first launch tries the sandbox mode's plans best first and
 * keeps the first that starts; every later launch then uses that plan. A fallback to a weaker plan
 * is logged as a warning saying why; a timeout never causes one (it says nothing about the sandbox).
 * What a launch is (Playwright's, or a spawned Chromium for a remote client) is the caller's attempt.
 */
export class LaunchPlanChooser {
  private readonly options: LaunchPlanOptions;
  private readonly failures: LaunchFailureReading;
  private readonly setpriv = findSetpriv();
  private chosen: LaunchPlan | null = null;
  /** The first launch's trial of the plans while it runs; concurrent first callers wait for it rather than try plans too. */
  private trial: Promise<unknown> | null = null;

  constructor(options: LaunchPlanOptions, failures: LaunchFailureReading) {
    this.options = options;
    this.failures = failures;
  }

  async launch<T>(attempt: PlanAttempt<T>): Promise<T> {
    while (this.trial !== null) await this.trial.catch(() => undefined);
    if (this.chosen !== null) return attempt(this.chosen, this.setpriv);
    const trial = this.tryPlans(attempt);
    this.trial = trial;
    try {
      return await trial;
    } finally {
      this.trial = null;
    }
  }

  private async tryPlans<T>(attempt: PlanAttempt<T>): Promise<T> {
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
        const launched = await attempt(plan, this.setpriv);
        this.chosen = plan;
        this.report(mode, plan, refused);
        return launched;
      } catch (err) {
        if (i === plans.length - 1 || this.failures.isTimeout(err)) {
          if (mode === "on") throw new Error(`CHROMIUM_SANDBOX=on: Chromium could not start ${describePlan(plan)}: ${this.failures.reason(err)}`, { cause: err });
          throw err;
        }
        refused.push(`${describePlan(plan)}: ${this.failures.reason(err)}`);
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

/** Launches the pool's Chromium through Playwright, with the plan the chooser settles on. */
export class ChromiumLauncher {
  private readonly options: BrowserPoolOptions;
  private readonly plans: LaunchPlanChooser;

  constructor(options: BrowserPoolOptions) {
    this.options = options;
    this.plans = new LaunchPlanChooser(options, PLAYWRIGHT_LAUNCH_FAILURES);
  }

  launch(defaultTimeoutMs: number): Promise<{ browser: Browser; pid: number | null }> {
    return this.plans.launch((plan, setpriv) => launchChromium(this.options, defaultTimeoutMs, plan, setpriv));
  }
}
