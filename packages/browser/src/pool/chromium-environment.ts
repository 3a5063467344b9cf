/** Where Chromium (and Debian's /usr/bin/chromium launcher script) find their tools. */
const CHROMIUM_PATH_VAR = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * The whole environment Chromium starts with: PATH and what the operator lists (CHROMIUM_ENV),
 * never the worker's own, so a compromised renderer finds no DATABASE_URL in /proc/self/environ.
 * HOME and the XDG dirs are set by the launch wrapper, inside the launch's own profile dir.
 */
export function chromiumEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: CHROMIUM_PATH_VAR, ...extra };
}
