import { ApiError, resolveWebhookTarget, type TargetPolicy } from "@browserfleet/core";

/** Registration-time SSRF check (the dispatcher checks again before every attempt). A name that does not resolve yet is accepted. */
export async function checkWebhookUrl(url: string, policy: TargetPolicy): Promise<void> {
  const verdict = await resolveWebhookTarget(url, policy);
  if (verdict.allowed || verdict.unresolved) return;
  throw new ApiError("URL_NOT_ALLOWED", `webhook URL is not allowed: ${verdict.reason}`, { details: [{ path: "url", message: verdict.reason }] });
}
