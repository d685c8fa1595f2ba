// The four subgraphs of the standard federation benchmark, served from one Node process.
// argv: BASE_PORT  (accounts BASE, products BASE+1, reviews BASE+2, inventory BASE+3), 127.0.0.1 only.
// POST /graphql answers GraphQL; GET /count returns {"requests": N} for that subgraph.
// The SDLs are bench/federation/subgraphs/*.graphql (also composed into supergraph.graphql).
// Documents are parsed and validated once and cached, so the subgraphs stay cheap and are
// identical for every gateway. Exits when stdin closes.
import { createServer } from "node:http";
import { parse, validate, execute } from "graphql";
import { readFileSync } from "node:fs";
import { buildSubgraphSchema } from "@apollo/subgraph";

// Deterministic data: USERS users, PRODUCTS products, REVIEWS reviews spread evenly.
const USERS = 8;
const PRODUCTS = 6;
const REVIEWS = 24;
const WORDS = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima".split(" ");
const body = (i) =>
  Array.from({ length: 8 + (i % 5) }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]).join(" ");

const users = Array.from({ length: USERS }, (_, i) => ({
  id: String(i + 1),
  name: `User ${i + 1}`,
  username: `user${i + 1}`,
}));
const products = Array.from({ length: PRODUCTS }, (_, i) => ({
  upc: String(i + 1),
  name: `Product ${i + 1}`,
  price: 300 + ((i * 479) % 1500),
  weight: 50 + ((i * 37) % 200),
}));
const reviews = Array.from({ length: REVIEWS }, (_, i) => ({
  id: String(i + 1),
  body: body(i),
  authorId: String((i % USERS) + 1),
  upc: String(((i * 5) % PRODUCTS) + 1),
}));
const inventory = new Map(products.map((p, i) => [p.upc, i % 3 !== 2]));

const sdl = (name) =>
  parse(readFileSync(new URL(`../federation/subgraphs/${name}.graphql`, import.meta.url), "utf8"));

const accounts = buildSubgraphSchema({
  typeDefs: sdl("accounts"),
  resolvers: {
    Query: { me: () => users[0], users: () => users },
    User: { __resolveReference: (ref) => users.find((u) => u.id === ref.id) ?? null },
  },
});

const productsSchema = buildSubgraphSchema({
  typeDefs: sdl("products"),
  resolvers: {
    Query: { topProducts: (_, { first }) => products.slice(0, first) },
    Product: { __resolveReference: (ref) => products.find((p) => p.upc === ref.upc) ?? null },
  },
});

const reviewsSchema = buildSubgraphSchema({
  typeDefs: sdl("reviews"),
  resolvers: {
    Review: {
      author: (review) => ({ __typename: "User", id: review.authorId }),
      product: (review) => ({ __typename: "Product", upc: review.upc }),
    },
    User: {
      __resolveReference: (ref) => ({ id: ref.id }),
      reviews: (user) => reviews.filter((r) => r.authorId === user.id),
    },
    Product: {
      __resolveReference: (ref) => ({ upc: ref.upc }),
      reviews: (product) => reviews.filter((r) => r.upc === product.upc),
    },
  },
});

const inventorySchema = buildSubgraphSchema({
  typeDefs: sdl("inventory"),
  resolvers: {
    Product: {
      __resolveReference: (ref) => ({ ...ref, inStock: inventory.get(ref.upc) ?? false }),
      shippingEstimate: (p) => (p.price > 1000 ? 0 : Math.round(p.weight * 0.5)),
    },
  },
});

const SUBGRAPHS = [
  ["accounts", accounts],
  ["products", productsSchema],
  ["reviews", reviewsSchema],
  ["inventory", inventorySchema],
];

function serve(name, schema, port) {
  const documents = new Map();
  let requests = 0;
  const server = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/count") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ requests }));
      return;
    }
    if (req.method !== "POST") {
      res.writeHead(405);
      res.end();
      return;
    }
    requests += 1;
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      let payload;
      try {
        const { query, variables, operationName } = JSON.parse(Buffer.concat(chunks).toString());
        let document = documents.get(query);
        if (document === undefined) {
          document = parse(query);
          const errors = validate(schema, document);
          if (errors.length) throw new Error(errors.map((e) => e.message).join("; "));
          documents.set(query, document);
        }
        payload = await execute({ schema, document, variableValues: variables, operationName });
      } catch (err) {
        payload = { errors: [{ message: String(err.message ?? err) }] };
      }
      const text = JSON.stringify(payload);
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(text),
      });
      res.end(text);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(port, "127.0.0.1");
  return server;
}

const base = Number(process.argv[2] ?? 4201);
const servers = SUBGRAPHS.map(([name, schema], i) => serve(name, schema, base + i));
process.stdout.write("ready\n");
process.stdin.resume();
process.stdin.on("end", () => {
  for (const s of servers) s.close();
  process.exit(0);
});
