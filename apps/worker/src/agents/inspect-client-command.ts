import type { ClientMessageVerdict, RelayOptions } from "@browserfleet/agents";
import type { BrowserIdentity } from "@browserfleet/core";
import { checkCdpCommand, type CdpCommand, type CdpVerdict } from "./cdp-policy.ts";
import { PrivilegedTargetGuard } from "./privileged-targets.ts";
import type { HostedSession } from "./hosted-session.ts";
import { clientSessionIdentity } from "./identity/client-session-identity.ts";

/** What the relay needs of a session here. */
type InspectedSession = Pick<HostedSession, "noteBrowserCloseRequest"> & { identity: { identity: BrowserIdentity } | null };

const UA_OVERRIDES = new Set(["Emulation.setUserAgentOverride", "Network.setUserAgentOverride"]);

/**
 * A client's UA override with an empty userAgent ("no override": Playwright's connectOverCDP sends
 * one for every page it initialises) is rewritten to carry the agent's identity. Forwarded as it
 * was, the client's session (the page's newest) would give the next document the real
 * navigator.platform, the UA staying the worker's (see identity/client-session-identity.ts). Values the client did set (a non-empty userAgent is a deliberate
 * choice, and so are an acceptLanguage, platform or userAgentMetadata next to an empty one) stay.
 */
function withIdentity(command: CdpCommand, identity: BrowserIdentity): string | null {
  const params = (typeof command.params === "object" && command.params !== null ? command.params : {}) as Record<string, unknown>;
  if (typeof params.userAgent === "string" && params.userAgent !== "") return null;
  return JSON.stringify({
    ...command,
    params: {
      ...params,
      userAgent: identity.userAgent,
      acceptLanguage: typeof params.acceptLanguage === "string" && params.acceptLanguage !== "" ? params.acceptLanguage : identity.acceptLanguage,
      platform: typeof params.platform === "string" && params.platform !== "" ? params.platform : identity.platform,
      userAgentMetadata: params.userAgentMetadata ?? identity.userAgentMetadata,
    },
  });
}

/**
 * Looks at one CDP command from a client before it reaches Chromium: parsed once (so no JSON escape
 * hides a method), then checked against the CDP policy (cdp-policy.ts). Browser.close is the client
 * ending the agent (Puppeteer's browser.close()): noted, so the exit that follows is not taken for a
 * crash. An empty UA override is given the agent's identity (withIdentity). Returns a reply to send
 * instead of forwarding, `{forward}` with the frame to forward in its place, or null to forward it.
 * A frame that is not JSON, or has no method, is forwarded as it is: Chromium answers it with its own error.
 */
export function inspectClientCommand(session: InspectedSession, data: Buffer, guard?: PrivilegedTargetGuard): ClientMessageVerdict {
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
  const verdict: CdpVerdict = guard?.refuses(parsed) ? { kind: "refuse", reason: "a session on one of Chromium's own targets (WebUI, DevTools, extensions) is not allowed" } : checkCdpCommand(parsed);
  if (verdict.kind === "forward") {
    if (!UA_OVERRIDES.has(parsed.method) || session.identity === null) return null;
    const rewritten = withIdentity(parsed, session.identity.identity);
    return rewritten === null ? null : { forward: rewritten };
  }
  const reply: Record<string, unknown> = { id: parsed.id };
  if (verdict.kind === "pretend") reply.result = {};
  else reply.error = { code: -32000, message: `browserfleet: ${verdict.reason}` };
  if (parsed.sessionId !== undefined) reply.sessionId = parsed.sessionId;
  return JSON.stringify(reply);
}

/**
 * The relay's inspectors for one client connection: the client's commands through
 * inspectClientCommand, and (when the session has an identity) Chromium's attach events through
 * clientSessionIdentity, so every DevTools session the client opens carries the agent's UA override.
 */
export function relayInspectors(session: InspectedSession, kind: "browser" | "page"): Pick<RelayOptions, "inspectClientMessage" | "inspectUpstreamMessage" | "onStart"> {
  // Sessions on Chromium's own targets are withheld and detached first (privileged-targets.ts); what is left gets the identity.
  const guard = new PrivilegedTargetGuard();
  const inspectClientMessage = (data: Buffer) => inspectClientCommand(session, data, guard);
  const identity = session.identity === null ? null : clientSessionIdentity(session.identity.identity);
  const inspectUpstreamMessage: NonNullable<RelayOptions["inspectUpstreamMessage"]> = (data, isBinary, sendUpstream) => {
    if (!isBinary) {
      const verdict = guard.inspectUpstream(data);
      if (verdict.toUpstream !== undefined) sendUpstream(verdict.toUpstream);
      if (verdict.drop) return "drop";
    }
    return identity ? identity.inspectUpstreamMessage(data, isBinary, sendUpstream) : null;
  };
  return { inspectClientMessage, inspectUpstreamMessage, ...(identity && kind === "page" ? { onStart: identity.overridePageEndpoint } : {}) };
}
