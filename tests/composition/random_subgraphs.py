"""Seeded random subgraph sets for the differential test.

``random_subgraphs``: a User entity owned by one subgraph and extended by the others, with
shared fields whose types, arguments, descriptions, tags, deprecations and enum values
vary, plus @requires on externals. ``random_product_subgraphs``: a Product entity moved
between subgraphs with @override (labelled from 2.7), @requires, @provides, unions,
interfaces and input types, some subgraphs in Federation 1.
``random_reachability_subgraphs``: linked entity and value types for satisfiability.
``random_interface_subgraphs``: entity interfaces and @interfaceObject.
``random_directive_subgraphs``: descriptions and merged directives on every kind of
element. Most sets compose; the others fail in ways both composers must agree on."""

from __future__ import annotations

import random
from collections.abc import Callable

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


def _subgraph_set(seed: int, make: Callable[[random.Random, str, str], str]) -> list[SubgraphSDL]:
    """Two or three subgraphs, one of them the owner of the entities, each made by ``make``."""
    rng = random.Random(seed)
    names = ["a", "b", "c"][: rng.randint(2, 3)]
    owner = rng.choice(names)
    return [
        SubgraphSDL(name, f"http://{name}.example/graphql", make(rng, name, owner))
        for name in names
    ]


def random_subgraphs(seed: int) -> list[SubgraphSDL]:
    return _subgraph_set(seed, _subgraph)


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


def random_product_subgraphs(seed: int) -> list[SubgraphSDL]:
    return _subgraph_set(
        seed,
        lambda rng, name, owner: (
            _fed1_product(rng, name, owner) if rng.random() < 0.3 else _product(rng, name, owner)
        ),
    )


def _product(rng: random.Random, name: str, owner: str) -> str:
    version = rng.choice(VERSIONS[1:])
    lines = [
        f'extend schema @link(url: "https://specs.apollo.dev/federation/v{version}", '
        f'import: {IMPORTS[:-1]}, "@interfaceObject"])'
    ]
    fields = ["  id: ID!"]
    if name == owner:
        fields += ["  title: String! @shareable", "  price: Int", "  weight: Float"]
    else:
        roll = rng.random()
        if roll < 0.3:
            label = ""
            if version in ("2.7", "2.9") and rng.random() < 0.5:
                label = f', label: "percent({rng.randint(1, 99)})"'
            fields.append(f'  price: Int @override(from: "{owner}"{label})')
        elif roll < 0.5:
            fields += ["  weight: Float @external", '  shipping: Int @requires(fields: "weight")']
        elif roll < 0.7:
            fields.append("  title: String! @external @shareable")
        if rng.random() < 0.4:
            fields.append(f"  extra_{name}(filter: Filter): [Review!]")
    keys = ['@key(fields: "id")']
    if rng.random() < 0.2:
        keys.append(
            '@key(fields: "id title")' if name == owner else '@key(fields: "id", resolvable: false)'
        )
    implements = "implements Priced " if rng.random() < 0.4 else ""
    lines.append(f"type Product {implements}{' '.join(keys)} {{\n" + "\n".join(fields) + "\n}")
    if implements:
        lines.append("interface Priced { id: ID! }")
    lines.append("type Review @shareable { stars: Int " + rng.choice(["", "body: String"]) + " }")
    lines.append(
        "input Filter { "
        + rng.choice(
            ["min: Int", "min: Int max: Int", "min: Int! max: Int", "min: Int max: Int = 5"]
        )
        + " }"
    )
    union = rng.random() < 0.5
    if union:
        lines.append("union Item = Product" + rng.choice(["", " | Review"]))
    query = []
    if name == owner or rng.random() < 0.5:
        query.append(f"  product_{name}(id: ID!): Product")
    if rng.random() < 0.5:
        provides = ' @provides(fields: "title")' if "title: String! @external" in fields[-1] else ""
        query.append(f"  top_{name}: [Product]{provides}")
    if union and rng.random() < 0.3:
        query.append(f"  items_{name}: [Item]")
    if query:
        lines.append("type Query {\n" + "\n".join(query) + "\n}")
    return "\n".join(lines) + "\n"


