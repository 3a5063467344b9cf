import express from "express";
import { backingServiceChecks, opsRoutes } from "@browserfleet/runtime";
import { creditRoutes } from "./credits/credit-routes.ts";
import type { ApiDeps } from "./deps.ts";
import { authenticate } from "./http/authenticate.ts";
import { closeConnectionsWhenDraining } from "./http/close-connections-when-draining.ts";
import { errorHandler, notFound } from "./http/error-handler.ts";
import { httpMetrics } from "./http/http-metrics.ts";
import { jsonBody } from "./http/json-body.ts";
import { requestContext } from "./http/request-context.ts";
import { urlLengthLimit } from "./http/url-length-limit.ts";
import { openApiRoutes } from "./openapi/openapi-routes.ts";
import { idempotency } from "./idempotency/idempotency.ts";
import { IDEMPOTENT_POST_PATHS } from "./idempotency/idempotent-routes.ts";
import { jobRoutes } from "./jobs/job-routes.ts";
import { jobIdToPrefetch } from "./jobs/prefetched-job.ts";
import { rateLimit, submissionLimit } from "./http/rate-limit.ts";
import { ROUTING } from "./http/routing-options.ts";
import { keyRoutes } from "./keys/key-routes.ts";
import { batchAndCrawlRoutes } from "./submit/batch-and-crawl-routes.ts";
import { singlePageRoutes } from "./submit/single-page-routes.ts";
import { webhookRoutes } from "./webhooks/webhook-routes.ts";
import { agentRoutes } from "./agents/agent-routes.ts";
import { taskRoutes } from "./tasks/task-routes.ts";
import { sessionRoutes } from "./agents/session-routes.ts";
import { usageRoutes } from "./usage/usage-routes.ts";
import { cdpDiscoveryRoutes } from "./gateway/cdp-discovery-routes.ts";
import { agentIdentityRoutes } from "./agents/identity-routes.ts";
import { agentLiveRoutes } from "./live/agent-live-routes.ts";
import { liveViewRoutes } from "./live/live-view-routes.ts";

/** The control plane's HTTP surface: ops endpoints open, everything under /v1 authenticated. */
export function buildApp(deps: ApiDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");
  app.set("case sensitive routing", ROUTING.caseSensitive);
  app.set("strict routing", ROUTING.strict);
  app.use(requestContext(deps.logger));
  app.use(closeConnectionsWhenDraining(deps.isDraining));
  app.use(httpMetrics(deps.registry));
  app.use(urlLengthLimit(deps.config.MAX_URL_BYTES));
  app.use(
    opsRoutes({
      registry: deps.registry,
      isDraining: deps.isDraining,
      checks: backingServiceChecks({ postgres: deps.prisma, redis: deps.redis }),
    }),
  );
  app.use(openApiRoutes({ bodyLimitBytes: deps.config.BODY_LIMIT_BYTES, maxUrlBytes: deps.config.MAX_URL_BYTES }));
  // The CDP gateway authenticates by the agent's token, not an API key, so it sits before /v1's key check.
  app.use("/v1", cdpDiscoveryRoutes(deps));
  app.use(liveViewRoutes(deps));
  const v1 = express.Router(ROUTING);
  v1.use(jsonBody(deps.config.BODY_LIMIT_BYTES));
  v1.use(authenticate(deps.driver, deps.keyUsage, jobIdToPrefetch));
  v1.use(rateLimit(deps.rateLimits, deps.logger));
  // Job-creating POSTs are exactly the idempotent ones; the rules sit on the routes, so they see what the handlers see.
  for (const path of IDEMPOTENT_POST_PATHS) v1.post(path, submissionLimit(deps.rateLimits, deps.logger), idempotency(deps));
  // Job reads first: polled far more often than anything is submitted, and no other router shares their paths.
  v1.use(jobRoutes(deps));
  v1.use(singlePageRoutes(deps));
  v1.use(batchAndCrawlRoutes(deps));
  v1.use(taskRoutes(deps));
  v1.use(creditRoutes(deps));
  v1.use(usageRoutes(deps));
  v1.use(webhookRoutes(deps));
  v1.use(keyRoutes(deps));
  v1.use(agentRoutes(deps));
  v1.use(sessionRoutes(deps));
  v1.use(agentIdentityRoutes(deps));
  v1.use(agentLiveRoutes(deps));
  app.use("/v1", v1);
  app.use(notFound);
  app.use(errorHandler);
  return app;
}
