"""Seeded random subgraph sets for the differential test: a User entity owned by one
subgraph and extended by the others, with shared fields whose types, arguments,
descriptions, tags, deprecations and enum values vary, plus @requires on externals.
Most of them compose; the others fail in ways both composers must agree on."""

from __future__ import annotations

import random

from composition import SubgraphSDL

VERSIONS = ("2.0", "2.3", "2.5", "2.7", "2.9")
FIELD_TYPES = {
    "name": "String",
    "age": "Int",
    "bio": "String",
    "score": "Float",
    "color": "Color",
    "pet": "Pet",
    "tags": "[String!]",
}
IMPORTS = '["@key", "@shareable", "@external", "@requires", "@provides", "@override", "@inaccessible", "@tag"]'


def random_subgraphs(seed: int) -> list[SubgraphSDL]:
    rng = random.Random(seed)
    names = ["a", "b", "c"][: rng.randint(2, 3)]
    owner = rng.choice(names)
    return [
        SubgraphSDL(name, f"http://{name}.example/graphql", _subgraph(rng, name, owner))
        for name in names
    ]


def _field(rng: random.Random, name: str) -> str:
    field_type = FIELD_TYPES[name]
    if rng.random() < 0.3 and not field_type.startswith("["):
        field_type += "!"
    directives = ["@shareable"]
    if rng.random() < 0.15:
        directives.append(f'@tag(name: "t{rng.randint(1, 2)}")')
    if rng.random() < 0.05:
        directives.append("@inaccessible")
    if rng.random() < 0.1 and name != "color":
        directives.append('@deprecated(reason: "old")')
    arguments = rng.choice(["(x: Int)", "(x: Int = 1)", "(c: Color)"]) if rng.random() < 0.2 else ""
    description = f'"desc {rng.randint(1, 2)}" ' if rng.random() < 0.2 else ""
    return f"  {description}{name}{arguments}: {field_type} {' '.join(directives)}"


def _subgraph(rng: random.Random, name: str, owner: str) -> str:
    version = rng.choice(VERSIONS)
    lines = [
        f'extend schema @link(url: "https://specs.apollo.dev/federation/v{version}", import: {IMPORTS})'
    ]
    fields = ["  id: ID!"]
    if name == owner:
        fields.append(f"  ext_{owner}: String")
    fields += [_field(rng, f) for f in rng.sample(list(FIELD_TYPES), rng.randint(1, 4))]
    if rng.random() < 0.3:
        fields.append(f"  own_{name}: String")
    if rng.random() < 0.2 and name != owner:
        fields.append(f"  ext_{owner}: String @external")
        fields.append(f'  req_{name}: String @requires(fields: "ext_{owner}")')
    key = '@key(fields: "id")' if rng.random() < 0.9 else '@key(fields: "id", resolvable: false)'
    keyword = "extend type" if rng.random() < 0.2 else "type"
    lines.append(f"{keyword} User {key} {{\n" + "\n".join(fields) + "\n}")
    colors = (
        ["RED", "GREEN", "BLUE"] if rng.random() < 0.6 else rng.sample(["RED", "GREEN", "BLUE"], 2)
    )
    lines.append("enum Color { " + " ".join(colors) + " }")
    lines.append("type Pet @shareable { kind: String legs: Int }")
    if rng.random() < 0.3:
        lines.append("interface Named { name: String }")
    query = ["  me: User @shareable", f"  user_{name}(id: ID!): User"]
    if rng.random() < 0.3:
        query.append("  pets(color: Color): [Pet] @shareable")
    lines.append("type Query {\n" + "\n".join(query) + "\n}")
    return "\n".join(lines) + "\n"
