import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "../support/http-client.ts";
import { startTestNameserver, type TestNameserver } from "../support/test-nameserver.ts";
import type { ApiHandle } from "../support/in-process-api.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

// An API whose resolver asks a local nameserver that never answers *.blackhole.test:
// 2 tries of 250 ms per lookup, 16 lookups per process, 8 per request, 4 s per request.
let ns: TestNameserver;
let stack: TestStack<ApiHandle>;

beforeAll(async () => {
  ns = await startTestNameserver();
  stack = await startTestStack({
    api: "in-process",
    workers: 0,
    env: {
      DNS_LOOPBACK_ONLY: "false",
      DNS_SERVERS: JSON.stringify([ns.address]),
      DNS_TIMEOUT_MS: "250",
      DNS_TRIES: "2",
      DNS_CONCURRENCY: "16",
      DNS_REQUEST_CONCURRENCY: "8",
      DNS_REQUEST_BUDGET_MS: "4000",
    },
  });
});

afterAll(async () => {
  await stack?.stop();
  await ns?.close();
});

interface Envelope {
  code: string;
  error: string;
  details?: { path: string; message: string }[];
}

describe("bounded DNS at submit time", () => {
  it("fails a 1,000-host batch on a silent nameserver within its budget, naming every index, while another workspace's scrape is answered", async () => {
    const flooder = apiClient(stack.apiUrl, (await stack.newWorkspace("flooder")).apiKey);
    const other = apiClient(stack.apiUrl, (await stack.newWorkspace("other")).apiKey);
    const urls = Array.from({ length: 1_000 }, (_, i) => `http://h${i}.blackhole.test/page`);
    const quiet = performance.now();
    expect((await other.post("/v1/quick/scrape", { url: "http://quiet.ok.test:8080/page", async: true })).status).toBe(202);
    const quietMs = Math.round(performance.now() - quiet);
    const started = performance.now();
    let floodAnsweredAt = 0;
    const flood = flooder.post<Envelope>("/v1/quick/batch", { urls }, { "idempotency-key": "dns-flood-1" }).then((res) => {
      floodAnsweredAt = performance.now();
      return res;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));

    const sent = performance.now();
    const scrape = await other.post("/v1/quick/scrape", { url: "http://site.ok.test:8080/page", async: true });
    const scrapeAnsweredAt = performance.now();
    expect(scrape.status).toBe(202);
    expect(floodAnsweredAt).toBe(0); // answered while the flood was still being checked

    const res = await flood;
    console.log(`DNS flood: 1,000 black-holed hosts answered ${res.status} after ${((floodAnsweredAt - started) / 1000).toFixed(2)} s; the other workspace's scrape got its 202 in ${Math.round(scrapeAnsweredAt - sent)} ms (${quietMs} ms before the flood)`);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("URL_NOT_ALLOWED");
    expect(res.body.details).toHaveLength(1_000);
    expect(res.body.details!.map((d) => d.path)).toEqual(urls.map((_, i) => `urls.${i}`));
    for (const detail of res.body.details!) expect(detail.message).toMatch(/^host h\d+\.blackhole\.test could not be checked: DNS lookup timed out/);
    expect(res.body.error).toMatch(/could not be checked: DNS lookup timed out.*\(and 999 more\)/);
    // The budget ended the work: most hosts were never sent to the nameserver at all.
    expect(urls.filter((_, i) => ns.queries(`h${i}.blackhole.test`) > 0).length).toBeLessThan(500);
    expect(await stack.prisma.job.count({ where: { kind: "batch" } })).toBe(0);

  });

  it("does not keep an unchecked host's 422 under an Idempotency-Key: the retry checks again", async () => {
    const client = apiClient(stack.apiUrl, (await stack.newWorkspace("retry")).apiKey);
    const body = { url: "http://again.blackhole.test/page", async: true };
    const first = await client.post<Envelope>("/v1/quick/scrape", body, { "idempotency-key": "dns-retry-1" });
    expect(first.status).toBe(422);
    expect(first.body.details?.[0]?.message).toMatch(/could not be checked: DNS lookup timed out/);
    const retry = await client.post<Envelope>("/v1/quick/scrape", body, { "idempotency-key": "dns-retry-1" });
    expect(retry.status).toBe(422);
    expect(retry.headers.get("idempotent-replay")).toBeNull();
    // A refusal that will not change (a private address) is kept and replayed as before.
    const privateBody = { url: "http://10.0.0.1/", async: true };
    expect((await client.post("/v1/quick/scrape", privateBody, { "idempotency-key": "dns-retry-2" })).status).toBe(422);
    const replay = await client.post("/v1/quick/scrape", privateBody, { "idempotency-key": "dns-retry-2" });
    expect(replay.headers.get("idempotent-replay")).toBe("true");
  });

  it("keeps letting a missing name through, and refuses a failing nameserver's name as unchecked", async () => {
    const client = apiClient(stack.apiUrl, (await stack.newWorkspace("kinds")).apiKey);
    expect((await client.post("/v1/quick/scrape", { url: "http://gone.nx.test/", async: true })).status).toBe(202);
    const servfail = await client.post<Envelope>("/v1/quick/scrape", { url: "http://x.servfail.test/" });
    expect(servfail.status).toBe(422);
    expect(servfail.body.details).toEqual([{ path: "url", message: "host x.servfail.test could not be checked: DNS lookup failed (ESERVFAIL)" }]);
  });

  it("bounds webhook registration the same way", async () => {
    const client = apiClient(stack.apiUrl, (await stack.newWorkspace("hooks")).apiKey);
    const silent = await client.post<Envelope>("/v1/webhooks", { url: "https://hook.blackhole.test/in" });
    expect(silent.status).toBe(422);
    expect(silent.body).toMatchObject({ code: "URL_NOT_ALLOWED", details: [{ path: "url", message: "host hook.blackhole.test could not be checked: DNS lookup timed out" }] });
    expect((await client.post("/v1/webhooks", { url: "https://hook.nx.test/in" })).status).toBe(201);
  });

  it("refuses IPv4-compatible IPv6 targets and webhooks (::a.b.c.d), loopback allowed or not", async () => {
    const client = apiClient(stack.apiUrl, (await stack.newWorkspace("compat")).apiKey);
    for (const url of ["http://[::127.0.0.1]:8080/", "http://[::7f00:1]:8080/", "http://[::a9fe:a9fe]/latest/meta-data/"]) {
      const res = await client.post<Envelope>("/v1/quick/scrape", { url, async: true });
      expect(res.status, url).toBe(422);
      expect(res.body.code).toBe("URL_NOT_ALLOWED");
    }
    expect((await client.post("/v1/webhooks", { url: "https://[::a9fe:a9fe]/in" })).status).toBe(422);
  });
});
