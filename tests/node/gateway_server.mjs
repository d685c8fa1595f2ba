// Serve a supergraph with Apollo Gateway on an ephemeral 127.0.0.1 port, for differential tests.
// argv: SUPERGRAPH_PATH [URL_OVERRIDES_JSON]   stdout: one line, the server URL.
// Exits when stdin closes, so the test that started it never leaves it behind.
import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";

const [supergraphPath, overridesJson = "{}"] = process.argv.slice(2);
const overrides = JSON.parse(overridesJson);

const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(supergraphPath, "utf8"),
  buildService: ({ name, url }) => new RemoteGraphQLDataSource({ url: overrides[name] ?? url }),
});
const server = new ApolloServer({ gateway, includeStacktraceInErrorResponses: false });
const { url } = await startStandaloneServer(server, { listen: { host: "127.0.0.1", port: 0 } });
process.stdout.write(`${url}\n`);

process.stdin.resume();
process.stdin.on("end", async () => {
  await server.stop();
  process.exit(0);
});
