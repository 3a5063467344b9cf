// Turns the apps' pino JSON lines into one readable line each, prefixed by process.
const COLORS = { api: "\x1b[36m", worker: "\x1b[35m", dispatcher: "\x1b[33m" };
const LEVEL_COLORS = { error: "\x1b[31m", fatal: "\x1b[31m", warn: "\x1b[33m" };
const RESET = "\x1b[0m";
const SKIP = new Set(["level", "time", "msg", "process", "pid", "hostname"]);

function value(v) {
  if (v !== null && typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** `name` is the app ("worker") or one instance of it ("worker-2"); instances share the app's color. */
export function prettyLine(name, line, color) {
  const app = name.replace(/-\d+$/, "");
  const tag = color ? `${COLORS[app] ?? ""}${name.padEnd(10)}${RESET}` : name.padEnd(10);
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return `${tag} ${line}`;
  }
  if (entry === null || typeof entry !== "object") return `${tag} ${line}`;
  const time = typeof entry.time === "string" ? entry.time.slice(11, 23) : "";
  const level = String(entry.level ?? "info").toUpperCase().padEnd(5);
  const lvl = color && LEVEL_COLORS[entry.level] ? `${LEVEL_COLORS[entry.level]}${level}${RESET}` : level;
  const fields = Object.entries(entry)
    .filter(([k]) => !SKIP.has(k))
    .map(([k, v]) => `${k}=${value(v)}`)
    .join(" ");
  return `${tag} ${time} ${lvl} ${entry.msg ?? ""}${fields ? `  ${fields}` : ""}`;
}
