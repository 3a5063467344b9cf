/** One sample line of the Prometheus text format: `name{label="value",…} value`. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  type: string;
  help: string;
  samples: MetricSample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(?:,|$)/y;
const SUFFIXES = ["_bucket", "_sum", "_count", "_total", "_created", "_info"];

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
}

/** A float as Prometheus reads one (Go's ParseFloat: NaN and Inf in any case; prom-client writes "Nan"). */
function parseValue(text: string): number | null {
  if (/^nan$/i.test(text)) return Number.NaN;
  if (/^[+-]?inf(inity)?$/i.test(text)) return text.startsWith("-") ? -Infinity : Infinity;
  const value = Number(text);
  return text.trim() === "" || Number.isNaN(value) ? null : value;
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const start = LABEL.lastIndex;
    const m = LABEL.exec(text);
    if (m === null || LABEL.lastIndex === start) throw new Error(`bad labels in metrics line: ${line}`);
    labels[m[1]!] = unescape(m[2]!);
  }
  return labels;
}

/**
 * Parses Prometheus text exposition (version 0.0.4) into families by name, strictly enough that a malformed line
 * fails the test: every sample must belong to a family declared by `# TYPE` (histogram and summary samples by their
 * suffixes), values must be numbers (NaN and ±Inf in any case included).
 */
export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const family = (name: string): MetricFamily => {
    let f = families.get(name);
    if (f === undefined) families.set(name, (f = { name, type: "untyped", help: "", samples: [] }));
    return f;
  };
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta !== null) {
      if (meta[1] === "HELP") family(meta[2]!).help = meta[3]!;
      else family(meta[2]!).type = meta[3]!;
      continue;
    }
    if (line.startsWith("#")) continue;
    const m = SAMPLE.exec(line);
    if (m === null) throw new Error(`bad metrics line: ${line}`);
    const value = parseValue(m[3]!);
    if (value === null) throw new Error(`bad value in metrics line: ${line}`);
    const owner = families.has(m[1]!) ? m[1]! : SUFFIXES.map((s) => (m[1]!.endsWith(s) ? m[1]!.slice(0, -s.length) : "")).find((n) => n !== "" && families.has(n));
    if (owner === undefined) throw new Error(`metrics sample of no declared family: ${line}`);
    families.get(owner)!.samples.push({ name: m[1]!, labels: parseLabels(m[2] ?? "", line), value });
  }
  return families;
}

/** GET <baseUrl>/metrics, checked to be Prometheus text, parsed. */
export async function scrapeMetrics(baseUrl: string): Promise<Map<string, MetricFamily>> {
  const res = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (res.status !== 200) throw new Error(`${baseUrl}/metrics answered ${res.status}`);
  const type = res.headers.get("content-type") ?? "";
  if (!type.startsWith("text/plain")) throw new Error(`${baseUrl}/metrics answered ${type}, not Prometheus text`);
  return parsePrometheusText(await res.text());
}

/** The samples of one family (by the sample's own name, e.g. a histogram's `_count`), optionally filtered by labels. */
export function samplesOf(families: Map<string, MetricFamily>, name: string, labels: Record<string, string> = {}): MetricSample[] {
  const all = [...families.values()].flatMap((f) => f.samples).filter((s) => s.name === name);
  return all.filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The one value of an unlabelled (but for the default labels) gauge or counter; NaN when absent. */
export function valueOf(families: Map<string, MetricFamily>, name: string, labels: Record<string, string> = {}): number {
  const found = samplesOf(families, name, labels);
  return found.length === 1 ? found[0]!.value : Number.NaN;
}