def _fed1_product(rng: random.Random, name: str, owner: str) -> str:
    if name == owner:
        lines = [
            'type Product @key(fields: "id") { id: ID! title: String price: Int weight: Float '
            "dims: Dims }"
        ]
    else:
        fields = ["id: ID! @external"]
        if rng.random() < 0.5:
            fields += ["weight: Float @external", 'shipping: Int @requires(fields: "weight")']
        if rng.random() < 0.3:
            fields.append("title: String @external")
        if rng.random() < 0.4:
            fields.append(f"own_{name}: Int")
        if rng.random() < 0.3:
            fields.append("dims: Dims")
        keyword = rng.choice(["extend type Product", "type Product @extends"])
        lines = [f'{keyword} @key(fields: "id") {{ ' + " ".join(fields) + " }"]
    lines.append("type Dims { w: Int " + rng.choice(["", "h: Int"]) + " }")
    query = []
    if rng.random() < 0.6:
        query.append(f"product_{name}(id: ID!): Product")
    if rng.random() < 0.4:
        query.append("version: String")
    if rng.random() < 0.3 and "title: String @external" in lines[0]:
        query.append(f'top_{name}: [Product] @provides(fields: "title")')
    if query:
        lines.append("extend type Query { " + " ".join(query) + " }")
    return "\n".join(lines) + "\n"


def random_reachability_subgraphs(seed: int) -> list[SubgraphSDL]:
    """Two types linked to each other, each an entity (key resolvable or not, on one of two
    fields) or a value type per subgraph, fields spread over subgraphs: mostly sets where
    some field cannot be reached, for the satisfiability check."""
    return _subgraph_set(seed, lambda rng, name, _owner: _reachability(rng, name))


def _reachability(rng: random.Random, name: str) -> str:
    lines = [
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
        'import: ["@key", "@shareable"])'
    ]
    for type_name, other in (("T", "U"), ("U", "T")):
        key = rng.choice(
            [
                '@key(fields: "id")',
                '@key(fields: "id", resolvable: false)',
                '@key(fields: "code")',
                "@shareable",
                "",
            ]
        )
        fields = ["  id: ID! @shareable"]
        if "code" in key or rng.random() < 0.3:
            fields.append("  code: String! @shareable")
        fields += [
            f"  {f}_{type_name}: Int @shareable"
            for f in rng.sample(["x", "y", "z"], rng.randint(0, 2))
        ]
        if rng.random() < 0.4:
            fields.append(f"  link: {other} @shareable")
        lines.append(f"type {type_name} {key} {{\n" + "\n".join(fields) + "\n}")
    query = []
    if rng.random() < 0.7:
        query.append(f"  t_{name}: T")
    if rng.random() < 0.4:
        query.append(f"  u_{name}: U")
    if rng.random() < 0.3:
        query.append("  shared: T @shareable")
    if query:
        lines.append("type Query {\n" + "\n".join(query) + "\n}")
    return "\n".join(lines) + "\n"


def random_interface_subgraphs(seed: int) -> list[SubgraphSDL]:
    """An entity interface with one to three implementations in its owner; other subgraphs
    add fields through @interfaceObject (some with a resolvable: false key) or extend one
    implementation; @inaccessible sprinkled over fields."""
    return _subgraph_set(seed, _interface)


def _interface(rng: random.Random, name: str, owner: str) -> str:
    version = rng.choice(["2.3", "2.5", "2.8"])
    lines = [
        f'extend schema @link(url: "https://specs.apollo.dev/federation/v{version}", '
        'import: ["@key", "@shareable", "@interfaceObject", "@inaccessible", "@tag"])'
    ]

    def hidden() -> str:
        return " @inaccessible" if rng.random() < 0.08 else ""

    if name == owner:
        lines.append(f'interface Media @key(fields: "id") {{ id: ID! title: String{hidden()} }}')
        for impl in rng.sample(["Book", "Movie", "Song"], rng.randint(1, 3)):
            lines.append(
                f'type {impl} implements Media @key(fields: "id") '
                f"{{ id: ID! title: String{hidden()} {impl.lower()}Only: Int }}"
            )
        one = "one(id: ID!): Media" if rng.random() < 0.5 else ""
        lines.append(f"type Query {{ media: [Media] {one} }}")
    elif rng.random() < 0.7:
        resolvable = ", resolvable: false" if rng.random() < 0.2 else ""
        extra = rng.sample(
            [f"rating_{name}: Int", "score: Float @shareable", f"tags_{name}: [String]"],
            rng.randint(1, 2),
        )
        fields = " ".join(e + hidden() for e in extra)
        lines.append(
            f'type Media @key(fields: "id"{resolvable}) @interfaceObject {{ id: ID! {fields} }}'
        )
        if rng.random() < 0.5:
            lines.append(f"type Query {{ top_{name}: [Media] }}")
    else:
        lines.append(f'type Book @key(fields: "id") {{ id: ID! sales_{name}: Int }}')
        if rng.random() < 0.5:
            lines.append(f"type Query {{ books_{name}: [Book] }}")
    return "\n".join(lines) + "\n"


