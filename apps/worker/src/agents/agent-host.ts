import type { Redis } from "ioredis";
import type { Cookie } from "playwright-core";
import type { Logger } from "pino";
import { announceAgentSettled, dropSessionLease, renewSessionLeases, subscribeAgentSignals, type AgentEndSignal } from "@browserfleet/agents";
import { ProfileTooLargeError, archiveProfile, extractProfile, type AgentBrowser } from "@browserfleet/browser";
import type { AgentEndedReason, OsType } from "@browserfleet/core";
import { claimAgentSession, endAgentSession, failAgentSession, markAgentSessionRunning, recordAgentSessionBytes, type Db, type ProfileStore } from "@browserfleet/db";
import { lockDownBrowser } from "./cdp-policy-lockdown.ts";
import { HostedSession } from "./hosted-session.ts";
import { IdentityEmulation } from "./identity/identity-emulation.ts";
import { measureAgentTrust } from "./identity/measure-agent-trust.ts";
import { openInitialPage } from "./open-initial-page.ts";
import { readCookies, restoreCookies, writeCookies } from "./profile-cookies.ts";
import type { WarmBrowsers } from "./warm-browsers.ts";

export interface AgentHostOptions {
  prisma: Db;
  redis: Redis;
  prefix: string;
  workerId: string;
  /** The base URL the gateway reaches this worker's relay at (known once the ops server listens). */
  workerUrl: () => string;
  browsers: WarmBrowsers;
  ttlScale: number;
  leaseMs: number;
  profiles: ProfileStore;
  /** PROFILE_MAX_BYTES. */
  profileMaxBytes: number;
  /** Warmup recipes by name (built-in plus AGENT_WARMUP_RECIPES). */
  warmupRecipes: Readonly<Record<string, readonly string[]>>;
  /** Runs the agent loop of a task in the burner hosting it (tasks/task-runner.ts). */
  tasks?: { run(session: HostedSession, jobId: string): Promise<void> };
  logger: Logger;
}

const END_WRITE_TRIES = 5;
/** The metadata key a task's burner carries its job id under (packages/db create-task-job.ts). */
const TASK_JOB_METADATA_KEY = "_bf.task_job_id";

/**
 * The agent sessions this worker hosts: it claims a placed session, starts (or takes a warm)
 * browser for it, marks it running, renews its lease, and ends it on TTL, idle, crash, the
 * client's Browser.close, or a signal that someone else ended it (DELETE, the sweep).
 */
export class AgentHost {
  private readonly options: AgentHostOptions;
  private readonly sessions = new Map<string, HostedSession>();
  /** Claimed, browser not yet running: leased too, so the sweep never takes them for lost. */
  private readonly starting = new Set<string>();
  private leaseTimer: NodeJS.Timeout | undefined;

  constructor(options: AgentHostOptions) {
    this.options = options;
  }

  async start(subscriber: Redis): Promise<void> {
    await subscribeAgentSignals(subscriber, this.options.prefix, { end: (signal) => this.onEndSignal(signal) });
    // A third of the lease: two renewals may fail (a Redis blip) before the lease lapses.
    this.leaseTimer = setInterval(() => void this.tick(), Math.max(250, Math.floor(this.options.leaseMs / 3)));
    this.leaseTimer.unref();
  }

  get(sessionId: string): HostedSession | undefined {
    const session = this.sessions.get(sessionId);
    return session && !session.isEnding ? session : undefined;
  }

  get hostedCount(): number {
    return this.sessions.size + this.starting.size;
  }

