import { inflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { WebSocket } from "ws";
import { mintAgentToken } from "@browserfleet/core";
import { insertAgentTokens } from "@browserfleet/db";
import { startAgentSite, type AgentSite } from "../support/agent-site.ts";
import { apiClient } from "../support/http-client.ts";
import type { ApiHandle } from "../support/in-process-api.ts";
import { waitUntil } from "../support/job-polling.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

type RunningAgent = { id: string; session_id: string; status: string; cdp_url: string; live_url: string; ended_reason: string | null };
type Client = ReturnType<typeof apiClient>;

/** Agent time runs 20× faster: a 60 s idle timeout is 3 s; the 3600 s TTLs used here (3 min) outlast the file. */
const SCALE = 0.05;
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

let stack: TestStack<ApiHandle>;
let site: AgentSite;
let viewerBrowser: Browser;
let client: Client;
let other: Client;

beforeAll(async () => {
  [site, stack, viewerBrowser] = await Promise.all([
    startAgentSite(),
    startTestStack({ api: "in-process", workers: 1, env: { WORKER_AGENT_SLOTS: "3", AGENT_WARM_POOL: "1", AGENT_TTL_SCALE: String(SCALE) } }),
    chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS }),
  ]);
  client = apiClient(stack.apiUrl, (await stack.newWorkspace("live")).apiKey);
  other = apiClient(stack.apiUrl, (await stack.newWorkspace("live-other")).apiKey);
});

afterAll(async () => {
  await Promise.all([viewerBrowser?.close(), stack?.stop(), site?.close()]);
});

const createAgent = async (body: Record<string, unknown>): Promise<RunningAgent> => {
  const res = await client.post<RunningAgent>("/v1/agents", body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};

/** Decodes an 8-bit, non-interlaced RGB/RGBA PNG (what Chromium writes) into its size and pixels. */
function decodePng(png: Buffer): { width: number; height: number; pixel(x: number, y: number): [number, number, number] } {
  expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 4;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString("latin1", offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8], "bit depth").toBe(8);
      channels = data[9] === 6 ? 4 : data[9] === 2 ? 3 : 0;
      expect(channels, "colour type RGB or RGBA").toBeGreaterThan(0);
    } else if (type === "IDAT") idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x]!;
      const left = x >= channels ? pixels[y * stride + x - channels]! : 0;
      const up = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const upLeft = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels]! : 0;
      const paeth = (): number => {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        return pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      };
      const predictor = [0, left, up, (left + up) >> 1, paeth()][filter]!;
      pixels[y * stride + x] = (value + predictor) & 0xff;
    }
  }
  return { width, height, pixel: (x, y) => [pixels[y * stride + x * channels]!, pixels[y * stride + x * channels + 1]!, pixels[y * stride + x * channels + 2]!] };
}

const hex = ([r, g, b]: [number, number, number]): string => [r, g, b].map((c) => c.toString(16).padStart(2, "0")).join("");
const near = (seen: [number, number, number], want: string): boolean => seen.every((c, i) => Math.abs(c - parseInt(want.slice(i * 2, i * 2 + 2), 16)) <= 12);

/** The colour at the centre of the viewer page, as a person looking at it would see. */
async function viewerCentre(viewer: Page): Promise<[number, number, number]> {
  const size = viewer.viewportSize()!;
  const shot = decodePng(await viewer.screenshot({ clip: { x: Math.floor(size.width / 2), y: Math.floor(size.height / 2), width: 2, height: 2 } }));
  return shot.pixel(0, 0);
}

async function expectViewerColour(viewer: Page, colour: string): Promise<void> {
  await expect.poll(async () => hex(await viewerCentre(viewer)), { timeout: 15_000, interval: 200 }).toSatisfy((seen: string) => near([parseInt(seen.slice(0, 2), 16), parseInt(seen.slice(2, 4), 16), parseInt(seen.slice(4, 6), 16)], colour));
}

