// Validates Kubernetes manifests (YAML, several documents a file) offline against the Kubernetes API's own JSON
// schemas, as kubernetes-models ships them (built-in kinds), and the Prometheus Operator's (ServiceMonitor, …).
// Every document's apiVersion and kind must name a known model; every document must pass its schema (types,
// required fields, formats). Exit status 1 when any document is invalid, 2 on a usage error.
import { parseAllDocuments } from "yaml";
import { readFileSync } from "node:fs";

// The packages of the API groups that are not built in; "v1" is the core group, "apps/v1" a group and its version.
const PACKAGES = { "monitoring.coreos.com": "@kubernetes-models/prometheus-operator" };

async function models(apiVersion) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : [null, apiVersion];
  const path = `${PACKAGES[group] ?? "kubernetes-models"}/${group ? `${group}/` : ""}${version}`;
  try {
    return await import(path);
  } catch {
    return null;
  }
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs MANIFEST.yaml...");
  process.exit(2);
}
let invalid = 0;
for (const file of files) {
  const documents = parseAllDocuments(readFileSync(file, "utf8"));
  for (const [index, document] of documents.entries()) {
    const where = `${file}#${index + 1}`;
    if (document.errors.length > 0) {
      invalid++;
      console.log(`${where}: INVALID YAML ${document.errors.map((e) => e.message).join("; ")}`);
      continue;
    }
    const manifest = document.toJS();
    const name = `${manifest?.kind}/${manifest?.metadata?.name}`;
    const module = manifest?.apiVersion ? await models(manifest.apiVersion) : null;
    const Model = module?.[manifest?.kind];
    if (typeof Model !== "function") {
      invalid++;
      console.log(`${where} ${name}: INVALID no schema for apiVersion ${manifest?.apiVersion}, kind ${manifest?.kind}`);
      continue;
    }
    try {
      new Model(manifest).validate();
      console.log(`${where} ${name}: valid`);
    } catch (e) {
      invalid++;
      console.log(`${where} ${name}: INVALID`);
      for (const error of e.errors ?? [{ message: e.message }]) {
        console.log(`  ${error.instancePath || "/"} ${error.message} ${JSON.stringify(error.params ?? {})}`);
      }
    }
  }
}
process.exit(invalid ? 1 : 0);
