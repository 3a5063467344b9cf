import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { announceJobCancelled, announceJobFinished, createRedisConnection, subscribeJobEvents } from "../src/index.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

describe("job events", () => {
  const publisher = createRedisConnection(REDIS_URL);
  const subscribers = [createRedisConnection(REDIS_URL), createRedisConnection(REDIS_URL)];
  afterAll(() => {
    for (const connection of [publisher, ...subscribers]) connection.disconnect();
  });

  it("delivers finished and cancelled to their own handlers, and only under the subscriber's prefix", async () => {
    const prefix = `test-${randomBytes(6).toString("hex")}`;
    const seen: string[] = [];
    // What the subscriber's connection went through, shown if an event never comes (a CI run once missed one).
    const connectionEvents: string[] = [];
    for (const event of ["ready", "close", "reconnecting", "error"]) subscribers[0]!.on(event, () => connectionEvents.push(event));
    await Promise.all([publisher, subscribers[0]!].map((c) => (c.status === "ready" ? undefined : new Promise((resolve) => c.once("ready", resolve)))));
    const note = (what: string) => (jobId: string) => seen.push(`${what}:${jobId}`);
    // Awaited, so a failed subscribe fails the test at once instead of leaving it waiting for events.
    await subscribeJobEvents(subscribers[0]!, prefix, { finished: note("finished"), cancelled: note("cancelled") });
    await announceJobFinished(publisher, `${prefix}-other`, "job-0");
    await announceJobCancelled(publisher, prefix, "job-1");
    await announceJobFinished(publisher, prefix, "job-2");
    // A bound on the wait only, roomy for a loaded machine (a CI run once waited out the 120 s test timeout here).
    await expect
      .poll(() => seen, { timeout: 15_000 })
      .toEqual(["cancelled:job-1", "finished:job-2"])
      .catch(async (err: Error) => {
        const subscribed = await publisher.call("PUBSUB", "NUMSUB", `${prefix}:events:job-cancelled`, `${prefix}:events:job-finished`);
        throw new Error(`${err.message}; subscribers per channel ${JSON.stringify(subscribed)}; subscriber connection: ${connectionEvents.join(", ") || "no events"}`);
      });
  });

  it("subscribes only to the events given a handler", async () => {
    const prefix = `test-${randomBytes(6).toString("hex")}`;
    const finished: string[] = [];
    await subscribeJobEvents(subscribers[1]!, prefix, { finished: (jobId) => finished.push(jobId) });
    await announceJobCancelled(publisher, prefix, "job-1");
    await announceJobFinished(publisher, prefix, "job-2");
    // A bound on the wait only, roomy for a loaded machine: the event arrives or the test fails.
    await expect.poll(() => finished, { timeout: 15_000 }).toEqual(["job-2"]);
    expect(await publisher.call("PUBSUB", "NUMSUB", `${prefix}:events:job-cancelled`, `${prefix}:events:job-finished`)).toEqual([
      `${prefix}:events:job-cancelled`,
      0,
      `${prefix}:events:job-finished`,
      1,
    ]);
  });
});