/** Opens a raw websocket and resolves with the HTTP status of a refusal, or "open". */
function upgradeStatus(url: string): Promise<number | "open"> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once("open", () => {
      ws.terminate();
      resolve("open");
    });
    ws.once("unexpected-response", (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.once("error", (err) => reject(err));
  });
}

const streamUrl = (liveUrl: string): string => {
  const url = new URL(liveUrl);
  url.protocol = "ws:";
  url.pathname += "/stream";
  return url.toString();
};

describe("live view", () => {
  it("shows the agent's screen as it changes, following the page the client opens, view-only", async () => {
    const agent = await createAgent({ ttl_seconds: 3600, idle_timeout_seconds: 3600 });
    const driver = await chromium.connectOverCDP(agent.cdp_url);
    const context = driver.contexts()[0]!;
    const first = context.pages()[0]!;
    await first.goto(`${site.origin}/color/ff0000`);

    const answer = await fetch(agent.live_url);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/^text\/html/);
    expect(answer.headers.get("content-security-policy")).toMatch(/default-src 'none'/);

    const viewer = await viewerBrowser.newPage();
    await viewer.goto(agent.live_url);
    await expectViewerColour(viewer, "ff0000");

    // A page the client opens (and navigates) is what the user looks at now; closed, the view goes back.
    const second = await context.newPage();
    await second.goto(`${site.origin}/color/0000ff`);
    await expectViewerColour(viewer, "0000ff");
    await second.close();
    await expectViewerColour(viewer, "ff0000");
    await first.goto(`${site.origin}/color/00ff00`);
    await expectViewerColour(viewer, "00ff00");

    // Whatever a viewer sends goes nowhere (the page is still green, the agent still running).
    const raw = new WebSocket(streamUrl(agent.live_url));
    const firstFrame = await new Promise<Buffer>((resolve, reject) => {
      raw.on("message", (data, isBinary) => isBinary && resolve(data as Buffer));
      raw.once("error", reject);
      setTimeout(() => reject(new Error("no frame within 5 s of connecting")), 5_000);
    });
    expect(firstFrame.subarray(0, 2).toString("hex")).toBe("ffd8"); // a JPEG, sent at once on a static page
    raw.send(JSON.stringify({ id: 1, method: "Page.navigate", params: { url: `${site.origin}/color/ffffff` } }));
    await new Promise((r) => setTimeout(r, 500));
    expect(first.url()).toBe(`${site.origin}/color/00ff00`);

    // Ending the agent closes the viewers with the reason.
    const closed = new Promise<{ code: number; reason: string }>((resolve) => raw.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
    expect((await client.call("DELETE", `/v1/agents/${agent.id}`)).status).toBe(204);
    expect(await closed).toEqual({ code: 4003, reason: "agent ended: deleted by the client" });
    await expect.poll(() => viewer.locator("#bar").textContent()).toBe("agent ended: deleted by the client");
    const after = await fetch(agent.live_url);
    expect(after.status).toBe(409);
    expect(((await after.json()) as { code: string }).code).toBe("AGENT_NOT_RUNNING");
    await Promise.all([viewer.close(), driver.close().catch(() => undefined)]);
  });

  it("preview tokens open the view but not the CDP gateway; wrong tokens and unknown agents are refused", async () => {
    const agent = await createAgent({ ttl_seconds: 3600, idle_timeout_seconds: 3600 });
    const preview = await client.post<{ live_url: string; expires_at: string }>(`/v1/agents/${agent.id}/preview-token`);
    expect(preview.status, JSON.stringify(preview.body)).toBe(201);
    const expiresIn = Date.parse(preview.body.expires_at) - Date.now();
    expect(expiresIn).toBeGreaterThan(9 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(10 * 60_000);
    const previewToken = new URL(preview.body.live_url).searchParams.get("token")!;
    expect(new URL(preview.body.live_url).pathname).toBe(`/live/${agent.id}`);

    expect((await fetch(preview.body.live_url)).status).toBe(200);
    expect(await upgradeStatus(streamUrl(preview.body.live_url))).toBe("open");
    // View-only: the gateway refuses it before the 101.
    const cdpWithPreview = new URL(agent.cdp_url);
    cdpWithPreview.searchParams.set("token", previewToken);
    expect(await upgradeStatus(cdpWithPreview.toString())).toBe(401);
    // So is the live_url's own view token.
    const cdpWithView = new URL(agent.cdp_url);
    cdpWithView.searchParams.set("token", new URL(agent.live_url).searchParams.get("token")!);
    expect(await upgradeStatus(cdpWithView.toString())).toBe(401);
    // An expired view token no longer opens anything.
    const expired = mintAgentToken();
    await insertAgentTokens(stack.prisma, { agentId: agent.id, sessionId: agent.session_id, tokens: [{ hash: expired.hash, kind: "view", expiresAt: new Date(Date.now() - 1_000) }] });
    const withExpired = new URL(agent.live_url);
    withExpired.searchParams.set("token", expired.token);
    expect((await fetch(withExpired)).status).toBe(401);
    // At most 5 viewers per agent: the 6th is refused before the 101.
    const viewers = await Promise.all(
      Array.from({ length: 5 }, () => new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(streamUrl(preview.body.live_url));
        ws.once("open", () => resolve(ws));
        ws.once("error", reject);
      })),
    );
    expect(await upgradeStatus(streamUrl(preview.body.live_url))).toBe(429);
    for (const viewer of viewers) viewer.close();
    await expect.poll(() => upgradeStatus(streamUrl(preview.body.live_url)), { timeout: 5_000 }).toBe("open");
    // The CDP token opens the view too.
    const viaCdpToken = new URL(agent.live_url);
    viaCdpToken.searchParams.set("token", new URL(agent.cdp_url).searchParams.get("token")!);
    expect((await fetch(viaCdpToken)).status).toBe(200);

    const wrong = new URL(agent.live_url);
    wrong.searchParams.set("token", `${previewToken.slice(0, -2)}xx`);
    const refused = await fetch(wrong);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: "UNAUTHORIZED", request_id: expect.any(String) });
    expect(await upgradeStatus(streamUrl(wrong.toString()))).toBe(401);
    const absent = new URL(agent.live_url);
    absent.search = "";
    expect((await fetch(absent)).status).toBe(401);
    const unknown = new URL(agent.live_url);
    unknown.pathname = "/live/agt_00000000000000000000";
    expect((await fetch(unknown)).status).toBe(404);
    expect(await upgradeStatus(streamUrl(unknown.toString()))).toBe(404);
    unknown.pathname = "/live/not-an-id";
    expect(((await (await fetch(unknown)).json()) as { code: string }).code).toBe("INVALID_ID");

    // Another workspace's agent does not exist for it; 10 preview tokens a minute per agent.
    expect((await other.post(`/v1/agents/${agent.id}/preview-token`)).status).toBe(404);
    // The first one above counted: 9 more pass, the 11th of the minute is refused.
    for (let i = 0; i < 9; i++) expect((await client.post(`/v1/agents/${agent.id}/preview-token`)).status).toBe(201);
    const limited = await client.post(`/v1/agents/${agent.id}/preview-token`);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await client.call("DELETE", `/v1/agents/${agent.id}`)).status).toBe(204);
    expect((await client.post(`/v1/agents/${agent.id}/preview-token`)).status).toBe(409);
  });

  it("a viewer alone does not keep the agent from going idle, and is told why it ended", async () => {
    // 60 s of agent time = 3 s real.
    const agent = await createAgent({ ttl_seconds: 3600, idle_timeout_seconds: 60 });
    const raw = new WebSocket(streamUrl(agent.live_url));
    const frames: Buffer[] = [];
    raw.on("message", (data, isBinary) => isBinary && frames.push(data as Buffer));
    const closed = new Promise<{ code: number; reason: string }>((resolve) => raw.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
    expect(await closed).toEqual({ code: 4002, reason: "agent ended: idle timeout" });
    expect(frames.length).toBeGreaterThan(0);
    await waitUntil(async () => (await client.get<RunningAgent>(`/v1/agents/${agent.id}`)).body.ended_reason === "idle", 10_000, "agent ended idle");
  });
});

