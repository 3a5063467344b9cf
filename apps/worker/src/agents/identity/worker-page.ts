import type { AttachedTarget, IdentityEmulation } from "./identity-emulation.ts";

/**
 * A page of the worker's own, in a browser context it creates for it (no proxy options: the
 * context inherits the browser's egress proxy) and disposes after: the page carries the agent's
 * identity like any other (the identity connection attaches to it at birth), shares nothing with
 * the client's context, and is gone when `use` settles.
 */
export async function withWorkerPage<T>(emulation: IdentityEmulation, timeoutMs: number, use: (page: AttachedTarget) => Promise<T>): Promise<T> {
  const { connection } = emulation;
  const { browserContextId } = await connection.send<{ browserContextId: string }>("Target.createBrowserContext", { disposeOnDetach: true });
  emulation.workerContexts.add(browserContextId);
  try {
    const { targetId } = await connection.send<{ targetId: string }>("Target.createTarget", { url: "about:blank", browserContextId });
    const page = await emulation.attached(targetId, timeoutMs);
    return await use(page);
  } finally {
    await connection.send("Target.disposeBrowserContext", { browserContextId }).catch(() => undefined);
    emulation.workerContexts.delete(browserContextId);
  }
}
