/** The stored facts of one rendered URL, in whatever shape the database hands them over. */
export interface ResultItemSource {
  url: string;
  finalUrl: string | null;
  status: string;
  httpStatus: number | null;
  title: string | null;
  durationMs: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  html?: string | null;
  text?: string | null;
  links?: unknown;
  screenshot?: Uint8Array | null;
  markdown?: string | null;
  /** Formats cut at their bound (api.md § Jobs); absent on rows written before bounds existed. */
  truncated?: string[] | null;
}

/** A result item as api.md defines it; content fields appear only when they were asked for. */
export interface ResultItem {
  url: string;
  final_url: string | null;
  status: string;
  http_status: number | null;
  title: string | null;
  duration_ms: number | null;
  html?: string;
  text?: string;
  links?: string[];
  screenshot_png_b64?: string;
  markdown?: string;
  error_code: string | null;
  error_message: string | null;
  truncated: string[];
}

export function toResultItem(src: ResultItemSource): ResultItem {
  const item: ResultItem = {
    url: src.url,
    final_url: src.finalUrl,
    // api.md knows an item as completed or failed: cancelled work is a failure whose error_code says CANCELLED.
    status: src.status === "cancelled" ? "failed" : src.status,
    http_status: src.httpStatus,
    title: src.title,
    duration_ms: src.durationMs,
    error_code: src.errorCode,
    error_message: src.errorMessage,
    truncated: src.truncated ?? [],
  };
  if (src.html != null) item.html = src.html;
  if (src.text != null) item.text = src.text;
  if (Array.isArray(src.links)) item.links = src.links.filter((l): l is string => typeof l === "string");
  if (src.screenshot != null) item.screenshot_png_b64 = Buffer.from(src.screenshot).toString("base64");
  if (src.markdown != null) item.markdown = src.markdown;
  return item;
}
