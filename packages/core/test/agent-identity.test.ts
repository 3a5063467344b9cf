import { describe, expect, it } from "vitest";
import {
  COUNTRIES,
  COUNTRY_PROFILES,
  DETECTION_CHECK_NAMES,
  DETECTION_CHECK_POINTS,
  OS_TYPES,
  acceptLanguageOf,
  browserIdentity,
  chromiumBrands,
  chromiumVersionOf,
  trustBand,
  trustScoreOf,
} from "../src/index.ts";

describe("browserIdentity", () => {
  it("builds a desktop, non-headless UA, platform and client hints of the OS from the real version", () => {
    const expected = {
      OS_TYPE_MACOS: { token: "(Macintosh; Intel Mac OS X 10_15_7)", platform: "MacIntel", ch: "macOS" },
      OS_TYPE_WINDOWS: { token: "(Windows NT 10.0; Win64; x64)", platform: "Win32", ch: "Windows" },
      OS_TYPE_LINUX: { token: "(X11; Linux x86_64)", platform: "Linux x86_64", ch: "Linux" },
    } as const;
    for (const osType of OS_TYPES) {
      const id = browserIdentity({ osType, country: "us", chromiumVersion: "156.0.8078.114" });
      expect(id.userAgent).toBe(`Mozilla/5.0 ${expected[osType].token} AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36`);
      expect(id.platform).toBe(expected[osType].platform);
      expect(id.userAgentMetadata.platform).toBe(expected[osType].ch);
      expect(id.userAgentMetadata.mobile).toBe(false);
      expect(JSON.stringify(id)).not.toMatch(/headless/i);
      expect(id.userAgentMetadata.fullVersionList).toContainEqual({ brand: "Chromium", version: "156.0.8078.114" });
      expect(id.userAgentMetadata.brands).toContainEqual({ brand: "Chromium", version: "156" });
    }
  });

  it("takes languages, Accept-Language, locale and timezone from the country table; an unknown country falls back to us", () => {
    for (const country of COUNTRIES) {
      const id = browserIdentity({ osType: "OS_TYPE_LINUX", country, chromiumVersion: "156.0.1.2" });
      expect(id.languages).toEqual(COUNTRY_PROFILES[country].languages);
      expect(id.locale).toBe(COUNTRY_PROFILES[country].languages[0]);
      expect(id.timezone).toBe(COUNTRY_PROFILES[country].timezone);
      expect(id.acceptLanguage).toBe(COUNTRY_PROFILES[country].languages.join(","));
    }
    const de = browserIdentity({ osType: "OS_TYPE_MACOS", country: "de", chromiumVersion: "156.0.1.2" });
    expect({ languages: de.languages, timezone: de.timezone }).toEqual({ languages: ["de-DE", "de", "en"], timezone: "Europe/Berlin" });
    expect(browserIdentity({ osType: "OS_TYPE_MACOS", country: "zz", chromiumVersion: "156" }).timezone).toBe("America/New_York");
    expect(acceptLanguageOf(["ja-JP", "ja", "en"])).toBe("ja-JP,ja,en");
  });

  it("reads the version out of Browser.getVersion's product, headless or not", () => {
    expect(chromiumVersionOf("HeadlessChrome/156.0.8078.114")).toBe("156.0.8078.114");
    expect(chromiumVersionOf("Chrome/131.0.6778.85")).toBe("131.0.6778.85");
    expect(chromiumVersionOf("Chrome/156")).toBe("156.0.0.0");
    expect(() => chromiumVersionOf("Firefox/120")).toThrow();
  });

  it("brands: Chromium and one GREASE brand, stable for a major version", () => {
    const brands = chromiumBrands(156, null);
    expect(brands).toHaveLength(2);
    expect(brands.map((b) => b.brand)).toContain("Chromium");
    expect(brands.find((b) => b.brand !== "Chromium")!.brand).toMatch(/^Not.A.Brand$/);
    expect(chromiumBrands(156, null)).toEqual(brands);
  });
});

describe("trust score", () => {
  const all = (passed: boolean) => DETECTION_CHECK_NAMES.map((name) => ({ name, passed, detail: "" }));

  it("the check points sum to 1000", () => {
    expect(Object.values(DETECTION_CHECK_POINTS).reduce((a, b) => a + b, 0)).toBe(1000);
  });

  it("inputs add up to the score exactly; a failed or missing check gives 0", () => {
    expect(trustScoreOf(all(true)).score).toBe(1000);
    expect(trustScoreOf(all(false)).score).toBe(0);
    const checks = all(true).map((c) => (c.name === "webgl" || c.name === "permissions" ? { ...c, passed: false } : c)).filter((c) => c.name !== "plugins");
    const { score, inputs } = trustScoreOf(checks);
    expect(score).toBe(1000 - DETECTION_CHECK_POINTS.webgl - DETECTION_CHECK_POINTS.permissions - DETECTION_CHECK_POINTS.plugins);
    expect(inputs.reduce((sum, i) => sum + i.points, 0)).toBe(score);
    expect(inputs.map((i) => i.label)).toEqual(DETECTION_CHECK_NAMES);
    expect(trustScoreOf([...all(true), { name: "made_up", passed: true, detail: "" }]).score).toBe(1000);
  });

  it("bands: undetected ≥ 850, suspicious 700–849, flagged < 700", () => {
    expect([1000, 850, 849, 700, 699, 0].map(trustBand)).toEqual(["undetected", "undetected", "suspicious", "suspicious", "flagged", "flagged"]);
  });
});
