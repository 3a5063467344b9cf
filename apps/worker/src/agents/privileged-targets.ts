/**
 * Chromium's own targets that a CDP client must never get a session on: its WebUI (`browser_ui`
 * targets such as chrome://omnibox-popup.top-chrome/, present in every headless browser), pages of
 * chrome:, chrome-untrusted:, devtools: and chrome-search: origins, and component extensions such
 * as the PDF viewer's chrome-extension:// frame. Each runs with bindings a web page never has
 * (chrome.send, Mojo interfaces, extension APIs): a session on one is a step outside the page
 * sandbox the rest of the policy keeps the client in.
 *
 * A client can learn their ids (Target.getTargets) and ask for a session (Target.attachToTarget,
 * or Target.setAutoAttach, which attaches whatever its filter lets through). The relay does not
 * know a target's kind when the command passes, so the guard acts where Chromium says it: every
 * `Target.attachedToTarget` event on the client's connection carries the target's type and URL.
 * For a privileged one the event is withheld from the client, the session is detached at once by
 * the relay itself (a command of its own, whose answer is withheld too), and any later command on
 * that session id is refused.
 */

const PRIVILEGED_TYPES = new Set(["browser_ui"]);
const PRIVILEGED_SCHEMES = ["chrome:", "chrome-untrusted:", "devtools:", "chrome-search:", "chrome-extension:", "chrome-native:"];

export interface TargetInfoLike {
  type?: unknown;
  url?: unknown;
}

/** True for a target of Chromium's own: WebUI, DevTools, component extensions. */
export function isPrivilegedTarget(info: TargetInfoLike): boolean {
  if (typeof info.type === "string" && PRIVILEGED_TYPES.has(info.type)) return true;
  const url = typeof info.url === "string" ? info.url.trim().toLowerCase() : "";
  return PRIVILEGED_SCHEMES.some((scheme) => url.startsWith(scheme));
}

/** What to do with one Chromium → client frame. */
export interface UpstreamVerdict {
  /** Withhold the frame from the client. */
  drop: boolean;
  /** A command for the relay to send to Chromium on its own behalf. */
  toUpstream?: string;
}

const PASS: UpstreamVerdict = { drop: false };
const ATTACHED = Buffer.from('"Target.attachedToTarget"');
/** Ids of the guard's own commands: far above what clients count to, and never reused within a connection. */
const OWN_ID_BASE = 2_000_000_000;

/** One client connection's guard: which sessions it may not use, and the detaches it sent. */
export class PrivilegedTargetGuard {
  private readonly forbidden = new Set<string>();
  private readonly ownIds = new Set<number>();
  private nextOwnId = OWN_ID_BASE;

  /** Looks at a Chromium → client frame (cheaply: only frames naming the event, or answering the guard, are parsed). */
  inspectUpstream(data: Buffer): UpstreamVerdict {
    if (this.ownIds.size > 0 && data.includes('"id":')) {
      const answered = this.ownAnswer(data);
      if (answered) return { drop: true };
    }
    if (!data.includes(ATTACHED)) return PASS;
    let event: { method?: unknown; params?: { sessionId?: unknown; targetInfo?: TargetInfoLike } };
    try {
      event = JSON.parse(data.toString("utf8")) as typeof event;
    } catch {
      return PASS;
    }
    const sessionId = event.params?.sessionId;
    if (event.method !== "Target.attachedToTarget" || typeof sessionId !== "string" || !isPrivilegedTarget(event.params?.targetInfo ?? {})) return PASS;
    this.forbidden.add(sessionId);
    const id = this.nextOwnId++;
    this.ownIds.add(id);
    // Detached from where it was attached: a nested auto-attach's session lives under its parent's.
    const parent = (event as { sessionId?: unknown }).sessionId;
    return { drop: true, toUpstream: JSON.stringify({ id, method: "Target.detachFromTarget", params: { sessionId }, ...(typeof parent === "string" ? { sessionId: parent } : {}) }) };
  }

  /** A client command on a privileged target's session (flat, or through the legacy channel) is refused. */
  refuses(command: { sessionId?: unknown; method: string; params?: unknown }): boolean {
    if (typeof command.sessionId === "string" && this.forbidden.has(command.sessionId)) return true;
    if (command.method === "Target.sendMessageToTarget" || command.method === "Target.detachFromTarget") {
      const inner = (command.params as { sessionId?: unknown } | undefined)?.sessionId;
      return command.method === "Target.sendMessageToTarget" && typeof inner === "string" && this.forbidden.has(inner);
    }
    return false;
  }

  private ownAnswer(data: Buffer): boolean {
    let reply: { id?: unknown; method?: unknown };
    try {
      reply = JSON.parse(data.toString("utf8")) as typeof reply;
    } catch {
      return false;
    }
    if (typeof reply.id !== "number" || reply.method !== undefined || !this.ownIds.has(reply.id)) return false;
    this.ownIds.delete(reply.id);
    return true;
  }
}
