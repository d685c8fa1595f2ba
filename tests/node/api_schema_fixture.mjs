// Print the API schema Apollo derives from each supergraph, sorted, for comparison with ours.
// With @defer declared, as Apollo Router serves it.
//
// stdin: [PATH, ...]   stdout: [SDL | {"error": MESSAGE}, ...] in the same order.
import { readFileSync } from "node:fs";
import { Supergraph } from "@apollo/federation-internals";
import { lexicographicSortSchema, printSchema } from "graphql";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const paths = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const results = paths.map((path) => {
  try {
    const supergraph = Supergraph.build(readFileSync(path, "utf8"));
    return printSchema(lexicographicSortSchema(supergraph.apiSchema().toGraphQLJSSchema({ includeDefer: true })));
  } catch (error) {
    return { error: String(error?.message ?? error) };
  }
});
process.stdout.write(JSON.stringify(results));