  /** The queue consumer's processor: resolves when the session has ended (so the agent slot is busy exactly that long). */
  async runSession(sessionId: string): Promise<void> {
    const { prisma, workerId, logger } = this.options;
    const claim = await claimAgentSession(prisma, { sessionId, workerId, workerUrl: this.options.workerUrl() });
    if (!claim) return;
    const log = logger.child({ session_id: sessionId, agent_id: claim.agent.id, workspace_id: claim.agent.workspaceId });
    this.starting.add(sessionId);
    let browser: AgentBrowser | null = null;
    try {
      await renewSessionLeases(this.options.redis, this.options.prefix, workerId, [sessionId], this.options.leaseMs);
      const persistent = claim.agent.mode === "persistent";
      // A persistent agent's profile is in place before Chromium starts, so the pages' own scripts see it at load.
      browser = persistent ? await this.options.browsers.launchFresh({ prepareProfile: (dir) => this.restoreProfile(claim.agent.id, dir) }) : await this.options.browsers.take();
      if (persistent) await restoreCookies(browser);
      // Before any page loads (the initial page included): every target of this browser presents the agent's identity.
      const identity = await IdentityEmulation.apply(browser, { osType: claim.agent.osType as OsType, country: claim.agent.country });
      // Then the warmup and the initial page, over that same connection: the pages load with the identity.
      const startupLeftMs = claim.session.createdAt.getTime() + claim.session.startupTimeoutSeconds * 1000 - Date.now();
      const warmup = claim.agent.warmupRecipe === null ? [] : (this.options.warmupRecipes[claim.agent.warmupRecipe] ?? []);
      if (claim.agent.initialUrl || warmup.length > 0) await openInitialPage(identity, { warmup, initialUrl: claim.agent.initialUrl }, Math.max(1_000, startupLeftMs - 500));
      // Last, after every other worker-side connection (Playwright's reset the download behaviour when they close).
      await lockDownBrowser(browser);
      const running = await markAgentSessionRunning(prisma, { sessionId, workerId, browserPid: browser.pid, ttlScale: this.options.ttlScale });
      if (!running) {
        log.info("agent session was given up before its browser was ready");
        await browser.close();
        return;
      }
      const hosted = new HostedSession({
        id: sessionId,
        agentId: claim.agent.id,
        workspaceId: claim.agent.workspaceId,
        browser,
        identity,
        idleMs: claim.agent.idleTimeoutSeconds * 1000 * this.options.ttlScale,
        expiresAt: running.expiresAt!,
        onEnd: (reason, endedAt, outcome) => this.writeEnd(sessionId, reason, endedAt, outcome, log),
        ...(persistent
          ? { profile: { beforeClose: readCookies, save: (dir: string, live: unknown) => this.saveProfile(claim.agent.id, sessionId, dir, live as Cookie[] | undefined, log) } }
          : {}),
        logger,
      });
      this.sessions.set(sessionId, hosted);
      this.starting.delete(sessionId);
      hosted.start();
      // In the background (the 201 does not wait): the detection checks and the trust score, stored within 30 s of start.
      identity.checks = measureAgentTrust(identity, { prisma, agentId: claim.agent.id, logger: log });
      // Clients are held until the checks are done (hold-for-checks.ts): that time is not the agent's idle time.
      void hosted.whileConnecting(identity.checks);
      log.info({ pid: browser.pid, expires_at: running.expiresAt }, "agent session running");
      await announceAgentSettled(this.options.redis, this.options.prefix, sessionId).catch(() => undefined);
      const taskJobId = (claim.agent.metadata as Record<string, unknown> | null)?.[TASK_JOB_METADATA_KEY];
      if (typeof taskJobId === "string" && this.options.tasks) {
        void this.options.tasks.run(hosted, taskJobId).catch((err: unknown) => {
          log.error({ err: { message: err instanceof Error ? err.message : String(err) }, job_id: taskJobId }, "task runner failed; the burner's end fails the task");
          void hosted.end("error");
        });
      }
      await hosted.done;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log.error({ err: { message } }, "agent browser could not start");
      await browser?.close().catch(() => undefined);
      await failAgentSession(prisma, { sessionId, errorCode: "BROWSER_START_FAILED", errorMessage: `the agent's browser could not start: ${message}` }).catch(() => undefined);
      await announceAgentSettled(this.options.redis, this.options.prefix, sessionId).catch(() => undefined);
    } finally {
      this.starting.delete(sessionId);
      this.sessions.delete(sessionId);
      await dropSessionLease(this.options.redis, this.options.prefix, sessionId).catch(() => undefined);
    }
  }

