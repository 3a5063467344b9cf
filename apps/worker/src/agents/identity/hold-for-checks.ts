import type { HostedSession } from "../hosted-session.ts";

/** Longer than the checks take (~1 s); a client is never held longer than this. */
const CHECKS_HOLD_MS = 5_000;

/**
 * Waits (bounded) until the session's detection checks are done, before a client's connection is
 * relayed: the check page is a page of the browser, so a client attaching meanwhile would see it
 * (Playwright puts pages of unknown contexts in its default one) and, by enabling Runtime on it,
 * would make the check page see a DevTools client that is not the agent's own doing.
 */
export async function holdForChecks(session: Pick<HostedSession, "identity">): Promise<void> {
  const checks = session.identity?.checks;
  if (checks === undefined) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([checks, new Promise<void>((resolve) => (timer = setTimeout(resolve, CHECKS_HOLD_MS)))]);
  clearTimeout(timer);
}
