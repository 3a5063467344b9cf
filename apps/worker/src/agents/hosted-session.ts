import { WebSocket } from "ws";
import type { Logger } from "pino";
import { AGENT_CLOSE_CODES } from "@browserfleet/agents";
import type { AgentBrowser } from "@browserfleet/browser";
import type { AgentEndedReason } from "@browserfleet/core";
import type { IdentityEmulation } from "./identity/identity-emulation.ts";

/** How long after a client's socket closes its sessions are surely gone from Chromium. */
const IDENTITY_REASSERT_DELAY_MS = 150;

export interface HostedSessionOptions {
  id: string;
  agentId: string;
  workspaceId: string;
  browser: AgentBrowser;
  /** The identity held on the browser's targets (identity-emulation.ts); null only where none was applied. */
  identity?: IdentityEmulation | null;
  /** No CDP client attached for this long (real time, already scaled) ends the session `idle`. */
  idleMs: number;
  expiresAt: Date;
  /** Writes the end (Postgres, lease); called once, after the clients are closed and the browser is gone. */
  onEnd: (reason: AgentEndedReason, endedAt: Date, outcome: { destroy: boolean; profileSaved: boolean }) => Promise<void>;
  /** A persistent agent's: reads what only the live browser knows, then saves the closed browser's profile dir (true when saved). */
  profile?: { beforeClose(browser: AgentBrowser): Promise<unknown>; save(userDataDir: string, live: unknown): Promise<boolean> };
  logger: Logger;
}

/**
 * One running agent session on this worker: its browser, the CDP clients relayed to it, and the
 * timers that end it (TTL, idle). Whatever ends it, the clients get a websocket close saying why,
 * the browser process is killed, then the end is written.
 */
export class HostedSession {
  readonly id: string;
  readonly agentId: string;
  readonly workspaceId: string;
  readonly browser: AgentBrowser;
  readonly identity: IdentityEmulation | null;
  private readonly options: HostedSessionOptions;
  private readonly clients = new Set<WebSocket>();
  /** Live-view sockets: closed with the session's reason like clients, but never holding off the idle timer. */
  private readonly viewers = new Set<WebSocket>();
  private idleTimer: NodeJS.Timeout | undefined;
  private reassertTimer: NodeJS.Timeout | undefined;
  private ttlTimer: NodeJS.Timeout | undefined;
  private ending: Promise<void> | null = null;
  /** Set when a client sent Browser.close: the browser's exit that follows is the client ending the agent, not a crash. */
  private clientAskedToClose = false;
  /** Clients the relay is connecting right now (whileConnecting). */
  private connecting = 0;
  private resolveDone!: () => void;
  /** Resolves once the session has ended and its end is written. */
  readonly done = new Promise<void>((resolve) => (this.resolveDone = resolve));

  constructor(options: HostedSessionOptions) {
    this.options = options;
    this.id = options.id;
    this.agentId = options.agentId;
    this.workspaceId = options.workspaceId;
    this.browser = options.browser;
    this.identity = options.identity ?? null;
  }

  start(): void {
    const ttlLeft = Math.max(0, this.options.expiresAt.getTime() - Date.now());
    this.ttlTimer = setTimeout(() => void this.end("ttl", this.options.expiresAt), ttlLeft);
    this.armIdle();
    void this.browser.exited.then(() => {
      if (this.ending === null) void this.end(this.clientAskedToClose ? "client" : "error");
    });
  }

  get isEnding(): boolean {
    return this.ending !== null;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** A relayed CDP client: while any is attached the idle timer is off. */
  attach(client: WebSocket): void {
    if (this.ending !== null) {
      client.close(AGENT_CLOSE_CODES.client.code, "agent is ending");
      return;
    }
    this.clients.add(client);
    clearTimeout(this.idleTimer);
    client.once("close", () => {
      this.clients.delete(client);
      this.reassertIdentitySoon();
      if (this.clients.size === 0 && this.connecting === 0) this.armIdle();
    });
  }

  /**
   * A client the relay is still connecting (held until the detection checks are done) counts as
   * attached for the idle timer: the hold must not make an agent idle that a client is reaching.
   */
  async whileConnecting<T>(work: Promise<T>): Promise<T> {
    this.connecting += 1;
    clearTimeout(this.idleTimer);
    try {
      return await work;
    } finally {
      this.connecting -= 1;
      if (this.clients.size === 0 && this.connecting === 0) this.armIdle();
    }
  }

  /** A live viewer (view-only): told why when the session ends; does not count as a CDP client for the idle timeout. */
  addViewer(viewer: WebSocket): void {
    if (this.ending !== null) {
      viewer.close(AGENT_CLOSE_CODES.client.code, "agent is ending");
      return;
    }
    this.viewers.add(viewer);
    viewer.once("close", () => this.viewers.delete(viewer));
  }

  /** After a client leaves (its DevTools sessions detach a moment later), the worker's identity session is made the pages' newest again. */
  private reassertIdentitySoon(): void {
    const identity = this.identity;
    if (identity === null || this.ending !== null) return;
    clearTimeout(this.reassertTimer);
    this.reassertTimer = setTimeout(() => {
      if (this.ending === null) void identity.reassert().catch(() => undefined);
    }, IDENTITY_REASSERT_DELAY_MS);
    this.reassertTimer.unref();
  }

  noteBrowserCloseRequest(): void {
    this.clientAskedToClose = true;
  }

  /**
   * Ends the session once (later calls wait for the first); `endedAt` is when the reason took effect. A persistent
   * agent's profile is saved first, unless its worker is going (worker_lost: a lost worker cannot save, but a
   * draining one still can, and says so with `saveProfile`) or the agent itself is being destroyed.
   */
  end(reason: AgentEndedReason, endedAt: Date = new Date(), options: { destroy?: boolean; saveProfile?: boolean } = {}): Promise<void> {
    this.ending ??= this.runEnd(reason, endedAt, options.destroy === true, options.saveProfile === true);
    return this.ending;
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    if (this.ending !== null) return;
    this.idleTimer = setTimeout(() => void this.end("idle"), this.options.idleMs);
  }

  private async runEnd(reason: AgentEndedReason, endedAt: Date, destroy: boolean, saveProfile: boolean): Promise<void> {
    clearTimeout(this.idleTimer);
    clearTimeout(this.ttlTimer);
    const log = this.options.logger.child({ session_id: this.id, agent_id: this.agentId, workspace_id: this.workspaceId });
    const close = AGENT_CLOSE_CODES[reason];
    for (const client of [...this.clients, ...this.viewers]) {
      if (client.readyState === WebSocket.OPEN || client.readyState === WebSocket.CONNECTING) client.close(close.code, close.reason);
    }
    let profileSaved = false;
    const profile = this.options.profile !== undefined && (reason !== "worker_lost" || saveProfile) && !destroy ? this.options.profile : undefined;
    try {
      const live = profile && reason !== "error" ? await profile.beforeClose(this.browser).catch(() => undefined) : undefined;
      await this.browser.close(undefined, profile ? { beforeRemove: async (dir) => void (profileSaved = await profile.save(dir, live)) } : {});
    } catch (err) {
      log.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, "agent browser did not close cleanly, or its profile could not be saved");
    }
    try {
      await this.options.onEnd(reason, endedAt, { destroy, profileSaved });
    } finally {
      log.info({ reason, pid: this.browser.pid }, "agent session ended");
      this.resolveDone();
    }
  }
}
