// `npm run fleet -- --workers N`: what `npm start` does, with N worker processes on one queue.
// worker-1 keeps WORKER_PORT (3001), so its ops port is the one `npm start` uses; worker-2, 3, …
// take WORKER_PORT+10, +11, … (3011, 3012, …). With WORKER_PORT=0 every worker picks a free port.
import { parseArgs } from "node:util";
import { localStackEnv, prepareLocalStack } from "./lib/local-stack.mjs";
import { fail, say } from "./lib/prerequisites.mjs";
import { superviseApps } from "./lib/supervise-apps.mjs";

const MAX_WORKERS = 32;

let workers;
try {
  const { values } = parseArgs({ options: { workers: { type: "string", short: "w", default: "2" } } });
  workers = Number(values.workers);
} catch (err) {
  fail(`${err.message}\n  usage: npm run fleet -- --workers N`);
}
if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) fail(`--workers must be an integer from 1 to ${MAX_WORKERS}`);

const env = localStackEnv();
const apiPort = Number(env.PORT || 3000);
const dispatcherPort = Number(env.DISPATCHER_PORT || 3002);
const firstWorkerPort = Number(env.WORKER_PORT || 3001);
const workerPort = (n) => (firstWorkerPort === 0 ? 0 : n === 1 ? firstWorkerPort : firstWorkerPort + 8 + n);
const workerPorts = Array.from({ length: workers }, (_, i) => workerPort(i + 1));
// Caught here, before anything starts: a clash would otherwise surface as one process's EADDRINUSE.
for (const port of workerPorts) {
  if (port > 65535) fail(`worker ops port ${port} is past 65535; set a lower WORKER_PORT`);
  if (port !== 0 && (port === apiPort || port === dispatcherPort)) {
    fail(`worker ops port ${port} is also PORT or DISPATCHER_PORT; set WORKER_PORT so that ${workerPorts.join(", ")} are free`);
  }
}

await prepareLocalStack(env);

const apps = superviseApps({ env, labelJson: true });
apps.start("api");
apps.start("dispatcher");
workerPorts.forEach((port, i) => apps.start("worker", { label: `worker-${i + 1}`, env: { WORKER_PORT: String(port) } }));
say(
  `starting: API on http://127.0.0.1:${apiPort}, dispatcher ops :${dispatcherPort}, ${workers} worker${workers === 1 ? "" : "s"} ` +
    `(ops ${workerPorts.map((p, i) => `worker-${i + 1} :${p}`).join(", ")}) on queue prefix ${env.QUEUE_PREFIX || "bf"}`,
);
