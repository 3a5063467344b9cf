// An Express endpoint for browserfleet webhooks that accepts only authentic deliveries.
//   BROWSERFLEET_WEBHOOK_SECRET=whsec_… PORT=8080 npx tsx examples/webhook-receiver.ts
// (the secret is GET /v1/webhooks/signing-secret; register http(s)://<this host>:8080/webhooks with POST /v1/webhooks)
import express from "express";
import { verifyWebhook } from "@browserfleet/sdk";

const secret = process.env.BROWSERFLEET_WEBHOOK_SECRET ?? "";
const app = express();
const seen = new Set<string>();

// The raw bytes, not parsed JSON: the signature is over exactly what was sent.
app.post("/webhooks", express.raw({ type: "application/json", limit: "1mb" }), (req, res) => {
  if (!verifyWebhook(req.body as Buffer, req.headers as Record<string, string>, secret)) {
    res.status(401).send("bad signature");
    return;
  }
  const event = JSON.parse((req.body as Buffer).toString("utf8")) as { id: string; type: string; data: Record<string, unknown> };
  // Delivery is at least once: the event id is stable across retries.
  if (!seen.has(event.id)) {
    seen.add(event.id);
    console.log(`${event.type} ${JSON.stringify(event.data)}`);
  }
  res.status(204).end();
});

const server = app.listen(Number(process.env.PORT ?? 8080), "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening on ${typeof address === "object" && address ? address.port : ""}`);
});
