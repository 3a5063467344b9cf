import { ApiError, checkTargetUrl, type TargetPolicy } from "@browserfleet/core";

/**
 * SSRF check of every URL of a request, one lookup per scheme + host; any refusal refuses the
 * whole request (422) with `details` naming each refused index, and creates nothing.
 */
export async function checkTargets(urls: string[], policy: TargetPolicy, field: string): Promise<void> {
  const verdicts = new Map<string, ReturnType<typeof checkTargetUrl>>();
  const refused: { path: string; message: string }[] = [];
  await Promise.all(
    urls.map(async (raw, index) => {
      const url = new URL(raw);
      const key = `${url.protocol}//${url.host}`;
      let verdict = verdicts.get(key);
      if (verdict === undefined) {
        verdict = checkTargetUrl(raw, policy);
        verdicts.set(key, verdict);
      }
      const outcome = await verdict;
      if (!outcome.allowed) refused.push({ path: urls.length === 1 && field === "url" ? field : `${field}.${index}`, message: outcome.reason });
    }),
  );
  if (refused.length === 0) return;
  refused.sort((a, b) => a.path.localeCompare(b.path, "en", { numeric: true }));
  const first = refused[0]!;
  throw new ApiError("URL_NOT_ALLOWED", `url is not allowed: ${first.message}${refused.length > 1 ? ` (and ${refused.length - 1} more)` : ""}`, { details: refused });
}
