// Validate subgraph operations against the subgraph schemas Apollo extracts from a supergraph.
//
// stdin:  [{"supergraph": PATH, "service": NAME, "operation": TEXT}, ...]
// stdout: [[MESSAGE, ...], ...] in the same order (empty when valid).
// Supergraphs are read with Apollo Router's feature set: the default (the JS gateway's) refuses
// https://specs.apollo.dev/context/v0.1, which @context/@fromContext supergraphs link.
import { readFileSync } from "node:fs";
import { ROUTER_SUPPORTED_SUPERGRAPH_FEATURES, Supergraph } from "@apollo/federation-internals";
import { parse, validate } from "graphql";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const fetches = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const schemas = new Map();

function subgraphSchema(path, service) {
  const key = `${path}\u0000${service}`;
  if (!schemas.has(key)) {
    const supergraph = Supergraph.build(readFileSync(path, "utf8"), {
      supportedFeatures: ROUTER_SUPPORTED_SUPERGRAPH_FEATURES,
    });
    for (const subgraph of supergraph.subgraphs()) {
      schemas.set(`${path}\u0000${subgraph.name}`, subgraph.schema.toGraphQLJSSchema());
    }
  }
  return schemas.get(key);
}

const results = fetches.map(({ supergraph, service, operation }) => {
  try {
    const schema = subgraphSchema(supergraph, service);
    if (!schema) return [`no subgraph named ${service}`];
    return validate(schema, parse(operation)).map((error) => error.message);
  } catch (error) {
    return [String(error?.message ?? error)];
  }
});
process.stdout.write(JSON.stringify(results));
