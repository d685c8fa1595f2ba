// Print the API schema Apollo derives from each supergraph, sorted, for comparison with ours.
// With @defer declared, as Apollo Router serves it.
//
// stdin: [PATH, ...]   stdout: [SDL | {"error": MESSAGE}, ...] in the same order.
// Supergraphs are read with Apollo Router's feature set: the default (the JS gateway's) refuses
// https://specs.apollo.dev/context/v0.1, which @context/@fromContext supergraphs link.
import { readFileSync } from "node:fs";
import { ROUTER_SUPPORTED_SUPERGRAPH_FEATURES, Supergraph } from "@apollo/federation-internals";
import { lexicographicSortSchema, printSchema } from "graphql";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const paths = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const results = paths.map((path) => {
  try {
    const supergraph = Supergraph.build(readFileSync(path, "utf8"), {
      supportedFeatures: ROUTER_SUPPORTED_SUPERGRAPH_FEATURES,
    });
    return printSchema(lexicographicSortSchema(supergraph.apiSchema().toGraphQLJSSchema({ includeDefer: true })));
  } catch (error) {
    return { error: String(error?.message ?? error) };
  }
});
process.stdout.write(JSON.stringify(results));
