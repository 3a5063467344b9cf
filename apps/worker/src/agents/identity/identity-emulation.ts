import type { AgentBrowser } from "@browserfleet/browser";
import { browserIdentity, chromiumVersionOf, userAgentOverrideOf, type BrowserIdentity, type OsType } from "@browserfleet/core";
import { RawCdpConnection, type CdpEvent } from "./raw-cdp-connection.ts";

const CONNECT_TIMEOUT_MS = 10_000;
const AUTO_ATTACH = { autoAttach: true, waitForDebuggerOnStart: true, flatten: true } as const;
const PAGE_LIKE = new Set(["page", "iframe"]);
const WORKER_LIKE = new Set(["worker", "shared_worker", "service_worker"]);

/** A target the worker's identity connection is attached to (flat session). */
export interface AttachedTarget {
  targetId: string;
  sessionId: string;
  type: string;
  browserContextId: string | undefined;
  /** Resolves once the identity is applied and the target runs. */
  ready: Promise<void>;
}

/**
 * The agent's identity (browser-identity.ts), held on every target of its browser for the
 * browser's life over one CDP connection of the worker's own: Target.setAutoAttach with
 * waitForDebuggerOnStart, so each page, iframe and worker (the initial page, pages a client opens
 * later, popups) is paused at birth, given the UA / client hints / platform / Accept-Language,
 * timezone and locale overrides, and only then let run. Pages keep them across navigations: the
 * overrides belong to the attached session, which lives as long as the target.
 *
 * The connection must stay open (the overrides go with it), so when it is lost while the browser
 * still runs the browser is closed: the agent never runs on without the identity it promised.
 */
export class IdentityEmulation {
  readonly identity: BrowserIdentity;
  readonly connection: RawCdpConnection;
  private readonly targets = new Map<string, AttachedTarget>();
  private readonly targetWaiters = new Map<string, (target: AttachedTarget) => void>();
  /** Contexts the worker made for itself (detection checks, fingerprint fallback): never the client's page. */
  readonly workerContexts = new Set<string>();
  /**
   * Settles when the detection checks (measure-agent-trust.ts) are done: the relay holds a client's
   * connect until then (bounded), so a client never sees the check page or enables Runtime on it.
   */
  checks: Promise<void> = Promise.resolve();

  private constructor(connection: RawCdpConnection, identity: BrowserIdentity) {
    this.connection = connection;
    this.identity = identity;
  }

  /** Connects, derives the identity from the real Chromium version, and applies it to every target, existing ones first. */
  static async apply(browser: AgentBrowser, input: { osType: OsType; country: string }): Promise<IdentityEmulation> {
    const connection = await RawCdpConnection.open(browser.browserWsUrl, CONNECT_TIMEOUT_MS);
    let exited = false;
    void browser.exited.then(() => {
      exited = true;
      connection.close();
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        (async () => {
          const version = await connection.send<{ product: string }>("Browser.getVersion");
          const identity = browserIdentity({ osType: input.osType, country: input.country, chromiumVersion: chromiumVersionOf(version.product) });
          const emulation = new IdentityEmulation(connection, identity);
          connection.onEvent((event) => emulation.onEvent(event));
          await connection.send("Target.setAutoAttach", AUTO_ATTACH);
          // The existing targets were attached while setAutoAttach ran: the first page has its identity before anyone loads it.
          await Promise.all([...emulation.targets.values()].map((t) => t.ready));
          // From here on, losing the connection means losing the identity: fail closed.
          connection.onClose(() => {
            if (!exited) void browser.close().catch(() => undefined);
          });
          return emulation;
        })(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`identity: the browser did not answer within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
        }),
      ]);
    } catch (err) {
      connection.close();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Page targets the worker is attached to, the client's first (those outside the worker's own contexts). */
  pages(): AttachedTarget[] {
    const pages = [...this.targets.values()].filter((t) => t.type === "page");
    return [...pages.filter((t) => !this.isWorkers(t)), ...pages.filter((t) => this.isWorkers(t))];
  }

  isWorkers(target: AttachedTarget): boolean {
    return target.browserContextId !== undefined && this.workerContexts.has(target.browserContextId);
  }

  /** The target once it is attached and emulated (a target just created is attached a moment later). */
  async attached(targetId: string, timeoutMs: number): Promise<AttachedTarget> {
    const known = this.targets.get(targetId);
    const target =
      known ??
      (await new Promise<AttachedTarget>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.targetWaiters.delete(targetId);
          reject(new Error(`identity: target ${targetId} was not attached within ${timeoutMs} ms`));
        }, timeoutMs);
        this.targetWaiters.set(targetId, (t) => {
          clearTimeout(timer);
          resolve(t);
        });
      }));
    await target.ready;
    return target;
  }

  /**
   * Puts the identity back on every live page after any other DevTools session detached from it:
   * Chromium resets a page's navigator.platform (the live document's too) to the real one whenever
   * one of its sessions detaches, though the worker's session still holds its override (measured,
   * Chromium 156); sending the override again on the worker's session restores it. Called when a
   * client leaves and when the live view lets a page go.
   */
  async reassert(): Promise<void> {
    const userAgent = userAgentOverrideOf(this.identity);
    const pages = [...this.targets.values()].filter((t) => PAGE_LIKE.has(t.type));
    await Promise.all(pages.map((page) => this.connection.send("Emulation.setUserAgentOverride", userAgent, page.sessionId).catch(() => undefined)));
  }

  private onEvent(event: CdpEvent): void {
    if (event.method === "Target.attachedToTarget") this.onAttached(event.params);
    else if (event.method === "Target.detachedFromTarget") {
      const sessionId = event.params.sessionId;
      for (const [id, target] of this.targets) if (target.sessionId === sessionId) this.targets.delete(id);
    }
  }

  private onAttached(params: Record<string, unknown>): void {
    const sessionId = params.sessionId as string;
    const info = params.targetInfo as { targetId: string; type: string; browserContextId?: string };
    const target: AttachedTarget = { targetId: info.targetId, sessionId, type: info.type, browserContextId: info.browserContextId, ready: this.emulate(sessionId, info.type) };
    this.targets.set(info.targetId, target);
    this.targetWaiters.get(info.targetId)?.(target);
    this.targetWaiters.delete(info.targetId);
  }

  /**
   * Sends the overrides, then lets the target run. The commands of one session are handled in
   * order, so sending them back to back is as safe as awaiting each; a command a target type does
   * not support (a worker has no Emulation domain) answers an error that changes nothing else.
   */
  private async emulate(sessionId: string, type: string): Promise<void> {
    const { identity } = this;
    const userAgent = userAgentOverrideOf(identity);
    const sends: Promise<unknown>[] = [];
    const send = (method: string, params: Record<string, unknown> = {}) => sends.push(this.connection.send(method, params, sessionId).catch(() => undefined));
    if (PAGE_LIKE.has(type)) {
      send("Emulation.setUserAgentOverride", userAgent);
      send("Emulation.setTimezoneOverride", { timezoneId: identity.timezone });
      send("Emulation.setLocaleOverride", { locale: identity.locale });
      // Its out-of-process iframes and its workers are paused at birth too, and given the same.
      send("Target.setAutoAttach", AUTO_ATTACH);
    } else if (WORKER_LIKE.has(type)) {
      send("Network.setUserAgentOverride", userAgent);
      send("Emulation.setTimezoneOverride", { timezoneId: identity.timezone });
      send("Emulation.setLocaleOverride", { locale: identity.locale });
    }
    send("Runtime.runIfWaitingForDebugger");
    await Promise.all(sends);
  }
}
