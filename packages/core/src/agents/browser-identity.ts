import { COUNTRY_PROFILES, DEFAULT_COUNTRY, type Country, type OsType } from "./agent-identity.ts";

/** One entry of navigator.userAgentData.brands / fullVersionList (CDP's UserAgentBrandVersion). */
export interface BrandVersion {
  brand: string;
  version: string;
}

/** CDP's Emulation.UserAgentMetadata: what client hints (Sec-CH-UA-*, navigator.userAgentData) answer. */
export interface UserAgentMetadata {
  brands: BrandVersion[];
  fullVersionList: BrandVersion[];
  platform: string;
  platformVersion: string;
  architecture: string;
  model: string;
  mobile: boolean;
  bitness: string;
  wow64: boolean;
}

/** Everything an agent's browser presents about itself, derived from os_type, country and the real Chromium version. */
export interface BrowserIdentity {
  osType: OsType;
  country: Country;
  /** navigator.userAgent and the User-Agent header. */
  userAgent: string;
  /** navigator.platform. */
  platform: string;
  /** navigator.languages (the first is the locale). */
  languages: string[];
  /** The Accept-Language header (navigator.languages follows it). */
  acceptLanguage: string;
  /** Intl's default locale (Emulation.setLocaleOverride). */
  locale: string;
  /** IANA zone (Emulation.setTimezoneOverride). */
  timezone: string;
  userAgentMetadata: UserAgentMetadata;
}

interface OsProfile {
  /** The UA string's platform token, as a real Chrome of that OS writes it (frozen by UA reduction). */
  uaPlatform: string;
  navigatorPlatform: string;
  chPlatform: string;
  chPlatformVersion: string;
  architecture: string;
  bitness: string;
}

/**
 * What a desktop Chrome on each OS reports. The UA platform tokens are the frozen ones of UA
 * reduction (every macOS says 10_15_7, every Windows "NT 10.0"); the real version only shows in
 * the high-entropy client hints (macOS 14.6, Windows 11 = platformVersion 15.0.0, a 6.x kernel).
 */
export const OS_PROFILES: Readonly<Record<OsType, OsProfile>> = {
  OS_TYPE_MACOS: { uaPlatform: "Macintosh; Intel Mac OS X 10_15_7", navigatorPlatform: "MacIntel", chPlatform: "macOS", chPlatformVersion: "14.6.1", architecture: "arm", bitness: "64" },
  OS_TYPE_WINDOWS: { uaPlatform: "Windows NT 10.0; Win64; x64", navigatorPlatform: "Win32", chPlatform: "Windows", chPlatformVersion: "15.0.0", architecture: "x86", bitness: "64" },
  OS_TYPE_LINUX: { uaPlatform: "X11; Linux x86_64", navigatorPlatform: "Linux x86_64", chPlatform: "Linux", chPlatformVersion: "6.8.0", architecture: "x86", bitness: "64" },
};

/** "HeadlessChrome/156.0.7560.12" or "Chrome/156.0.7560.12" (Browser.getVersion's product) → "156.0.7560.12". */
export function chromiumVersionOf(product: string): string {
  const match = /(?:Chrome|Chromium)\/(\d+(?:\.\d+){0,3})/.exec(product);
  if (!match) throw new Error(`not a Chromium product string: ${product}`);
  const parts = match[1]!.split(".");
  while (parts.length < 4) parts.push("0");
  return parts.join(".");
}

const GREASE_CHARS = [" ", "(", ":", "-", ".", "/", ")", ";", "=", "?", "_"];
const GREASE_VERSIONS = ["8", "99", "24"];
/** The orders Chromium shuffles its three brands into, picked by the major version. */
const BRAND_ORDERS = [
  [0, 1, 2],
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
];

/**
 * The brand list a non-headless Chromium of `major` sends: its "Chromium" brand ("Google Chrome"
 * absent: this is Chromium, not Chrome) and a GREASE brand. The GREASE brand and the order are
 * modelled on Chromium's own (components/embedder_support/user_agent_utils.cc: both depend on the
 * major version only), not copied byte for byte: a site comparing them to Chrome's exact lists may tell.
 */
export function chromiumBrands(major: number, fullVersion: string | null): BrandVersion[] {
  const grease: BrandVersion = {
    brand: `Not${GREASE_CHARS[major % GREASE_CHARS.length]}A${GREASE_CHARS[(major + 1) % GREASE_CHARS.length]}Brand`,
    version: fullVersion === null ? GREASE_VERSIONS[major % GREASE_VERSIONS.length]! : `${GREASE_VERSIONS[major % GREASE_VERSIONS.length]}.0.0.0`,
  };
  const chromium: BrandVersion = { brand: "Chromium", version: fullVersion ?? String(major) };
  const order = BRAND_ORDERS[major % BRAND_ORDERS.length]!;
  // Chromium shuffles [grease, chromium] as a pair when there are only two brands: keep the pair's order from the permutation.
  return order.filter((i) => i < 2).map((i) => (i === 0 ? grease : chromium));
}

/**
 * `de-DE, de, en` → "de-DE,de,en": the form CDP's acceptLanguage override takes. Chromium splits it
 * on commas for navigator.languages (q-values would show up there verbatim) and adds the q-values
 * itself to the Accept-Language header it sends ("de-DE,de;q=0.9,en;q=0.8").
 */
export function acceptLanguageOf(languages: readonly string[]): string {
  return languages.join(",");
}

/**
 * The identity an agent's browser presents: a desktop Chromium UA of `osType` (never
 * "HeadlessChrome"), navigator.platform and client hints of the same OS, languages, Accept-Language,
 * locale and timezone of `country` (COUNTRY_PROFILES; an unknown country falls back to the default).
 * `chromiumVersion` is the real browser's ("156.0.7560.12"), so the version a site sees is the engine's.
 */
export function browserIdentity(input: { osType: OsType; country: string; chromiumVersion: string }): BrowserIdentity {
  const os = OS_PROFILES[input.osType];
  const country = (Object.hasOwn(COUNTRY_PROFILES, input.country) ? input.country : DEFAULT_COUNTRY) as Country;
  const profile = COUNTRY_PROFILES[country];
  const fullVersion = chromiumVersionOf(`Chrome/${input.chromiumVersion}`);
  const major = Number(fullVersion.split(".")[0]);
  const languages = [...profile.languages];
  return {
    osType: input.osType,
    country,
    // UA reduction: only the major version shows, the rest is 0.0.0.
    userAgent: `Mozilla/5.0 (${os.uaPlatform}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36`,
    platform: os.navigatorPlatform,
    languages,
    acceptLanguage: acceptLanguageOf(languages),
    locale: languages[0]!,
    timezone: profile.timezone,
    userAgentMetadata: {
      brands: chromiumBrands(major, null),
      fullVersionList: chromiumBrands(major, fullVersion),
      platform: os.chPlatform,
      platformVersion: os.chPlatformVersion,
      architecture: os.architecture,
      model: "",
      mobile: false,
      bitness: os.bitness,
      wow64: false,
    },
  };
}

/** The identity as the params of CDP's Emulation.setUserAgentOverride (and Network.setUserAgentOverride for workers). */
export function userAgentOverrideOf(identity: BrowserIdentity): { userAgent: string; acceptLanguage: string; platform: string; userAgentMetadata: UserAgentMetadata } {
  return { userAgent: identity.userAgent, acceptLanguage: identity.acceptLanguage, platform: identity.platform, userAgentMetadata: identity.userAgentMetadata };
}
