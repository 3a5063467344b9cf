// `npm run dev`: what `npm start` does, with each app restarted (after a graceful drain) whenever a file it imports
// changes: its own sources, the packages' sources or the generated Prisma client. One app's crash leaves the others
// running; fix the file and it starts again.
import { localStackEnv, prepareLocalStack } from "./lib/local-stack.mjs";
import { say } from "./lib/prerequisites.mjs";
import { superviseApps } from "./lib/supervise-apps.mjs";

const env = localStackEnv();
await prepareLocalStack(env);

const apps = superviseApps({ env });
for (const name of ["api", "worker", "dispatcher"]) apps.start(name, { watch: true });
say(`dev: API on http://127.0.0.1:${env.PORT || 3000}; apps restart when their files change (Ctrl-C stops them all)`);
