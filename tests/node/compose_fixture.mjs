// Compose planner fixture subgraphs into supergraphs with Apollo's composition.
//
//   node compose_fixture.mjs DIR...   composes DIR/subgraphs/NAME.graphql into
//                                     DIR/supergraph.graphql (url http://NAME)
//   node compose_fixture.mjs < JSON   {"subgraphs": [{"name", "url", "sdl"}]} → SDL on stdout
//
// Exits 1 with the composition errors on stderr.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";

function compose(subgraphs, label) {
  const result = composeServices(
    subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })),
  );
  if (result.errors) {
    for (const error of result.errors) process.stderr.write(`${label}: ${error.message}\n`);
    process.exit(1);
  }
  return result.supergraphSdl;
}

const dirs = process.argv.slice(2);
if (dirs.length) {
  for (const dir of dirs) {
    const folder = join(dir, "subgraphs");
    const subgraphs = readdirSync(folder)
      .filter((file) => file.endsWith(".graphql"))
      .sort()
      .map((file) => {
        const name = file.slice(0, -".graphql".length);
        return { name, url: `http://${name}`, sdl: readFileSync(join(folder, file), "utf8") };
      });
    writeFileSync(join(dir, "supergraph.graphql"), `${compose(subgraphs, dir)}\n`);
  }
} else {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const { subgraphs } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  process.stdout.write(compose(subgraphs, "stdin"));
}