def random_directive_subgraphs(seed: int) -> list[SubgraphSDL]:
    """The same types in every subgraph, each carrying a random mix of descriptions, @tag,
    @deprecated, @specifiedBy and access-control directives (on the implementations of an
    interface too): probes how they merge, what the interface gets, and in which order the
    supergraph prints them."""
    return _subgraph_set(seed, lambda rng, _name, _owner: _directives(rng))


def _directives(rng: random.Random) -> str:
    version = rng.choice(["2.5", "2.6"])
    policy = ', "@policy"' if version == "2.6" else ""
    lines = [
        f'extend schema @link(url: "https://specs.apollo.dev/federation/v{version}", '
        f'import: ["@key", "@shareable", "@tag", "@authenticated", "@requiresScopes"{policy}])'
    ]

    def applied(kinds: list[str]) -> str:
        out = []
        for kind in rng.sample(kinds, rng.randint(0, min(2, len(kinds)))):
            if kind == "tag":
                out.append(f'@tag(name: "{rng.choice("abc")}")')
            elif kind == "auth":
                out.append("@authenticated")
            elif kind == "scopes":
                out.append(f"@requiresScopes(scopes: {alternatives('xyz')})")
            elif kind == "policy" and policy:
                out.append(f"@policy(policies: {alternatives('pqr')})")
            elif kind == "deprecated":
                out.append(f'@deprecated(reason: "{rng.choice(["old", "gone"])}")')
        return " ".join(out)

    def alternatives(names: str) -> str:
        """One to three alternatives of one or two names each (an OR of ANDs)."""
        chosen = [rng.sample(names, rng.randint(1, 2)) for _ in range(rng.randint(1, 3))]
        return "[" + ", ".join("[" + ", ".join(f'"{n}"' for n in c) + "]" for c in chosen) + "]"

    def described() -> str:
        return f'"{rng.choice(["Alpha", "Beta", "multi-line"])}" ' if rng.random() < 0.3 else ""

    specified = ' @specifiedBy(url: "https://example.com/date")' if rng.random() < 0.5 else ""
    lines += [
        f"{described()}scalar Date {applied(['tag', 'auth', 'scopes'])}{specified}",
        f"{described()}enum Color {applied(['tag', 'auth'])} "
        f"{{ {described()}RED {applied(['tag', 'deprecated'])} GREEN {applied(['tag'])} }}",
        f'{described()}type User @key(fields: "id") {applied(["tag", "auth", "scopes", "policy"])} '
        f"{{ id: ID! {described()}name: String @shareable "
        f"{applied(['tag', 'auth', 'scopes', 'policy', 'deprecated'])} "
        "born: Date @shareable color: Color @shareable }",
        f"{described()}interface Node {applied(['tag'])} {{ id: ID! label: String }}",
        # Implementations' requirements are the interface's too.
        f"type Doc implements Node @shareable {applied(['auth', 'scopes', 'policy'])} "
        f"{{ id: ID! label: String {applied(['tag', 'auth', 'scopes', 'policy'])} }}",
        f"type Page implements Node @shareable {applied(['auth', 'scopes', 'policy'])} "
        f"{{ id: ID! label: String {applied(['scopes', 'policy'])} }}",
        f"{described()}union Thing {applied(['tag'])} = User | Doc",
        f"type Query {{ me: User @shareable {applied(['tag', 'auth'])} "
        "things: [Thing] @shareable node: Node @shareable }",
    ]
    return "\n".join(lines) + "\n"
