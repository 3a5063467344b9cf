import { checkCdpCommand, type CdpCommand } from "./cdp-policy.ts";
import type { HostedSession } from "./hosted-session.ts";

/** What the relay needs of a session here. */
type InspectedSession = Pick<HostedSession, "noteBrowserCloseRequest">;

/**
 * Looks at one CDP command from a client before it reaches Chromium: parsed once (so no JSON escape
 * hides a method), then checked against the CDP policy (cdp-policy.ts). Browser.close is the client
 * ending the agent (Puppeteer's browser.close()): noted, so the exit that follows is not taken for a
 * crash. Returns a reply to send instead of forwarding, or null to forward. A frame that is not JSON,
 * or has no method, is forwarded as it is: Chromium answers it with its own error.
 */
export function inspectClientCommand(session: InspectedSession, data: Buffer): string | null {
  let command: unknown;
  try {
    command = JSON.parse(data.toString("utf8"));
  } catch {
    return null;
  }
  if (typeof command !== "object" || command === null || typeof (command as { method?: unknown }).method !== "string") return null;
  const parsed = command as CdpCommand;
  if (parsed.method === "Browser.close") {
    session.noteBrowserCloseRequest();
    return null;
  }
  const verdict = checkCdpCommand(parsed);
  if (verdict.kind === "forward") return null;
  const reply: Record<string, unknown> = { id: parsed.id };
  if (verdict.kind === "pretend") reply.result = {};
  else reply.error = { code: -32000, message: `browserfleet: ${verdict.reason}` };
  if (parsed.sessionId !== undefined) reply.sessionId = parsed.sessionId;
  return JSON.stringify(reply);
}
