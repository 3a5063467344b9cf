import { afterAll, beforeAll, expect, it } from "vitest";
import { apiClient } from "../support/http-client.ts";
import { waitUntil } from "../support/job-polling.ts";
import { useStackWithSite } from "../support/use-stack-with-site.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.ts";

// No worker: the events are pings, so only the API, Postgres and the dispatchers take part.
// A 3 s attempt budget makes a dead dispatcher's lease (budget + 5 s) run out quickly.
const PER_ENDPOINT = 2;
const ctx = useStackWithSite({
  api: "in-process",
  workers: 0,
  env: { WEBHOOK_TIMEOUT_MS: "3000", WEBHOOK_POLL_MS: "50", WEBHOOK_RETRY_SCALE: "0.001", WEBHOOK_ENDPOINT_CONCURRENCY: String(PER_ENDPOINT), WEBHOOK_CONCURRENCY: "8" },
});
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver?.close();
});

/** `perHook` pings to each of `hooks` new endpoints of one workspace; returns every event id. */
async function pingMany(paths: string[], perHook: number): Promise<string[]> {
  const { apiKey } = await ctx.stack.newWorkspace("pings");
  const api = apiClient(ctx.stack.apiUrl, apiKey);
  const ids: string[] = [];
  for (const path of paths) {
    const hook = await api.post<{ id: string }>("/v1/webhooks", { url: receiver.url(path) });
    for (let i = 0; i < perHook; i += 1) ids.push((await api.post<{ event_id: string }>(`/v1/webhooks/${hook.body.id}/ping`)).body.event_id);
  }
  return ids;
}

const deliveredIds = (prefix: string): Set<string> =>
  new Set(receiver.received.filter((r) => r.path.startsWith(prefix) && r.status === 200).map((r) => r.body.id));

it("loses no event when the dispatcher is SIGKILLed with deliveries in flight", async () => {
  for (const p of ["/crash-a", "/crash-b", "/crash-c"]) receiver.on(p, () => ({ status: 200, delayMs: 800 }));
  const events = await pingMany(["/crash-a", "/crash-b", "/crash-c"], 12);
  const first = await ctx.stack.startDispatcher();
  await waitUntil(() => receiver.inFlight() >= 3 && deliveredIds("/crash").size >= 6, 60_000, "deliveries in flight");
  first.child.kill("SIGKILL");
  await first.stop();

  const second = await ctx.stack.startDispatcher();
  await waitUntil(() => events.every((id) => deliveredIds("/crash").has(id)), 90_000, "every event delivered after the restart");
  await waitUntil(async () => (await ctx.stack.prisma.webhookTask.count({ where: { eventId: { in: events }, state: { not: "delivered" } } })) === 0, 30_000, "every task recorded as delivered");
  await second.stop("SIGTERM");

  // At least once: every event arrived; the ones cut off mid-attempt show as interrupted attempts in the log.
  expect(deliveredIds("/crash").size).toBe(events.length);
  const interrupted = await ctx.stack.prisma.webhookDelivery.count({ where: { eventId: { in: events }, error: { startsWith: "attempt interrupted" } } });
  expect(interrupted).toBeGreaterThan(0);
  expect(interrupted).toBeLessThanOrEqual(8); // WEBHOOK_CONCURRENCY: no more attempts were open
  console.log(`webhook crash: ${events.length} events, ${receiver.received.filter((r) => r.path.startsWith("/crash")).length} requests received, ${interrupted} attempts interrupted by the SIGKILL`);
});

it("never sends one event twice at the same time, nor more than the per-endpoint cap, with two dispatcher replicas", async () => {
  const paths = ["/pair-a", "/pair-b", "/pair-c", "/pair-d"];
  // Every third request fails once, so retries race with first attempts too.
  for (const p of paths) receiver.on(p, ({ n }) => ({ status: n % 3 === 0 ? 500 : 200, delayMs: 150 }));
  const events = await pingMany(paths, 15);
  const replicas = await Promise.all([ctx.stack.startDispatcher(), ctx.stack.startDispatcher()]);
  await waitUntil(() => events.every((id) => deliveredIds("/pair").has(id)), 90_000, "every event delivered");
  await Promise.all(replicas.map((r) => r.stop("SIGTERM")));

  expect(receiver.maxConcurrentPerEvent()).toBe(1);
  for (const p of paths) expect(receiver.maxConcurrentPerPath(p), p).toBeLessThanOrEqual(PER_ENDPOINT);
  const rows = await ctx.stack.prisma.webhookDelivery.findMany({ where: { eventId: { in: events } }, select: { eventId: true, attempt: true, endpointId: true } });
  const attempts = rows.map((r) => `${r.eventId}#${r.attempt}`);
  expect(new Set(attempts).size).toBe(attempts.length);
  console.log(`webhook replicas: ${rows.length} attempts for ${events.length} events, at most ${receiver.maxConcurrentPerEvent()} open per event`);
});
