// Compose subgraph SDLs with @apollo/composition: the reference the differential tests compare with.
// stdin: {"cases": {"<name>": [{"name": ..., "url": ..., "sdl": ...}, ...]}}
// stdout: {"<name>": {"supergraphSdl": "..."} | {"errors": [{"code": ..., "message": ...}]}}
import { readFileSync } from "node:fs";
import { composeServices } from "@apollo/composition";
import { buildSubgraph } from "@apollo/federation-internals";
import { parse } from "graphql";

function composeCase(subgraphs) {
  try {
    const services = subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) }));
    const result = composeServices(services);
    if (result.errors) {
      return {
        errors: result.errors.map((e) => ({
          code: (e.extensions && e.extensions.code) || "UNKNOWN",
          message: e.message,
        })),
      };
    }
    return { supergraphSdl: result.supergraphSdl };
  } catch (e) {
    return { errors: [{ code: (e.extensions && e.extensions.code) || "UNKNOWN", message: String(e.message || e) }] };
  }
}

const input = JSON.parse(readFileSync(0, "utf8"));
const out = {};
for (const [name, subgraphs] of Object.entries(input.cases)) {
  out[name] = composeCase(subgraphs);
}
process.stdout.write(JSON.stringify(out));
