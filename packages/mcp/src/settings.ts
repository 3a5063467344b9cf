/** The MCP server's settings, from its environment (the one place this package reads it). */
export interface McpSettings {
  /** BROWSERFLEET_API_URL: the API's origin (default http://127.0.0.1:3000). */
  apiUrl: string;
  /** BROWSERFLEET_API_KEY: the workspace key every call uses. */
  apiKey: string;
  /** BROWSERFLEET_LLM_API_KEY: the model key run_task uses when a call gives none. */
  llmApiKey: string | null;
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): McpSettings {
  const apiKey = env.BROWSERFLEET_API_KEY?.trim();
  if (!apiKey) throw new Error("BROWSERFLEET_API_KEY is required (a workspace API key, agt_live_…)");
  return {
    apiUrl: env.BROWSERFLEET_API_URL?.trim() || "http://127.0.0.1:3000",
    apiKey,
    llmApiKey: env.BROWSERFLEET_LLM_API_KEY?.trim() || null,
  };
}
