// The `npm start` supervisor (scripts/lib/supervise-apps.mjs) for tests: runs the apps named on
// the command line with our environment; "ignore-sigterm" runs a child that ignores SIGTERM.
import { join } from "node:path";
import { superviseApps } from "../../scripts/lib/supervise-apps.mjs";

const apps = superviseApps({ env: process.env, labelJson: true });
for (const name of process.argv.slice(2)) {
  if (name === "ignore-sigterm") apps.run(name, [join(import.meta.dirname, "ignore-sigterm.mjs")]);
  else apps.start(name);
}
