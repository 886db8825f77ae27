// Signs or verifies a body with @octokit/webhooks-methods, for SignatureInteropIT.
//   node webhooks-methods.mjs sign SECRET BODY_FILE            -> prints the X-Hub-Signature-256 value
//   node webhooks-methods.mjs verify SECRET BODY_FILE SIGNATURE -> prints true or false
import { readFileSync } from "node:fs";
import { sign, verify } from "@octokit/webhooks-methods";

const [command, secret, file, signature] = process.argv.slice(2);
const body = readFileSync(file, "utf8");
if (command === "sign") {
  console.log(await sign(secret, body));
} else if (command === "verify") {
  console.log(await verify(secret, body, signature));
} else {
  console.error("usage: sign SECRET FILE | verify SECRET FILE SIGNATURE");
  process.exit(2);
}
