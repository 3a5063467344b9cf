import { Router, type Request, type Response } from "express";
import { ROUTING } from "../http/routing-options.ts";
import {
  ApiError,
  createWebhookBody,
  encodeListCursor,
  listDeliveriesQuery,
  listWebhooksQuery,
  updateWebhookBody,
} from "@browserfleet/core";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  findSigningSecret,
  findWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  queueTestEvent,
  rotateSigningSecret,
  updateWebhookEndpoint,
  type WebhookEndpoint,
} from "@browserfleet/db";
import type { ApiDeps } from "../deps.ts";
import { listCursorParam } from "../http/list-cursor-param.ts";
import { uuidParam, validate } from "../http/validate.ts";
import { checkWebhookUrl } from "./check-webhook-url.ts";
import { deliveryView, signingSecretView, webhookView } from "./webhook-views.ts";

const workspaceOf = (req: Request): string => req.auth!.workspaceId;
const notFound = (id: string): ApiError => new ApiError("NOT_FOUND", `webhook ${id} not found`);

/** Webhook endpoints, the workspace's signing secret, test pings and the delivery log (api.md "Webhooks"). */
export function webhookRoutes(deps: ApiDeps): Router {
  const router = Router(ROUTING);

  const mustFind = async (req: Request): Promise<WebhookEndpoint> => {
    const id = uuidParam(req.params.id as string | undefined, "webhook id");
    const endpoint = await findWebhookEndpoint(deps.prisma, workspaceOf(req), id);
    if (!endpoint) throw notFound(id);
    return endpoint;
  };

  router.post("/webhooks", async (req, res) => {
    const body = validate(createWebhookBody, req.body);
    await checkWebhookUrl(body.url, deps, workspaceOf(req));
    const endpoint = await createWebhookEndpoint(deps.prisma, { workspaceId: workspaceOf(req), ...body });
    req.log.info({ webhook_id: endpoint.id }, "webhook created");
    res.status(201).json(webhookView(endpoint));
  });

  router.get("/webhooks", async (req, res) => {
    const query = validate(listWebhooksQuery, req.query, "query");
    const page = await listWebhookEndpoints(deps.prisma, { workspaceId: workspaceOf(req), limit: query.limit, after: listCursorParam(query.cursor) });
    res.json({ items: page.items.map(webhookView), next_cursor: page.next ? encodeListCursor(page.next) : null });
  });

  // Before /webhooks/:id, which would otherwise take "signing-secret" as an id.
  router.get("/webhooks/signing-secret", async (req, res) => {
    res.json(signingSecretView(await findSigningSecret(deps.prisma, workspaceOf(req))));
  });

  router.post("/webhooks/signing-secret/rotate", async (req, res) => {
    const rotated = await rotateSigningSecret(deps.prisma, workspaceOf(req));
    req.log.info("webhook signing secret rotated");
    res.json(signingSecretView(rotated));
  });

  router.get("/webhooks/:id", async (req, res) => {
    res.json(webhookView(await mustFind(req)));
  });

  router.patch("/webhooks/:id", async (req, res) => {
    const id = uuidParam(req.params.id as string | undefined, "webhook id");
    const changes = validate(updateWebhookBody, req.body);
    if (changes.url !== undefined) await checkWebhookUrl(changes.url, deps, workspaceOf(req));
    const updated = await updateWebhookEndpoint(deps.prisma, workspaceOf(req), id, changes);
    if (!updated) throw notFound(id);
    res.json(webhookView(updated));
  });

  router.delete("/webhooks/:id", async (req, res) => {
    const id = uuidParam(req.params.id as string | undefined, "webhook id");
    if (!(await deleteWebhookEndpoint(deps.prisma, workspaceOf(req), id))) throw notFound(id);
    req.log.info({ webhook_id: id }, "webhook deleted");
    res.status(204).end();
  });

  const ping = async (req: Request, res: Response): Promise<void> => {
    const id = uuidParam(req.params.id as string | undefined, "webhook id");
    const queued = await queueTestEvent(deps.prisma, workspaceOf(req), id);
    if (!queued) throw notFound(id);
    res.status(202).json({ event_id: queued.eventId });
  };
  router.post("/webhooks/:id/ping", ping);
  router.post("/webhooks/:id/test", ping);

  router.get("/webhooks/:id/deliveries", async (req, res) => {
    const query = validate(listDeliveriesQuery, req.query, "query");
    const endpoint = await mustFind(req);
    const page = await listWebhookDeliveries(deps.prisma, { endpointId: endpoint.id, limit: query.limit, after: listCursorParam(query.cursor) });
    res.json({ items: page.items.map(deliveryView), next_cursor: page.next ? encodeListCursor(page.next) : null });
  });

  return router;
}
