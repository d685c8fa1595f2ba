"""Which spec features a supergraph links (``@link`` or Federation 1 ``@core``), and their names.

A feature's elements are named with a prefix (``join__type``) or, for its own
directive, the bare name (``@inaccessible``); ``as:`` renames the prefix and
``import:`` can bring directives in under other names. Like Apollo's, the
API schema drops every element of every linked feature: join and link
machinery, security annotations, and directives a subgraph composed in.

A link ``for: SECURITY`` or ``for: EXECUTION`` says that serving the schema
without understanding the feature would be wrong (protected fields handed
to anyone, say), so, as the core schema specification requires and
Apollo's gateway does, a supergraph using such a feature this router does not
implement is refused, naming it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from router.supergraph.errors import UnsupportedSupergraphError
from router.supergraph.sdl_reader import Directive, EnumLiteral

# Features linked for SECURITY or EXECUTION that this router implements.
SUPPORTED_PURPOSEFUL = frozenset(
    {"join", "inaccessible", "context", "authenticated", "requiresScopes", "policy"}
)
_PURPOSES = ("SECURITY", "EXECUTION")

_SPEC_URL = re.compile(r"/(?P<name>[A-Za-z_][\w-]*)/v(?P<major>\d+)\.(?P<minor>\d+)/?$")


@dataclass(frozen=True, slots=True)
class Feature:
    name: str
    version: tuple[int, int]
    prefix: str
    imports: dict[str, str]

    def directive(self, name: str) -> str:
        """The name under which this feature's directive ``name`` appears in the SDL."""
        if name in self.imports:
            return self.imports[name]
        if name == self.name:
            return self.prefix
        return f"{self.prefix}__{name}"


def read_features(schema_directives: list[Directive]) -> dict[str, Feature]:
    features: dict[str, Feature] = {}
    unsupported: list[str] = []
    for directive in schema_directives:
        if directive.name in ("link", "core"):
            url = directive.arguments.get("url") or directive.arguments.get("feature")
            if not isinstance(url, str):
                continue
            match = _SPEC_URL.search(url)
            if match is None:
                continue
            name = match["name"]
            alias = directive.arguments.get("as")
            prefix = alias if isinstance(alias, str) else name
            version = (int(match["major"]), int(match["minor"]))
            features[name] = Feature(name, version, prefix, _imports(directive))
            purpose = directive.arguments.get("for")
            if (
                isinstance(purpose, EnumLiteral)
                and purpose.name in _PURPOSES
                and name not in SUPPORTED_PURPOSEFUL
            ):
                unsupported.append(f"{url} (for: {purpose.name})")
    if "join" not in features:
        raise UnsupportedSupergraphError(
            "this SDL links no join spec (https://specs.apollo.dev/join): "
            "it is a subgraph schema, not a supergraph; compose it first"
        )
    if unsupported:
        raise UnsupportedSupergraphError(
            "the supergraph links features this router does not implement, and serving it "
            "without them would be wrong:\n  " + "\n  ".join(unsupported)
        )
    if features["join"].version[0] != 0 or features["join"].version[1] > 5:
        raise UnsupportedSupergraphError(
            f"join spec v{features['join'].version[0]}.{features['join'].version[1]} is not "
            "supported (v0.1 to v0.5 are)"
        )
    return features


def _imports(directive: Directive) -> dict[str, str]:
    imports: dict[str, str] = {}
    raw = directive.arguments.get("import")
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, str):
            imports[item.lstrip("@")] = item.lstrip("@")
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            name = str(item["name"]).lstrip("@")
            imports[name] = str(item.get("as", item["name"])).lstrip("@")
    return imports


def machinery_names(features: dict[str, Feature]) -> tuple[frozenset[str], tuple[str, ...]]:
    """Directive names and type-name prefixes that belong to linked features."""
    directives: set[str] = set()
    prefixes: list[str] = []
    for feature in features.values():
        directives.add(feature.prefix)
        directives.update(feature.imports.values())
        prefixes.append(f"{feature.prefix}__")
    return frozenset(directives), tuple(prefixes)
