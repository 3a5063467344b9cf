import type { HostedSession } from "./hosted-session.ts";

/**
 * Looks at one CDP command from a client before it reaches Chromium. Browser.close is the client
 * ending the agent (Puppeteer's browser.close()): noted, so the exit that follows is not taken for
 * a crash. Returns a reply to send instead of forwarding, or null to forward.
 */
export function inspectClientCommand(session: HostedSession, data: Buffer): string | null {
  // Cheap test first: most frames are not the ones we look for.
  if (!data.includes("Browser.close")) return null;
  try {
    const command = JSON.parse(data.toString("utf8")) as { method?: unknown };
    if (command.method === "Browser.close") session.noteBrowserCloseRequest();
  } catch {
    // Not JSON: Chromium answers it with its own error.
  }
  return null;
}
