import { createHash } from "node:crypto";
import type { AgentFingerprintView } from "@browserfleet/core";
import type { AttachedTarget, IdentityEmulation } from "./identity-emulation.ts";
import { withWorkerPage } from "./worker-page.ts";

const WORLD_NAME = "browserfleet-fingerprint";

/**
 * Read in the page: the values as the browser reports them, plus the raw canvas and audio renderings
 * (hashed in Node: crypto.subtle needs a secure context, which the client's page may not be).
 */
const FINGERPRINT_EXPRESSION = `(async () => {
  const gl = (() => {
    try {
      const c = document.createElement("canvas");
      const ctx = c.getContext("webgl") || c.getContext("experimental-webgl");
      if (!ctx) return null;
      const info = ctx.getExtension("WEBGL_debug_renderer_info");
      return {
        vendor: String(info ? ctx.getParameter(info.UNMASKED_VENDOR_WEBGL) : ctx.getParameter(ctx.VENDOR)),
        renderer: String(info ? ctx.getParameter(info.UNMASKED_RENDERER_WEBGL) : ctx.getParameter(ctx.RENDERER)),
      };
    } catch { return null; }
  })();
  const canvas = (() => {
    try {
      const c = document.createElement("canvas");
      c.width = 240; c.height = 60;
      const ctx = c.getContext("2d");
      ctx.textBaseline = "top"; ctx.font = "16px Arial"; ctx.fillStyle = "#f60"; ctx.fillRect(100, 1, 62, 20);
      ctx.fillStyle = "#069"; ctx.fillText("browserfleet fingerprint \u{1F310}", 2, 15);
      ctx.fillStyle = "rgba(102, 204, 0, 0.7)"; ctx.fillText("browserfleet fingerprint \u{1F310}", 4, 17);
      return c.toDataURL();
    } catch (e) { return "error: " + String(e); }
  })();
  const audio = await Promise.race([
    (async () => {
      const Ctx = window.OfflineAudioContext || window.webkitOfflineAudioContext;
      if (!Ctx) return null;
      const ctx = new Ctx(1, 5000, 44100);
      const osc = ctx.createOscillator(); osc.type = "triangle"; osc.frequency.value = 10000;
      const comp = ctx.createDynamicsCompressor();
      comp.threshold.value = -50; comp.knee.value = 40; comp.ratio.value = 12; comp.attack.value = 0; comp.release.value = 0.25;
      osc.connect(comp); comp.connect(ctx.destination); osc.start(0);
      const buffer = await ctx.startRendering();
      return Array.from(buffer.getChannelData(0).slice(4000, 5000)).join(",");
    })().catch(() => null),
    new Promise((resolve) => setTimeout(() => resolve(null), 3000)),
  ]);
  return {
    user_agent: navigator.userAgent,
    platform: navigator.platform,
    languages: Array.from(navigator.languages || []),
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    screen: { width: screen.width, height: screen.height, color_depth: screen.colorDepth, device_pixel_ratio: window.devicePixelRatio },
    webgl_vendor: gl ? gl.vendor : null,
    webgl_renderer: gl ? gl.renderer : null,
    canvas,
    audio,
    hardware_concurrency: navigator.hardwareConcurrency,
    device_memory: typeof navigator.deviceMemory === "number" ? navigator.deviceMemory : null,
  };
})()`;

type RawFingerprint = Omit<AgentFingerprintView, "canvas_hash" | "audio_hash"> & { canvas: string; audio: string | null };

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Evaluates the fingerprint in an isolated world of `page`'s main frame: the page's own scripts neither see nor influence it. */
async function evaluateIn(emulation: IdentityEmulation, page: AttachedTarget): Promise<AgentFingerprintView> {
  const { connection } = emulation;
  const tree = await connection.send<{ frameTree: { frame: { id: string } } }>("Page.getFrameTree", {}, page.sessionId);
  const world = await connection.send<{ executionContextId: number }>("Page.createIsolatedWorld", { frameId: tree.frameTree.frame.id, worldName: WORLD_NAME, grantUniveralAccess: false }, page.sessionId);
  const evaluated = await connection.send<{ result: { value?: RawFingerprint }; exceptionDetails?: { text?: string } }>(
    "Runtime.evaluate",
    { expression: FINGERPRINT_EXPRESSION, contextId: world.executionContextId, awaitPromise: true, returnByValue: true },
    page.sessionId,
  );
  if (evaluated.exceptionDetails || !evaluated.result.value) throw new Error(`the fingerprint script failed: ${evaluated.exceptionDetails?.text ?? "no value"}`);
  const { canvas, audio, ...rest } = evaluated.result.value;
  return { ...rest, canvas_hash: sha256(canvas), audio_hash: audio === null ? null : sha256(audio) };
}

/**
 * What the running browser reports, read from it now: in the client's first page (isolated world,
 * so not in the page's main world) when it has one, else in a page of the worker's own. Either way
 * the page carries the agent's emulation, as every page of the browser does.
 */
export async function readFingerprint(emulation: IdentityEmulation, timeoutMs: number): Promise<AgentFingerprintView> {
  const page = emulation.pages().find((p) => !emulation.isWorkers(p));
  if (page) {
    try {
      return await evaluateIn(emulation, page);
    } catch {
      // The page was closing or navigating: fall through to a page of the worker's own.
    }
  }
  return withWorkerPage(emulation, timeoutMs, (own) => evaluateIn(emulation, own));
}
