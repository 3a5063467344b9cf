import { maxHeaderSize, type Server } from "node:http";
import type { Logger } from "pino";
import type { AppConfig } from "@browserfleet/config";
import { answerClientError } from "./answer-client-error.ts";

/** The API server's timeouts and its answer to requests Node refuses before Express. */
export function configureServer(server: Server, config: AppConfig, logger: Logger): void {
  // Slowloris guard: a real client sends its headers in milliseconds.
  server.headersTimeout = config.HTTP_HEADERS_TIMEOUT_MS;
  // Time to receive a whole request (headers + body ≤ BODY_LIMIT_BYTES); answering it (long-polls, sync calls) is not counted.
  server.requestTimeout = config.HTTP_REQUEST_TIMEOUT_MS;
  // Above the 60 s idle timeout of common load balancers, so the balancer, not us, closes an idle connection first.
  server.keepAliveTimeout = config.HTTP_KEEP_ALIVE_TIMEOUT_MS;
  server.on("clientError", answerClientError(logger, maxHeaderSize));
}
