import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * A local stand-in for LLM providers (the one stand-in the project allows): it speaks OpenAI's
 * chat-completions and Anthropic's messages wire formats, tool calls included, and answers each
 * call from a scripted policy. It records every call (key, model, messages, tools) so tests can
 * check what reached "the model", and can answer as a failing provider would (401, 429 with
 * Retry-After, 500, malformed tool calls, slow answers).
 */

export type Dialect = "openai" | "anthropic";

/** One call as the policy sees it, normalised across the two dialects. */
export interface FakeTurn {
  dialect: Dialect;
  /** 1-based count of calls this server has answered. */
  n: number;
  apiKey: string | null;
  model: string;
  /** Every message's text in order (system first), tool results included; images as "[image]". */
  messages: Array<{ role: string; text: string }>;
  /** The text of the last message (the newest observation or tool result). */
  last: string;
  toolNames: string[];
  /** Whether the call carried an image (a screenshot for a vision model). */
  hasImage: boolean;
  headers: IncomingMessage["headers"];
  body: Record<string, unknown>;
}

export type FakeReply =
  | { tool: string; args: Record<string, unknown>; usage?: { input: number; output: number } }
  | { text: string; usage?: { input: number; output: number } }
  | { status: number; body?: unknown; headers?: Record<string, string> }
  /** A tool call whose arguments are not JSON (or name no tool), as models sometimes send. */
  | { malformed: "arguments" | "unknown_tool" }
  | { delayMs: number; then: FakeReply };

export type FakePolicy = (turn: FakeTurn) => FakeReply | Promise<FakeReply>;

export interface FakeLlm {
  /** Base URL for `llm_base_url` (OpenAI SDKs append /chat/completions, Anthropic's /messages). */
  baseUrl: string;
  origin: string;
  calls: FakeTurn[];
  setPolicy(policy: FakePolicy): void;
  close(): Promise<void>;
}

const DEFAULT_USAGE = { input: 120, output: 12 };

export async function startFakeLlm(policy: FakePolicy): Promise<FakeLlm> {
  let current = policy;
  const calls: FakeTurn[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `fake llm failed: ${err instanceof Error ? err.message : String(err)}` } }));
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://fake").pathname;
    const dialect: Dialect | null = req.method === "POST" && path.endsWith("/chat/completions") ? "openai" : req.method === "POST" && path.endsWith("/messages") ? "anthropic" : null;
    if (dialect === null) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: `no such route ${req.method} ${path}` } }));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
    const turn = normalise(dialect, calls.length + 1, req.headers, body);
    calls.push(turn);
    let reply = await current(turn);
    while ("delayMs" in reply) {
      await new Promise((r) => setTimeout(r, (reply as { delayMs: number }).delayMs));
      reply = (reply as { then: FakeReply }).then;
    }
    if ("status" in reply) {
      res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
      res.end(JSON.stringify(reply.body ?? providerError(dialect, reply.status)));
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(dialect === "openai" ? openAiAnswer(turn, reply) : anthropicAnswer(turn, reply)));
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    baseUrl: `${origin}/v1`,
    calls,
    setPolicy: (next) => (current = next),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

type Answer = Exclude<FakeReply, { status: number } | { delayMs: number }>;

