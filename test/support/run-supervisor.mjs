// The `npm start` supervisor (scripts/lib/supervise-apps.mjs) for tests: runs the apps named on
// the command line with our environment; "ignore-sigterm" runs a child that ignores SIGTERM, and
// "watch:<app>" runs the app as `npm run dev` does, restarted when a file it imports changes.
import { join } from "node:path";
import { superviseApps } from "../../scripts/lib/supervise-apps.mjs";

const apps = superviseApps({ env: process.env, labelJson: true });
for (const name of process.argv.slice(2)) {
  if (name === "ignore-sigterm") apps.run(name, [join(import.meta.dirname, "ignore-sigterm.mjs")]);
  else if (name.startsWith("watch:")) apps.start(name.slice("watch:".length), { watch: true });
  else apps.start(name);
}
