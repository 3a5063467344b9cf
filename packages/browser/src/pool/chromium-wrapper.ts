import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { holdsSysNice, type LaunchPlan } from "./chromium-sandbox.ts";

const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * The script Playwright starts instead of Chromium: it finds the profile dir Playwright made,
 * puts a private HOME in it, hands it to the plan's user and execs Chromium as that user (exec
 * keeps the pid and the --remote-debugging-pipe fds 3 and 4).
 */
export function chromiumWrapperScript(chromiumPath: string, plan: LaunchPlan, setpriv: string | null, keepSysNice = holdsSysNice()): string {
  const runAs = plan.runAs;
  // Only CAP_SYS_NICE is handed on (as an ambient capability), so Chromium can still rank its processes; see holdsSysNice.
  const nice = keepSysNice ? " --inh-caps=+sys_nice --ambient-caps=+sys_nice" : "";
  const exec =
    runAs === null
      ? `exec ${quote(chromiumPath)} "$@"`
      : `chown -R ${runAs.uid}:${runAs.gid} "$profile"\nexec ${quote(setpriv ?? "setpriv")} --reuid=${runAs.uid} --regid=${runAs.gid} --clear-groups${nice} --no-new-privs -- ${quote(chromiumPath)} "$@"`;
  return `#!/bin/sh
# Written by browserfleet for one Chromium launch.
set -eu
profile=
for arg in "$@"; do
  case "$arg" in --user-data-dir=*) profile=\${arg#--user-data-dir=} ;; esac
done
[ -n "$profile" ] || { echo "browserfleet: Chromium got no --user-data-dir" >&2; exit 64; }
export HOME="$profile/home" XDG_CONFIG_HOME="$profile/home/.config" XDG_CACHE_HOME="$profile/home/.cache" XDG_DATA_HOME="$profile/home/.local/share"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_DATA_HOME"
${exec}
`;
}

/** Runs `launch` with a fresh wrapper in a private (0700) temporary dir, removed once Chromium has started or failed. */
export async function withChromiumWrapper<T>(script: string, launch: (wrapperPath: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "browserfleet-chromium-"));
  try {
    const path = join(dir, "chromium");
    await writeFile(path, script, { mode: 0o700 });
    await chmod(path, 0o700);
    return await launch(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
