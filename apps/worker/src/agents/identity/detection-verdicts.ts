import { OS_PROFILES, type BrowserIdentity, type DetectionCheck, type DetectionCheckName } from "@browserfleet/core";
import type { CheckObservations } from "./detection-check-page.ts";

/** The UA token each OS's desktop Chrome has (and the others' must not). */
const UA_OS_TOKEN = { OS_TYPE_MACOS: "Macintosh", OS_TYPE_WINDOWS: "Windows NT", OS_TYPE_LINUX: "Linux" } as const;

/** Software rasterisers: what a GPU-less server gives WebGL (SwiftShader is Chromium's own). */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software/i;

const headless = (s: string | undefined): boolean => /headless/i.test(s ?? "");
const brandList = (list: readonly { brand: string; version: string }[] | undefined): string => (list ?? []).map((b) => `${b.brand} ${b.version}`).join(", ");

/**
 * Judges what the check page saw against the identity the agent should present: one verdict per
 * check of DETECTION_CHECK_POINTS, each with the values it looked at, so a failure says why.
 */
export function detectionVerdicts(seen: CheckObservations, identity: BrowserIdentity): DetectionCheck[] {
  const check = (name: DetectionCheckName, passed: boolean, detail: string): DetectionCheck => ({ name, passed, detail });
  const os = OS_PROFILES[identity.osType];
  const token = UA_OS_TOKEN[identity.osType];
  const uaOs = seen.userAgent.includes(token) && (identity.osType !== "OS_TYPE_LINUX" || !seen.userAgent.includes("Android"));
  const chPlatform = seen.highEntropy?.platform ?? seen.uaData?.platform;
  const permissionPairs: Record<string, string> = { default: "prompt", granted: "granted", denied: "denied" };
  const expectedLanguages = identity.languages;
  const languagesMatch = seen.languages.length === expectedLanguages.length && seen.languages.every((l, i) => l === expectedLanguages[i]);

  return [
    check("webdriver", seen.webdriver === false, `navigator.webdriver is ${JSON.stringify(seen.webdriver)}`),
    check("headless_user_agent", !headless(seen.userAgent) && !headless(seen.appVersion), `navigator.userAgent: ${seen.userAgent}`),
    check(
      "headless_client_hints",
      seen.uaData !== null && !seen.uaData.brands.some((b) => headless(b.brand)) && !(seen.highEntropy?.fullVersionList ?? []).some((b) => headless(b.brand)),
      seen.uaData === null ? "navigator.userAgentData is absent" : `brands: ${brandList(seen.uaData.brands)}; fullVersionList: ${brandList(seen.highEntropy?.fullVersionList)}`,
    ),
    check(
      "os_consistency",
      uaOs && seen.platform === os.navigatorPlatform && chPlatform === os.chPlatform && seen.uaData?.mobile === false,
      `expected ${token} / ${os.navigatorPlatform} / ${os.chPlatform}; saw UA ${uaOs ? "with" : "without"} "${token}", navigator.platform ${JSON.stringify(seen.platform)}, client-hint platform ${JSON.stringify(chPlatform ?? null)} ${seen.highEntropy?.platformVersion ?? ""}, mobile ${String(seen.uaData?.mobile)}`,
    ),
    check("timezone", seen.intlTimezone === identity.timezone, `Intl timezone ${seen.intlTimezone}, expected ${identity.timezone}`),
    check(
      "languages",
      languagesMatch && seen.language === expectedLanguages[0] && seen.intlLocale === identity.locale,
      `navigator.languages ${JSON.stringify(seen.languages)}, Intl locale ${seen.intlLocale}; expected ${JSON.stringify(expectedLanguages)}`,
    ),
    check(
      "webgl",
      seen.webgl !== null && seen.webgl.vendor !== "" && seen.webgl.renderer !== "" && !SOFTWARE_RENDERER.test(seen.webgl.renderer),
      seen.webgl === null
        ? `no WebGL: ${seen.webglError ?? "unavailable"}`
        : `vendor ${seen.webgl.vendor}, renderer ${seen.webgl.renderer}${SOFTWARE_RENDERER.test(seen.webgl.renderer) ? " (a software renderer: no desktop of os_type has one, sites read it as a server or VM)" : ""}`,
    ),
    check(
      "permissions",
      seen.notificationPermission !== null && seen.permissionQuery !== null && permissionPairs[seen.notificationPermission] === seen.permissionQuery,
      `Notification.permission ${JSON.stringify(seen.notificationPermission)}, permissions.query(notifications) ${JSON.stringify(seen.permissionQuery)}`,
    ),
    check(
      "plugins",
      seen.plugins.count > 0 && seen.plugins.mimeTypes > 0 && seen.plugins.pdfViewerEnabled === true && seen.plugins.pluginArrayTag === "[object PluginArray]",
      `${seen.plugins.count} plugins (${seen.plugins.names.join(", ")}), ${seen.plugins.mimeTypes} mime types, pdfViewerEnabled ${String(seen.plugins.pdfViewerEnabled)}`,
    ),
    check(
      "cdp_runtime",
      !seen.cdpRuntimeLeak,
      `${seen.cdpRuntimeLeak ? "a DevTools Runtime domain described console.debug's argument" : "no DevTools Runtime domain described console.debug's argument"} (Error getters read: stack ${seen.cdpProbeReads?.stack ?? "?"}, name ${seen.cdpProbeReads?.name ?? "?"})`,
    ),
  ];
}
