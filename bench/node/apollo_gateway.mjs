// Apollo Gateway (@apollo/gateway + @apollo/server) on 127.0.0.1 for the router benchmark.
// argv: SUPERGRAPH_PATH PORT   stdout: "ready" once listening. Exits when stdin closes.
import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { ApolloGateway } from "@apollo/gateway";

const [supergraphPath, port] = process.argv.slice(2);
const gateway = new ApolloGateway({ supergraphSdl: readFileSync(supergraphPath, "utf8") });
const server = new ApolloServer({ gateway, includeStacktraceInErrorResponses: false });
await startStandaloneServer(server, { listen: { host: "127.0.0.1", port: Number(port) } });
process.stdout.write("ready\n");

process.stdin.resume();
process.stdin.on("end", async () => {
  await server.stop();
  process.exit(0);
});
