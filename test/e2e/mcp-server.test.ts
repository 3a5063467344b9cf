import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { repoRoot } from "../support/app-process.ts";
import { startFakeLlm, type FakeLlm } from "../support/fake-llm.ts";
import { startFixtureSite, type FixtureSite } from "../support/fixture-site.ts";
import type { ApiHandle } from "../support/in-process-api.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

let stack: TestStack<ApiHandle>;
let site: FixtureSite;
let llm: FakeLlm;
let mcp: Client;
let stderr = "";

beforeAll(async () => {
  [stack, site, llm] = await Promise.all([
    startTestStack({ api: "in-process", workers: 1, env: { WORKER_AGENT_SLOTS: "1", AGENT_WARM_POOL: "0" } }),
    startFixtureSite(),
    startFakeLlm((turn) => {
      const answer = turn.messages.map((m) => m.text).find((t) => t.startsWith("the user answered: "));
      return answer ? { tool: "done", args: { result: { colour: answer.split("\n")[0]!.slice("the user answered: ".length) } } } : { tool: "ask_user", args: { question: "Which colour?" } };
    }),
  ]);
  const { apiKey } = await stack.newWorkspace("mcp");
  // The server as a user's MCP client starts it: a child process speaking MCP on its stdio.
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ["--conditions=browserfleet-source", "--import", "tsx", join(repoRoot, "packages", "mcp", "src", "bin.ts")],
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", BROWSERFLEET_API_URL: stack.apiUrl, BROWSERFLEET_API_KEY: apiKey, BROWSERFLEET_LLM_API_KEY: "sk-mcp-test" },
    stderr: "pipe",
  });
  transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  mcp = new Client({ name: "browserfleet-test", version: "1.0.0" });
  await mcp.connect(transport);
});

afterAll(async () => {
  await mcp?.close();
  await Promise.all([stack?.stop(), site?.close(), llm?.close()]);
});

const call = async (name: string, args: Record<string, unknown> = {}) => (await mcp.callTool({ name, arguments: args })) as CallToolResult;
const structured = (result: CallToolResult) => result.structuredContent as Record<string, unknown>;

describe("the MCP server over stdio, with the MCP SDK's own client", () => {
  it("lists every tool with a JSON input schema", async () => {
    const { tools } = await mcp.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      ["batch_scrape", "cancel_job", "create_agent", "create_webhook", "credits", "crawl", "delete_webhook", "destroy_agent", "get_job", "list_identities", "list_webhooks", "respond_to_job", "run_task", "scrape"].sort(),
    );
    for (const tool of tools) {
      expect(tool.inputSchema.type, tool.name).toBe("object");
      expect(tool.description, tool.name).toBeTruthy();
    }
    const scrape = tools.find((t) => t.name === "scrape")!;
    expect(scrape.inputSchema.required).toEqual(["url"]);
    expect(Object.keys(scrape.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(["url", "formats", "only_main_content"]));
  });

  it("scrape, batch_scrape, crawl, get_job and credits against the real stack", async () => {
    const page = await call("scrape", { url: `${site.origin}/simple`, formats: ["text"] });
    expect(page.isError ?? false, JSON.stringify(page)).toBe(false);
    expect(structured(page)).toMatchObject({ status: "completed", http_status: 200 });
    expect((page.content[0] as { text: string }).text).toContain("completed 200");
    // By default a model gets the page as Markdown.
    const markdown = await call("scrape", { url: `${site.origin}/simple` });
    expect(typeof structured(markdown).markdown, JSON.stringify(markdown)).toBe("string");
    expect((markdown.content[0] as { text: string }).text).toContain(structured(markdown).markdown as string);

    const batch = await call("batch_scrape", { urls: [`${site.origin}/simple`, `${site.origin}/page/2`], formats: ["text"], wait_seconds: 60 });
    expect(batch.isError ?? false, JSON.stringify(batch)).toBe(false);
    const batchJob = structured(batch).job as { id: string; status: string };
    expect(batchJob.status).toBe("completed");
    expect((structured(batch).items as unknown[]).length).toBe(2);

    const crawl = await call("crawl", { url: `${site.origin}/simple`, limit: 2, formats: ["text"], wait_seconds: 0 });
    const crawlJob = structured(crawl).job as { id: string };
    const read = await call("get_job", { job_id: crawlJob.id, wait_seconds: 60 });
    expect((structured(read).job as { status: string }).status).toBe("completed");

    const credits = await call("credits");
    expect(structured(credits)).toMatchObject({ currency: "credits" });
    expect((structured(credits).balance as number) < 100).toBe(true);
  });

  it("the webhook tools, and the agent tools", async () => {
    const created = await call("create_webhook", { url: "http://127.0.0.1:9/hook", events: ["job.completed"] });
    expect(created.isError ?? false, JSON.stringify(created)).toBe(false);
    const id = structured(created).id as string;
    expect(((structured(await call("list_webhooks")).webhooks as { id: string }[]).map((w) => w.id))).toEqual([id]);
    expect((await call("delete_webhook", { webhook_id: id })).isError ?? false).toBe(false);
    expect((structured(await call("list_webhooks")).webhooks as unknown[]).length).toBe(0);

    const agent = await call("create_agent", { ttl_seconds: 120, initial_url: `${site.origin}/simple` });
    expect(agent.isError ?? false, JSON.stringify(agent)).toBe(false);
    const agentId = structured(agent).id as string;
    expect(structured(agent).cdp_url).toContain(agentId);
    expect(((structured(await call("list_identities", { status: "running" })).agents as { id: string }[]).map((a) => a.id))).toEqual([agentId]);
    expect((await call("destroy_agent", { agent_id: agentId })).isError ?? false).toBe(false);
  });

  it("run_task with the fake LLM: the question comes back, respond_to_job finishes it", async () => {
    const asked = await call("run_task", { task: "Ask me which colour, then report it", llm: "openai:fake", llm_base_url: llm.baseUrl, initial_url: `${site.origin}/simple`, wait_seconds: 60 });
    expect(asked.isError ?? false, JSON.stringify(asked)).toBe(false);
    expect((asked.content[0] as { text: string }).text).toContain("Which colour?");
    const jobId = structured(asked).job_id as string;
    expect(llm.calls.at(-1)!.apiKey).toBe("sk-mcp-test");
    const done = await call("respond_to_job", { job_id: jobId, input: "green", wait_seconds: 60 });
    expect((structured(done).job as { status: string; result: { final_result: unknown } }).result.final_result).toEqual({ colour: "green" });
    expect((done.content[0] as { text: string }).text).toContain("completed in 2 steps");
  });

  it("a bad argument and an API error are tool errors (with code and request id), and the server goes on", async () => {
    const bad = await call("scrape", { url: 42 }).catch((err: unknown) => ({ isError: true, content: [{ type: "text", text: String(err) }] }) as CallToolResult);
    expect(bad.isError).toBe(true);
    const refused = await call("scrape", { url: "http://169.254.169.254/latest/meta-data" });
    expect(refused.isError).toBe(true);
    expect(structured(refused).error).toMatchObject({ code: "URL_NOT_ALLOWED", status: 422 });
    expect((structured(refused).error as { request_id: string }).request_id).toMatch(/.+/);
    expect((refused.content[0] as { text: string }).text).toMatch(/^URL_NOT_ALLOWED: .*\[request .+\]$/);
    const missing = await call("get_job", { job_id: "00000000-0000-4000-8000-000000000000" });
    expect(structured(missing).error).toMatchObject({ code: "NOT_FOUND" });
    expect((await call("credits")).isError ?? false).toBe(false);
    expect(stderr).toContain("ready on stdio");
  });
});
