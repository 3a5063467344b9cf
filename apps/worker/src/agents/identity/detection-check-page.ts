/** The made-up origin the worker serves its check page at through Fetch.fulfillRequest: never resolved, never on the network. */
export const CHECKS_ORIGIN = "https://checks.browserfleet.invalid";
export const CHECKS_PAGE_URL = `${CHECKS_ORIGIN}/`;
export const CHECKS_REPORT_PATH = "/report";

/** What the check page reads in its own main world and reports back (detection-verdicts.ts judges it). */
export interface CheckObservations {
  webdriver: unknown;
  userAgent: string;
  appVersion: string;
  platform: string;
  languages: string[];
  language: string;
  intlTimezone: string;
  intlLocale: string;
  uaData: { brands: { brand: string; version: string }[]; mobile: boolean; platform: string } | null;
  highEntropy: { platform?: string; platformVersion?: string; architecture?: string; fullVersionList?: { brand: string; version: string }[]; mobile?: boolean } | null;
  webgl: { vendor: string; renderer: string } | null;
  webglError: string | null;
  notificationPermission: string | null;
  permissionQuery: string | null;
  plugins: { count: number; mimeTypes: number; names: string[]; pdfViewerEnabled: unknown; pluginArrayTag: string };
  /** console.debug's Error argument had its getters read more than the browser alone reads them: a DevTools Runtime domain is listening. */
  cdpRuntimeLeak: boolean;
  cdpProbeReads: { stack: number; name: number };
  errors: string[];
}

/**
 * The check page: a plain script a detection site would run, reading everything in the page's own
 * main world (no CDP evaluation, no Runtime.enable: that would itself be the leak it looks for),
 * then reporting it with a GET to the same made-up origin, which the worker captures.
 */
export const CHECKS_PAGE_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>browserfleet checks</title></head><body>
<script>
(async () => {
  const errors = [];
  const safe = async (fn, fallback) => { try { return await fn(); } catch (e) { errors.push(String(e && e.message || e)); return fallback; } };
  // A DevTools Runtime domain describes console arguments: the classic probe is an Error whose stack getter it calls
  // (V8 no longer does), the one that still tells is its name getter, read once more when a Runtime domain listens (measured on 156).
  let stackReads = 0;
  let nameReads = 0;
  await safe(() => {
    const byStack = new Error("probe");
    Object.defineProperty(byStack, "stack", { configurable: true, get() { stackReads++; return ""; } });
    console.debug(byStack);
    const byName = new Error("probe");
    Object.defineProperty(byName, "name", { configurable: true, get() { nameReads++; return "Error"; } });
    console.debug(byName);
  });
  const cdpRuntimeLeak = stackReads > 0 || nameReads > 1;
  const uaData = navigator.userAgentData
    ? { brands: navigator.userAgentData.brands.map((b) => ({ brand: b.brand, version: b.version })), mobile: navigator.userAgentData.mobile, platform: navigator.userAgentData.platform }
    : null;
  const highEntropy = navigator.userAgentData
    ? await safe(() => navigator.userAgentData.getHighEntropyValues(["platform", "platformVersion", "architecture", "fullVersionList", "mobile"]), null)
    : null;
  let webglError = null;
  const webgl = await safe(() => {
    const canvas = document.createElement("canvas");
    const gl = canvas.getContext("webgl") || canvas.getContext("experimental-webgl");
    if (!gl) { webglError = "no WebGL context"; return null; }
    const info = gl.getExtension("WEBGL_debug_renderer_info");
    return {
      vendor: String(info ? gl.getParameter(info.UNMASKED_VENDOR_WEBGL) : gl.getParameter(gl.VENDOR)),
      renderer: String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER)),
    };
  }, null);
  const notificationPermission = await safe(() => (typeof Notification === "undefined" ? null : Notification.permission), null);
  const permissionQuery = await safe(async () => (await navigator.permissions.query({ name: "notifications" })).state, null);
  const resolved = Intl.DateTimeFormat().resolvedOptions();
  const observations = {
    webdriver: navigator.webdriver,
    userAgent: navigator.userAgent,
    appVersion: navigator.appVersion,
    platform: navigator.platform,
    languages: Array.from(navigator.languages || []),
    language: navigator.language,
    intlTimezone: resolved.timeZone,
    intlLocale: resolved.locale,
    uaData,
    highEntropy,
    webgl,
    webglError,
    notificationPermission,
    permissionQuery,
    plugins: {
      count: navigator.plugins.length,
      mimeTypes: navigator.mimeTypes.length,
      names: Array.from(navigator.plugins).map((p) => p.name),
      pdfViewerEnabled: navigator.pdfViewerEnabled,
      pluginArrayTag: Object.prototype.toString.call(navigator.plugins),
    },
    cdpRuntimeLeak,
    cdpProbeReads: { stack: stackReads, name: nameReads },
    errors,
  };
  await fetch("${CHECKS_REPORT_PATH}?d=" + encodeURIComponent(JSON.stringify(observations)));
})();
</script>
</body></html>`;
