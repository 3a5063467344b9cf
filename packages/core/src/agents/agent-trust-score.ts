/**
 * The platform's detection checks and the trust score computed from them (api.md "Agents",
 * README "Identity"). Each check is worth fixed points; they sum to 1000, so an agent passing
 * every check scores 1000 and each failure costs exactly its points.
 */
export const DETECTION_CHECK_POINTS = {
  /** navigator.webdriver is false (the most widely checked automation flag). */
  webdriver: 150,
  /** No "Headless" in navigator.userAgent. */
  headless_user_agent: 100,
  /** No "Headless" in navigator.userAgentData brands or getHighEntropyValues().fullVersionList. */
  headless_client_hints: 100,
  /** navigator.userAgent, navigator.platform and the client-hint platform all name os_type's OS. */
  os_consistency: 150,
  /** Intl's timezone is country's. */
  timezone: 100,
  /** navigator.languages is country's list and Intl's locale its first entry. */
  languages: 100,
  /** A WebGL context can be made and names a vendor and renderer. */
  webgl: 100,
  /** Notification.permission agrees with navigator.permissions.query({name: "notifications"}). */
  permissions: 50,
  /** navigator.plugins and navigator.mimeTypes are the PDF viewer set a desktop Chromium has. */
  plugins: 50,
  /** No DevTools Runtime domain serialises console arguments (the Error.stack getter trick). */
  cdp_runtime: 100,
} as const;
export type DetectionCheckName = keyof typeof DETECTION_CHECK_POINTS;
export const DETECTION_CHECK_NAMES = Object.keys(DETECTION_CHECK_POINTS) as DetectionCheckName[];

export const TRUST_BANDS = ["undetected", "suspicious", "flagged"] as const;
export type TrustBand = (typeof TRUST_BANDS)[number];

export interface DetectionCheck {
  name: string;
  passed: boolean;
  detail: string;
}

/** agent.detectionSignal, as stored and as GET /v1/agents/{id}/detection-signal shows it. */
export interface DetectionSignal {
  sites_tested: number;
  sites_passed: number;
  checks: DetectionCheck[];
  measured_at: string;
}

export interface TrustInput {
  label: string;
  points: number;
}

/** ≥ 850 undetected, 700–849 suspicious, < 700 flagged. */
export function trustBand(score: number): TrustBand {
  if (score >= 850) return "undetected";
  if (score >= 700) return "suspicious";
  return "flagged";
}

/**
 * The score and its inputs: one input per known check, its points if it passed, 0 if it failed or
 * is missing from the signal (a check that did not report is not given the benefit of the doubt).
 * The inputs add up to the score exactly.
 */
export function trustScoreOf(checks: readonly DetectionCheck[]): { score: number; inputs: TrustInput[] } {
  const passed = new Map(checks.map((c) => [c.name, c.passed]));
  const inputs = DETECTION_CHECK_NAMES.map((name) => ({ label: name, points: passed.get(name) === true ? DETECTION_CHECK_POINTS[name] : 0 }));
  return { score: inputs.reduce((sum, input) => sum + input.points, 0), inputs };
}
