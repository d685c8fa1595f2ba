// Compose Federation 1 subgraph SDL (`extend type ... @key`, `@external`, no `@shareable`) into a
// supergraph the way Apollo's composers of that time printed it.
//
//   node compose_fed1.mjs join-v0.1 < JSON   @apollo/federation 0.38 composeAndValidate:
//                                            @core v0.2 + join v0.1, @join__owner
//   node compose_fed1.mjs join-v0.2 < JSON   @apollo/composition 2.0.0-alpha.4 on Fed1 subgraphs:
//                                            @core v0.2 + join v0.2, @join__type(extension: true)
//
// stdin: {"subgraphs": [{"name", "url", "sdl"}]}   stdout: the supergraph SDL.
// Exits 1 with the composition errors on stderr.
import { composeAndValidate } from "@apollo/federation";
import { composeServices } from "apollo-composition-2.0.0-alpha.4";
import { parse } from "graphql";

const composers = {
  "join-v0.1": (services) => composeAndValidate(services),
  "join-v0.2": (services) => composeServices(services),
};

const composer = composers[process.argv[2]];
if (!composer) {
  process.stderr.write(`usage: compose_fed1.mjs ${Object.keys(composers).join(" | ")} < JSON\n`);
  process.exit(2);
}
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { subgraphs } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const result = composer(subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })));
if (result.errors && result.errors.length) {
  for (const error of result.errors) process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
process.stdout.write(result.supergraphSdl);
