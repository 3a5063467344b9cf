import { userAgentOverrideOf, type BrowserIdentity } from "@browserfleet/core";

/** Ids of the relay's own commands on a client's connection: far above any a client counts up to. */
const FIRST_OWN_ID = 1_900_000_000;
const ATTACHED_EVENT = Buffer.from('"Target.attachedToTarget"');
const OWN_ID_PREFIX = Buffer.from('{"id":19');
/** Only small frames can be an attach event or an answer to our command; larger ones are never parsed. */
const MAX_INSPECTED_BYTES = 16 * 1024;
const PAGE_LIKE = new Set(["page", "iframe"]);

/**
 * Gives each DevTools session a client opens on a page the agent's UA override too. Chromium takes
 * navigator.platform, at each document's commit, from the page's most recently attached DevTools
 * session: a client session that never sets an override (Puppeteer, raw CDP; measured) makes the
 * next document report the real platform while the UA survives. So when Chromium tells the client
 * a session is attached (Target.attachedToTarget, flat), the relay first sends that session the
 * identity's Emulation.setUserAgentOverride itself: it reaches Chromium before anything the client
 * can send on the session (its runIfWaitingForDebugger included). The answers are dropped, so the
 * client never sees a command it did not send. A client connected to a page endpoint is that
 * page's session: it is given the override as soon as it is relayed.
 */
export function clientSessionIdentity(identity: BrowserIdentity): {
  inspectUpstreamMessage: (data: Buffer, isBinary: boolean, sendUpstream: (text: string) => void) => "drop" | null;
  overridePageEndpoint: (sendUpstream: (text: string) => void) => void;
} {
  let nextId = FIRST_OWN_ID;
  const ours = new Set<number>();
  const override = (sendUpstream: (text: string) => void, sessionId?: string): void => {
    const id = nextId++;
    ours.add(id);
    const params = userAgentOverrideOf(identity);
    sendUpstream(JSON.stringify({ id, method: "Emulation.setUserAgentOverride", params, ...(sessionId === undefined ? {} : { sessionId }) }));
  };
  return {
    inspectUpstreamMessage(data, isBinary, sendUpstream) {
      if (isBinary || data.length > MAX_INSPECTED_BYTES) return null;
      const answer = ours.size > 0 && data.subarray(0, OWN_ID_PREFIX.length).equals(OWN_ID_PREFIX);
      if (!answer && !data.includes(ATTACHED_EVENT)) return null;
      let message: { id?: unknown; method?: unknown; params?: { sessionId?: unknown; targetInfo?: { type?: unknown } } };
      try {
        message = JSON.parse(data.toString("utf8")) as typeof message;
      } catch {
        return null;
      }
      if (typeof message.id === "number" && ours.delete(message.id)) return "drop";
      if (message.method === "Target.attachedToTarget" && typeof message.params?.sessionId === "string" && PAGE_LIKE.has(String(message.params.targetInfo?.type))) {
        override(sendUpstream, message.params.sessionId);
      }
      return null;
    },
    overridePageEndpoint: (sendUpstream) => override(sendUpstream),
  };
}
