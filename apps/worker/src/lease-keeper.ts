import type { AdmissionController } from "@browserfleet/queue";
import type { Logger } from "pino";

/**
 * Renews an item's admission lease while its page runs (every third of the lease). If the
 * lease is lost (it expired while Redis was away, or Redis restarted) the page is stopped:
 * the item has been or will be handed to another run, which must be the only one.
 */
export function keepLease(admission: AdmissionController, itemId: string, ticket: string, controller: AbortController, logger: Logger): { stop(): void; lost(): boolean } {
  let lost = false;
  const timer = setInterval(() => {
    admission.renew(itemId, ticket).then(
      (held) => {
        if (held || lost) return;
        lost = true;
        logger.warn({ item_id: itemId, ticket }, "admission lease lost; stopping the page");
        controller.abort(new Error("the admission lease was lost"));
      },
      (err: unknown) => logger.warn({ err, item_id: itemId }, "could not renew the admission lease; retrying"),
    );
  }, Math.max(250, Math.floor(admission.leaseMs / 3)));
  return {
    stop: () => clearInterval(timer),
    lost: () => lost,
  };
}
