// The verify-only GitHub webhook receiver ingest is measured against: octokit's own Node.js middleware, which reads
// the body, checks X-Hub-Signature-256, parses the JSON and answers 200 — and writes nothing anywhere.
// Usage: node receiver.mjs <secret>   (listens on a free port of 127.0.0.1 and prints "listening <port>")
import { createServer } from "node:http";
import { Webhooks, createNodeMiddleware } from "@octokit/webhooks";

const secret = process.argv[2];
if (!secret) {
  console.error("usage: node receiver.mjs <secret>");
  process.exit(2);
}
const webhooks = new Webhooks({ secret });
let received = 0;
webhooks.onAny(() => {
  received++;
});
const middleware = createNodeMiddleware(webhooks, { path: "/webhooks/github" });
const server = createServer(async (req, res) => {
  if (await middleware(req, res)) return;
  res.writeHead(404);
  res.end();
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => console.log("listening " + server.address().port));
process.on("SIGTERM", () => {
  console.log("received " + received);
  process.exit(0);
});
