// A child whose shutdown never ends: it ignores SIGTERM (as one with a blocked event loop would).
process.on("SIGTERM", () => undefined);
setInterval(() => undefined, 1_000);
process.stdout.write(`${JSON.stringify({ msg: "ignoring SIGTERM", pid: process.pid })}\n`);
