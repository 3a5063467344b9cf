// `npm start`: everything a fresh clone needs, then api + worker + dispatcher in one terminal.
import { localStackEnv, prepareLocalStack } from "./lib/local-stack.mjs";
import { say } from "./lib/prerequisites.mjs";
import { superviseApps } from "./lib/supervise-apps.mjs";

const env = localStackEnv();
await prepareLocalStack(env);

const apps = superviseApps({ env });
for (const name of ["api", "worker", "dispatcher"]) apps.start(name);
say(`starting: API on http://127.0.0.1:${env.PORT || 3000}  (create a workspace: npx browserfleet workspace create --name me)`);
