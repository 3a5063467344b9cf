export * from "./llm/llm-types.ts";
export * from "./llm/llm-errors.ts";
export * from "./llm/with-provider-retries.ts";
export * from "./llm/create-llm-client.ts";
export * from "./keys/task-key-vault.ts";
export * from "./loop/task-tools.ts";
export * from "./loop/observe-page.ts";
export * from "./loop/run-tool.ts";
