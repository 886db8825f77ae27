// Signs real GitHub payloads of ingest's test resources the way GitHub does, with GitHub's own Node library, for
// RawSignatureCheckTest (ingest/src/test/resources/github/signed/ORIGIN.md). Usage, here after npm ci:
//   node sign.mjs ../../../ingest/src/test/resources > ../../../ingest/src/test/resources/github/signed/octokit-signatures.json
import { sign, verify } from "@octokit/webhooks-methods";
import { readFileSync } from "node:fs";
import { createHmac } from "node:crypto";
const secret = "a webhook secret, as typed into GitHub: ünïcode too";
const dir = process.argv[2];
const out = [];
for (const file of ["github/hub4j/pull_request.json", "github/hub4j/push.json", "github/hub4j/check-run.json", "github/hub4j/deployment_status.json"]) {
  const body = readFileSync(dir + "/" + file, "utf8");
  const sha256 = await sign(secret, body);
  out.push({ file, sha256, sha1: "sha1=" + createHmac("sha1", secret).update(readFileSync(dir + "/" + file)).digest("hex") });
  if (!(await verify(secret, body, sha256))) throw new Error("octokit does not verify its own");
}
console.log(JSON.stringify({ secret, signedBy: "@octokit/webhooks-methods sign() (sha256), node:crypto HMAC-SHA1 (sha1)", deliveries: out }, null, 2));