  /** Shutdown: sessions may run on until `deadlineMs`; then whatever still runs ends `worker_lost`, persistent profiles saved first. */
  async drain(deadlineMs: number): Promise<void> {
    const all = () => [...this.sessions.values()].map((s) => s.done);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadlineMs))));
    await Promise.race([Promise.all(all()), timedOut]);
    clearTimeout(timer);
    await Promise.all([...this.sessions.values()].map((s) => s.end("worker_lost", new Date(), { saveProfile: true })));
    clearInterval(this.leaseTimer);
  }

  private onEndSignal(signal: AgentEndSignal): void {
    void this.sessions.get(signal.sessionId)?.end(signal.reason, new Date(), { destroy: signal.destroy === true });
  }

  private async restoreProfile(agentId: string, dir: string): Promise<void> {
    const saved = await this.options.profiles.load(agentId);
    if (saved) await extractProfile(dir, saved);
  }

  private async saveProfile(agentId: string, sessionId: string, dir: string, cookies: Cookie[] | undefined, log: Logger): Promise<boolean> {
    try {
      await writeCookies(dir, cookies ?? []);
      const archive = await archiveProfile(dir, this.options.profileMaxBytes);
      const saved = await this.options.profiles.save({ agentId, sessionId, bytes: archive });
      log.info({ bytes: archive.length, saved }, saved ? "agent profile saved" : "agent profile not saved: the session is no longer the agent's open one");
      return saved;
    } catch (err) {
      if (err instanceof ProfileTooLargeError) log.warn({ limit: err.limit }, "agent profile not saved: larger than PROFILE_MAX_BYTES");
      else log.error({ err: { message: err instanceof Error ? err.message : String(err) } }, "agent profile could not be saved");
      return false;
    }
  }

  /** Renews every lease, and ends sessions Postgres says are over (a missed end signal costs one tick, never a leak). */
  private async tick(): Promise<void> {
    const ids = [...this.sessions.keys(), ...this.starting];
    try {
      await renewSessionLeases(this.options.redis, this.options.prefix, this.options.workerId, ids, this.options.leaseMs);
    } catch (err) {
      this.options.logger.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, "could not renew agent leases");
    }
    const running = [...this.sessions.keys()];
    await this.writeBytes();
    if (running.length === 0) return;
    try {
      const over = await this.options.prisma.agentSession.findMany({ where: { id: { in: running }, status: { not: "running" } }, select: { id: true, endedReason: true } });
      for (const row of over) void this.sessions.get(row.id)?.end((row.endedReason as AgentEndedReason | null) ?? "client");
    } catch (err) {
      this.options.logger.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, "could not check agent sessions against Postgres");
    }
  }

  /** The egress bytes each hosted session's browser has carried, as last written to Postgres (so an unchanged one is not written again). */
  private readonly bytesWritten = new Map<string, string>();

  /** Part of tick: every session's bytes so far into Postgres (monotonic there), one statement for all that changed. */
  private async writeBytes(): Promise<void> {
    for (const id of this.bytesWritten.keys()) if (!this.sessions.has(id)) this.bytesWritten.delete(id);
    const changed = [...this.sessions.values()]
      .map((s) => ({ sessionId: s.id, ...s.browser.egressBytes() }))
      .filter((b) => this.bytesWritten.get(b.sessionId) !== `${b.up}/${b.down}`);
    if (changed.length === 0) return;
    try {
      await recordAgentSessionBytes(this.options.prisma, changed);
      for (const b of changed) this.bytesWritten.set(b.sessionId, `${b.up}/${b.down}`);
    } catch (err) {
      this.options.logger.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, "could not write agent sessions' egress bytes");
    }
  }

  private async writeEnd(sessionId: string, reason: AgentEndedReason, endedAt: Date, outcome: { destroy: boolean; profileSaved: boolean }, log: Logger): Promise<void> {
    // Read once the browser is gone (its proxy closed with it): these are the session's final counts.
    const bytes = this.sessions.get(sessionId)?.browser.egressBytes();
    for (let attempt = 1; ; attempt += 1) {
      try {
        const ended = await endAgentSession(this.options.prisma, {
          ...(bytes === undefined ? {} : { bytes }),
          sessionId,
          reason,
          endedAt,
          ttlScale: this.options.ttlScale,
          destroyAgent: outcome.destroy,
          profileSaved: outcome.profileSaved,
        });
        // Ended already (a burner's DELETE, a sweep): the end was written without this browser's last
        // bytes, so they go in now; GREATEST keeps whichever count is higher.
        if (!ended && bytes !== undefined) await recordAgentSessionBytes(this.options.prisma, [{ sessionId, ...bytes }]);
        await announceAgentSettled(this.options.redis, this.options.prefix, sessionId).catch(() => undefined);
        if (ended) log.info({ reason, charged: ended.charged, released: ended.released, bytes_up: bytes?.up, bytes_down: bytes?.down }, "agent session end written");
        else log.info({ reason, bytes_up: bytes?.up, bytes_down: bytes?.down }, "agent session had ended already; its final bytes written");
        return;
      } catch (err) {
        if (attempt >= END_WRITE_TRIES) {
          // The lease goes with the session, so the sweep ends it (worker_lost) once Postgres answers again.
          log.error({ err: { message: err instanceof Error ? err.message : String(err) }, reason }, "could not write the agent session's end");
          return;
        }
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  }
}
