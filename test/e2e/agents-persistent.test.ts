import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Page } from "playwright-core";
import { startAgentSite, type AgentSite } from "../support/agent-site.ts";
import { apiClient } from "../support/http-client.ts";
import type { ApiHandle } from "../support/in-process-api.ts";
import { balanceAndLedger } from "../support/job-polling.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

type Agent = { id: string; status: string; mode: string; profile_id: string | null; session_id: string; cdp_url: string; cost_credits: number; expires_at: string | null };
type Session = { id: string; agent_id: string; status: string; cdp_url: string; ended_reason: string | null };

let stack: TestStack<ApiHandle>;
let site: AgentSite;

beforeAll(async () => {
  [stack, site] = await Promise.all([startTestStack({ api: "in-process", workers: 2, env: { WORKER_AGENT_SLOTS: "1", AGENT_WARM_POOL: "0" } }), startAgentSite()]);
});

afterAll(async () => {
  await Promise.all([stack?.stop(), site?.close()]);
});

const pageOf = async (cdpUrl: string) => {
  const browser = await chromium.connectOverCDP(cdpUrl);
  return { browser, page: browser.contexts()[0]!.pages()[0]! };
};

/** What the page's own scripts see of its saved state (read at load, before any client touches it). */
const storedState = (page: Page) =>
  page.evaluate(async () => {
    const idb = await new Promise<string | null>((resolve) => {
      const open = indexedDB.open("bf-test", 1);
      open.onupgradeneeded = () => open.result.createObjectStore("kv");
      open.onsuccess = () => {
        const get = open.result.transaction("kv").objectStore("kv").get("k");
        get.onsuccess = () => resolve((get.result as string | undefined) ?? null);
        get.onerror = () => resolve(null);
      };
      open.onerror = () => resolve(null);
    });
    return { cookie: document.cookie, local: localStorage.getItem("k"), idb };
  });

describe("a persistent agent keeps its profile between sessions, on any worker", () => {
  it("cookies (persistent and session), localStorage and IndexedDB set in session 1 are back in session 2 on another worker; DELETE deletes the profile", async () => {
    const { apiKey, workspaceId } = await stack.newWorkspace("persistent");
    const client = apiClient(stack.apiUrl, apiKey);
    const created = await client.post<Agent>("/v1/agents", { mode: "persistent", ttl_seconds: 600, initial_url: `${site.origin}/` });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const agent = created.body;
    expect(agent).toMatchObject({ mode: "persistent", status: "running" });
    expect(agent.profile_id).toMatch(/^prf_[0-9a-f]{20}$/);
    // The first renewal (20) is charged at create; the session reserves its one block (2).
    expect((await balanceAndLedger(stack.prisma, workspaceId)).balance).toBe(100 - 20 - 2);

    const one = await pageOf(agent.cdp_url);
    await one.page.evaluate(async () => {
      document.cookie = "kept=yes; max-age=86400; path=/";
      document.cookie = "login=session-only; path=/";
      localStorage.setItem("k", "local-value");
      await new Promise<void>((resolve, reject) => {
        const open = indexedDB.open("bf-test", 1);
        open.onupgradeneeded = () => open.result.createObjectStore("kv");
        open.onsuccess = () => {
          const tx = open.result.transaction("kv", "readwrite");
          tx.objectStore("kv").put("idb-value", "k");
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(new Error("idb write failed"));
        };
      });
    });
    await one.browser.close();
    const first = await stack.prisma.agentSession.findUniqueOrThrow({ where: { id: agent.session_id } });
    const firstWorker = first.workerId;

    // Ending the session saves the profile first; the agent is stopped, not destroyed.
    expect((await client.call("DELETE", `/v1/agents/${agent.id}/sessions/${agent.session_id}`)).status).toBe(204);
    const stopped = await client.get<Agent>(`/v1/agents/${agent.id}`);
    expect(stopped.body).toMatchObject({ status: "stopped", expires_at: null });
    const profile = await stack.prisma.agentProfile.findUnique({ where: { agentId: agent.id } });
    expect(profile?.sessionId).toBe(agent.session_id);

    // Session 2 must land on the other worker: stop the one that hosted session 1.
    const host = stack.workers.find((w) => first.workerUrl!.endsWith(`:${w.port}`))!;
    expect(host).toBeDefined();
    await host.stop("SIGTERM");

    const opened = await client.post<Session>(`/v1/agents/${agent.id}/sessions`, { ttl_seconds: 600 });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect(opened.body).toMatchObject({ agent_id: agent.id, status: "running" });
    expect((await stack.prisma.agentSession.findUniqueOrThrow({ where: { id: opened.body.id } })).workerId).not.toBe(firstWorker);
    const again = await client.post<{ code: string }>(`/v1/agents/${agent.id}/sessions`, {});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("AGENT_RUNNING");

    const two = await pageOf(opened.body.cdp_url);
    await two.page.goto(`${site.origin}/page/1`);
    const state = await storedState(two.page);
    expect(state.local).toBe("local-value");
    expect(state.idb).toBe("idb-value");
    expect(state.cookie.split("; ").sort()).toEqual(["kept=yes", "login=session-only"]);
    await two.browser.close();

    const sessions = await client.get<{ items: Session[] }>(`/v1/agents/${agent.id}/sessions`);
    expect(sessions.body.items.map((s) => s.id)).toEqual([opened.body.id, agent.session_id]);
    expect(sessions.body.items[1]).toMatchObject({ status: "ended", ended_reason: "client" });

    expect((await client.call("DELETE", `/v1/agents/${agent.id}`)).status).toBe(204);
    expect((await client.get<Agent>(`/v1/agents/${agent.id}`)).body.status).toBe("destroyed");
    expect(await stack.prisma.agentProfile.count({ where: { agentId: agent.id } })).toBe(0);
    const reopened = await client.post<{ code: string }>(`/v1/agents/${agent.id}/sessions`, {});
    expect(reopened.status).toBe(409);
    expect(reopened.body.code).toBe("AGENT_NOT_RUNNING");
    const { balance, ledgerSum } = await balanceAndLedger(stack.prisma, workspaceId);
    expect(ledgerSum).toBe(balance);
    // Renewal 20 + one block of each session at the persistent price (2).
    expect(balance).toBe(100 - 20 - 2 - 2);
    const events = await stack.prisma.outboxEvent.findMany({ where: { workspaceId }, orderBy: { createdAt: "asc" } });
    expect(events.map((e) => e.type)).toEqual(["agent.provisioned", "agent.session.started", "agent.session.ended", "agent.session.started", "agent.session.ended", "agent.destroyed"]);
    expect((events[2]!.data as { profile_saved: boolean }).profile_saved).toBe(true);
  });

  it("a burner has no sessions to open", async () => {
    const client = apiClient(stack.apiUrl, (await stack.newWorkspace("burner")).apiKey);
    const burner = await client.post<Agent>("/v1/agents", { ttl_seconds: 60 });
    expect(burner.status).toBe(201);
    expect(burner.body.profile_id).toBeNull();
    const res = await client.post<{ code: string }>(`/v1/agents/${burner.body.id}/sessions`, {});
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("BAD_REQUEST");
    expect((await client.call("DELETE", `/v1/agents/${burner.body.id}`)).status).toBe(204);
  });
});
