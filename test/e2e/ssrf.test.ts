import { beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "../support/http-client.ts";
import { useStackWithSite } from "../support/use-stack-with-site.ts";

const ctx = useStackWithSite();
let apiKey: string;

beforeAll(async () => {
  apiKey = (await ctx.stack.newWorkspace("ssrf")).apiKey;
});

describe("SSRF guard", () => {
  it("refuses metadata, private and non-http targets with 422 before creating a job", async () => {
    const client = apiClient(ctx.stack.apiUrl, apiKey);
    for (const url of [
      "http://169.254.169.254/latest/meta-data/",
      "http://10.0.0.1/",
      "http://[fd00:ec2::254]/",
      "http://100.64.0.1/",
      "file:///etc/passwd",
      "ftp://127.0.0.1/",
    ]) {
      for (const endpoint of ["scrape", "screenshot"]) {
        const res = await client.post(`/v1/quick/${endpoint}`, { url });
        expect(res.status, `${endpoint} ${url}`).toBe(422);
        expect(res.body.code).toBe("URL_NOT_ALLOWED");
      }
    }
    expect((await client.post("/v1/quick/extract", { url: "http://10.0.0.1/", prompt: "x" })).status).toBe(422);
    expect((await client.post("/v1/quick/scrape", { url: "http://10.0.0.1/", async: true })).status).toBe(422);
    expect(await ctx.stack.prisma.job.count()).toBe(0);
  });

  it("refuses a hostname that resolves to loopback when loopback targets are off", async () => {
    const strict = await ctx.stack.startApi({ ALLOW_LOOPBACK_TARGETS: "false" });
    const client = apiClient(`http://127.0.0.1:${strict.port}`, apiKey);
    for (const url of [`http://localhost:${ctx.site.port}/simple`, `${ctx.site.origin}/simple`, `http://[::1]:${ctx.site.port}/simple`]) {
      const res = await client.post("/v1/quick/scrape", { url });
      expect(res.status, url).toBe(422);
      expect(res.body.code).toBe("URL_NOT_ALLOWED");
    }
    expect(ctx.site.hits("/simple")).toBe(0);
  });

  it("refuses a redirect inside the browser to a forbidden address, without reaching it", async () => {
    // 0.0.0.0 is refused by the policy; were it reached, it would land on this local fixture.
    const target = `http://0.0.0.0:${ctx.site.port}/page/99`;
    const client = apiClient(ctx.stack.apiUrl, apiKey);
    const res = await client.post("/v1/quick/scrape", { url: `${ctx.site.origin}/redirect?to=${encodeURIComponent(target)}` });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("URL_NOT_ALLOWED");
    const job = await client.get(`/v1/jobs/${res.body.job_id as string}`);
    expect(job.body).toMatchObject({ status: "failed", error_code: "URL_NOT_ALLOWED", credits_charged: 0 });
    expect(ctx.site.hits("/redirect")).toBe(1);
    expect(ctx.site.hits("/page/99")).toBe(0);

    // An https hop is refused on another path (the tunnel the egress proxy will not open): its 422 carries job_id too.
    const tunnel = await client.post("/v1/quick/scrape", { url: `${ctx.site.origin}/redirect?to=${encodeURIComponent("https://10.0.0.1/")}` });
    expect(tunnel.status, JSON.stringify(tunnel.body)).toBe(422);
    expect(tunnel.body).toMatchObject({ code: "URL_NOT_ALLOWED", job_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const [item] = (await client.get<{ items: Record<string, unknown>[] }>(`/v1/jobs/${tunnel.body.job_id as string}/results`)).body.items;
    expect(item).toMatchObject({ status: "failed", error_code: "URL_NOT_ALLOWED" });
  });
});
