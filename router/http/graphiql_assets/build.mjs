// Copy the pinned GraphiQL files from node_modules into ../static/vendor and
// record each package's version and each file's SHA-256 in manifest.json.
// Run after `npm ci` whenever package.json changes; the output is checked in.
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const vendor = join(here, "..", "static", "vendor");

// [package, file inside it, name served under /graphql/static/vendor/]
const FILES = [
  ["react", "umd/react.production.min.js", "react.production.min.js"],
  ["react-dom", "umd/react-dom.production.min.js", "react-dom.production.min.js"],
  ["graphiql", "graphiql.min.js", "graphiql.min.js"],
  ["graphiql", "graphiql.min.css", "graphiql.min.css"],
  ["@graphiql/plugin-explorer", "dist/index.umd.js", "plugin-explorer.umd.js"],
  ["@graphiql/plugin-explorer", "dist/style.css", "plugin-explorer.css"],
  ["graphql-ws", "umd/graphql-ws.min.js", "graphql-ws.min.js"],
];

rmSync(vendor, { recursive: true, force: true });
mkdirSync(vendor, { recursive: true });
const packages = {};
const files = {};
for (const [pkg, source, target] of FILES) {
  const root = join(here, "node_modules", pkg);
  packages[pkg] = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
  copyFileSync(join(root, source), join(vendor, target));
  files[target] = createHash("sha256").update(readFileSync(join(vendor, target))).digest("hex");
}
writeFileSync(join(vendor, "manifest.json"), JSON.stringify({ packages, files }, null, 2) + "\n");
console.log(`copied ${FILES.length} files into ${vendor}`);
