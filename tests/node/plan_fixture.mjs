// Plan fixture operations with Apollo's query planner, for comparison with ours.
//
// stdin:  [{"supergraph": PATH, "query": TEXT, "operationName": NAME|null}, ...]
// Planned with @defer enabled, as Apollo Router plans.
// stdout: [{"fetches": N, "plan": TEXT} | {"error": MESSAGE}, ...] in the same order.
// Supergraphs are read with Apollo Router's feature set: the default (the JS gateway's) refuses
// https://specs.apollo.dev/context/v0.1, which @context/@fromContext supergraphs link.
import { readFileSync } from "node:fs";
import {
  ROUTER_SUPPORTED_SUPERGRAPH_FEATURES,
  Supergraph,
  operationFromDocument,
} from "@apollo/federation-internals";
import { QueryPlanner, prettyFormatQueryPlan } from "@apollo/query-planner";
import { parse } from "graphql";

function countFetches(node) {
  if (!node) return 0;
  switch (node.kind) {
    case "Fetch":
      return 1;
    case "Flatten":
      return countFetches(node.node);
    case "Sequence":
    case "Parallel":
      return node.nodes.reduce((sum, child) => sum + countFetches(child), 0);
    case "Condition":
      return countFetches(node.ifClause) + countFetches(node.elseClause);
    case "Subscription":
      return countFetches(node.primary) + countFetches(node.rest);
    case "Defer":
      return (
        countFetches(node.primary?.node) +
        node.deferred.reduce((sum, d) => sum + countFetches(d.node), 0)
      );
    default:
      throw new Error(`unknown plan node ${node.kind}`);
  }
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const cases = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const planners = new Map();
const results = cases.map(({ supergraph: path, query, operationName }) => {
  try {
    if (!planners.has(path)) {
      const supergraph = Supergraph.build(readFileSync(path, "utf8"), {
        supportedFeatures: ROUTER_SUPPORTED_SUPERGRAPH_FEATURES,
      });
      planners.set(path, {
        supergraph,
        planner: new QueryPlanner(supergraph, { incrementalDelivery: { enableDefer: true } }),
      });
    }
    const { supergraph, planner } = planners.get(path);
    const operation = operationFromDocument(supergraph.apiSchema(), parse(query), {
      operationName: operationName ?? undefined,
      validate: true,
    });
    const plan = planner.buildQueryPlan(operation);
    return { fetches: countFetches(plan.node), plan: prettyFormatQueryPlan(plan) };
  } catch (error) {
    return { error: String(error?.message ?? error) };
  }
});
process.stdout.write(JSON.stringify(results));
