import { loadConfig } from "@browserfleet/config";
import { createLogger, exitOnConfigError, onShutdownSignal } from "@browserfleet/runtime";
import { startApiService } from "./api-service.ts";

const config = exitOnConfigError(loadConfig);
const logger = createLogger({ level: config.LOG_LEVEL, process: "api", maxBufferedBytes: config.LOG_MAX_BUFFERED_BYTES });
const api = await startApiService(config, logger);

onShutdownSignal({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS, beforeDrain: api.beginDrain, steps: api.shutdownSteps });
