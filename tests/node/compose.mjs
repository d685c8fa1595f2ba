// Compose subgraph SDLs with @apollo/composition: the reference the differential tests compare with.
// stdin: {"cases": {"<name>": [{"name": ..., "url": ..., "sdl": ...}, ...]}}
// stdout: {"<name>": {"supergraphSdl": "..."} | {"errors": [{"code": ..., "message": ...}]}}
import { readFileSync } from "node:fs";
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";

function parseErrors(subgraphs) {
  // composeServices takes parsed documents: a syntax error is the subgraph's invalid GraphQL.
  const errors = [];
  for (const s of subgraphs) {
    try {
      parse(s.sdl);
    } catch (e) {
      errors.push({ code: "INVALID_GRAPHQL", message: `[${s.name}] ${e.message}` });
    }
  }
  return errors;
}

function composeCase(subgraphs) {
  const syntaxErrors = parseErrors(subgraphs);
  if (syntaxErrors.length > 0) {
    return { errors: syntaxErrors };
  }
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
