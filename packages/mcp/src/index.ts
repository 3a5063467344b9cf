export { createBrowserfleetMcpServer, SERVER_NAME, SERVER_VERSION } from "./server.ts";
export { settingsFromEnv, type McpSettings } from "./settings.ts";