function openAiAnswer(turn: FakeTurn, reply: Answer): Record<string, unknown> {
  const usage = ("usage" in reply && reply.usage) || DEFAULT_USAGE;
  let message: Record<string, unknown>;
  if ("text" in reply) message = { role: "assistant", content: reply.text };
  else {
    const name = "malformed" in reply ? (reply.malformed === "unknown_tool" ? "no_such_tool" : turn.toolNames[0] ?? "done") : reply.tool;
    const args = "malformed" in reply ? (reply.malformed === "arguments" ? "{not json" : "{}") : JSON.stringify(reply.args);
    message = { role: "assistant", content: null, tool_calls: [{ id: `call_${randomBytes(6).toString("hex")}`, type: "function", function: { name, arguments: args } }] };
  }
  return {
    id: `chatcmpl-${randomBytes(8).toString("hex")}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: turn.model,
    choices: [{ index: 0, message, finish_reason: "text" in reply ? "stop" : "tool_calls" }],
    usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output },
  };
}

function anthropicAnswer(turn: FakeTurn, reply: Answer): Record<string, unknown> {
  const usage = ("usage" in reply && reply.usage) || DEFAULT_USAGE;
  let content: unknown[];
  if ("text" in reply) content = [{ type: "text", text: reply.text }];
  else if ("malformed" in reply) {
    // Anthropic's input is always an object on the wire; "malformed" here is a tool the request never offered, or an input of the wrong shape.
    content = [{ type: "tool_use", id: `toolu_${randomBytes(8).toString("hex")}`, name: reply.malformed === "unknown_tool" ? "no_such_tool" : (turn.toolNames[0] ?? "done"), input: reply.malformed === "arguments" ? { unexpected: [1, 2, 3] } : {} }];
  } else content = [{ type: "tool_use", id: `toolu_${randomBytes(8).toString("hex")}`, name: reply.tool, input: reply.args }];
  return {
    id: `msg_${randomBytes(8).toString("hex")}`,
    type: "message",
    role: "assistant",
    model: turn.model,
    content,
    stop_reason: "text" in reply ? "end_turn" : "tool_use",
    stop_sequence: null,
    usage: { input_tokens: usage.input, output_tokens: usage.output },
  };
}

function providerError(dialect: Dialect, status: number): unknown {
  const message = status === 401 ? "invalid x-api-key" : status === 429 ? "rate limited" : `upstream error ${status}`;
  if (dialect === "anthropic") return { type: "error", error: { type: status === 401 ? "authentication_error" : status === 429 ? "rate_limit_error" : "api_error", message } };
  return { error: { message, type: status === 401 ? "invalid_request_error" : "server_error", code: status === 401 ? "invalid_api_key" : null } };
}

function normalise(dialect: Dialect, n: number, headers: IncomingMessage["headers"], body: Record<string, unknown>): FakeTurn {
  const messages: Array<{ role: string; text: string }> = [];
  let hasImage = false;
  const textOf = (content: unknown): string => {
    if (typeof content === "string") return content;
    if (!Array.isArray(content)) return content === null || content === undefined ? "" : JSON.stringify(content);
    return content
      .map((part: Record<string, unknown>) => {
        if (part.type === "text") return String(part.text ?? "");
        if (part.type === "image_url" || part.type === "image") {
          hasImage = true;
          return "[image]";
        }
        if (part.type === "tool_result") return textOf(part.content);
        if (part.type === "tool_use") return `[tool_use ${String(part.name)} ${JSON.stringify(part.input)}]`;
        return "";
      })
      .join("\n");
  };
  if (dialect === "anthropic" && body.system !== undefined) messages.push({ role: "system", text: textOf(body.system) });
  for (const message of (body.messages as Array<Record<string, unknown>> | undefined) ?? []) {
    let text = textOf(message.content);
    const toolCalls = message.tool_calls as Array<{ function: { name: string; arguments: string } }> | undefined;
    if (toolCalls) text += toolCalls.map((c) => `[tool_use ${c.function.name} ${c.function.arguments}]`).join("\n");
    messages.push({ role: String(message.role), text });
  }
  const tools = (body.tools as Array<Record<string, unknown>> | undefined) ?? [];
  const toolNames = tools.map((t) => String(dialect === "openai" ? (t.function as { name: string }).name : t.name));
  // Anthropic's SDK sends x-api-key, or (newer versions) a bearer token like OpenAI's.
  const bearer = headers.authorization?.replace(/^Bearer\s+/i, "");
  const auth = dialect === "anthropic" ? (headers["x-api-key"] ?? bearer) : bearer;
  return {
    dialect,
    n,
    apiKey: typeof auth === "string" ? auth : null,
    model: String(body.model ?? ""),
    messages,
    last: messages.at(-1)?.text ?? "",
    toolNames,
    hasImage,
    headers,
    body,
  };
}