describe("POST /v1/agents/{id}/screenshot", () => {
  it("shoots the agent's current page, full page when asked; 404 elsewhere, 409 once ended", async () => {
    const agent = await createAgent({ ttl_seconds: 3600, idle_timeout_seconds: 3600 });
    const driver = await chromium.connectOverCDP(agent.cdp_url);
    const page = driver.contexts()[0]!.pages()[0]!;
    await page.goto(`${site.origin}/color/123456`);

    type Shot = { screenshot_png_b64: string; url: string };
    const shot = await client.post<Shot>(`/v1/agents/${agent.id}/screenshot`, {});
    expect(shot.status, JSON.stringify(shot.body).slice(0, 300)).toBe(200);
    expect(shot.body.url).toBe(`${site.origin}/color/123456`);
    const viewport = decodePng(Buffer.from(shot.body.screenshot_png_b64, "base64"));
    expect(near(viewport.pixel(Math.floor(viewport.width / 2), Math.floor(viewport.height / 2)), "123456")).toBe(true);

    // A long page: the full-page shot is taller than the viewport.
    await page.evaluate(() => {
      document.body.style.height = "4000px";
    });
    const full = await client.post<Shot>(`/v1/agents/${agent.id}/screenshot`, { full_page: true });
    expect(full.status).toBe(200);
    const tall = decodePng(Buffer.from(full.body.screenshot_png_b64, "base64"));
    expect(tall.height).toBeGreaterThanOrEqual(4000);
    expect(tall.height).toBeGreaterThan(viewport.height);
    expect((await client.post<Shot>(`/v1/agents/${agent.id}/screenshot`)).status).toBe(200); // empty body: full_page false

    expect((await client.post(`/v1/agents/${agent.id}/screenshot`, { full_page: true, extra: 1 })).status).toBe(400);
    expect((await client.post(`/v1/agents/${agent.id}/screenshot`, { full_page: "yes" })).status).toBe(400);
    expect((await client.post("/v1/agents/agt_nothex/screenshot", {})).body).toMatchObject({ code: "INVALID_ID" });
    expect((await other.post(`/v1/agents/${agent.id}/screenshot`, {})).status).toBe(404);

    await driver.close();
    expect((await client.call("DELETE", `/v1/agents/${agent.id}`)).status).toBe(204);
    const ended = await client.post(`/v1/agents/${agent.id}/screenshot`, {});
    expect(ended.status).toBe(409);
    expect(ended.body).toMatchObject({ code: "AGENT_NOT_RUNNING" });
  });

  it("never shoots the worker's own pages (its fingerprint reads and detection checks), even while one is open", async () => {
    const agent = await createAgent({ initial_url: `${site.origin}/color/123456`, ttl_seconds: 3600, idle_timeout_seconds: 3600 });
    type Shot = { screenshot_png_b64: string; url: string };
    // The first shot starts following the pages; then each fingerprint read opens (and closes) a page of the worker's while a shot is taken.
    expect((await client.post<Shot>(`/v1/agents/${agent.id}/screenshot`, {})).body.url).toBe(`${site.origin}/color/123456`);
    const seen: string[] = [];
    for (let round = 0; round < 8; round++) {
      const reading = client.get(`/v1/agents/${agent.id}/fingerprint`);
      const shots = await Promise.all([0, 15, 30].map(async (ms) => {
        await new Promise((r) => setTimeout(r, ms));
        const shot = await client.post<Shot>(`/v1/agents/${agent.id}/screenshot`, {});
        return `${shot.status} ${shot.body.url}`;
      }));
      expect((await reading).status).toBe(200);
      seen.push(...shots);
    }
    expect([...new Set(seen)]).toEqual([`200 ${site.origin}/color/123456`]);
    expect((await client.call("DELETE", `/v1/agents/${agent.id}`)).status).toBe(204);
  });
});
