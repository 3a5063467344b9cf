/** The operating systems an agent's browser can present (api.md "Agents"). */
export const OS_TYPES = ["OS_TYPE_MACOS", "OS_TYPE_WINDOWS", "OS_TYPE_LINUX"] as const;
export type OsType = (typeof OS_TYPES)[number];
export const DEFAULT_OS_TYPE: OsType = "OS_TYPE_MACOS";

export interface CountryProfile {
  /** navigator.languages, first one is the locale. */
  languages: readonly string[];
  timezone: string;
}

/** `country` → languages and timezone (README "Agents" documents this table). */
export const COUNTRY_PROFILES = {
  us: { languages: ["en-US", "en"], timezone: "America/New_York" },
  ca: { languages: ["en-CA", "en", "fr-CA"], timezone: "America/Toronto" },
  gb: { languages: ["en-GB", "en"], timezone: "Europe/London" },
  ie: { languages: ["en-IE", "en"], timezone: "Europe/Dublin" },
  au: { languages: ["en-AU", "en"], timezone: "Australia/Sydney" },
  de: { languages: ["de-DE", "de", "en"], timezone: "Europe/Berlin" },
  at: { languages: ["de-AT", "de", "en"], timezone: "Europe/Vienna" },
  ch: { languages: ["de-CH", "de", "fr", "en"], timezone: "Europe/Zurich" },
  fr: { languages: ["fr-FR", "fr", "en"], timezone: "Europe/Paris" },
  es: { languages: ["es-ES", "es", "en"], timezone: "Europe/Madrid" },
  it: { languages: ["it-IT", "it", "en"], timezone: "Europe/Rome" },
  nl: { languages: ["nl-NL", "nl", "en"], timezone: "Europe/Amsterdam" },
  se: { languages: ["sv-SE", "sv", "en"], timezone: "Europe/Stockholm" },
  pl: { languages: ["pl-PL", "pl", "en"], timezone: "Europe/Warsaw" },
  br: { languages: ["pt-BR", "pt", "en"], timezone: "America/Sao_Paulo" },
  mx: { languages: ["es-MX", "es", "en"], timezone: "America/Mexico_City" },
  in: { languages: ["en-IN", "en", "hi"], timezone: "Asia/Kolkata" },
  jp: { languages: ["ja-JP", "ja", "en"], timezone: "Asia/Tokyo" },
  kr: { languages: ["ko-KR", "ko", "en"], timezone: "Asia/Seoul" },
  sg: { languages: ["en-SG", "en", "zh-SG"], timezone: "Asia/Singapore" },
} as const satisfies Record<string, CountryProfile>;
export type Country = keyof typeof COUNTRY_PROFILES;
export const COUNTRIES = Object.keys(COUNTRY_PROFILES) as Country[];
export const DEFAULT_COUNTRY: Country = "us";
