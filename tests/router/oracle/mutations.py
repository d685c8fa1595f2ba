"""Where a split puts the world's mutations.

Each ``Mutation`` field (``setPrice``, ``bumpPrice``, ``rateReview``) gets
one home subgraph, which declares the product or review it returns (a pure
reference where it holds none of its fields): the rest of a mutation's
selection comes from entity fetches to the other subgraphs, after the
mutation ran. A random stream of its own decides the homes, after the rest
of the split, so every earlier cut stays where it was.
"""

from __future__ import annotations

import random

from graphql import GraphQLObjectType, print_ast

from tests.router.oracle.subgraph import FieldDecl, Subgraph


def place_mutations(
    graphs: dict[str, Subgraph], names: list[str], mutation: GraphQLObjectType, seed: int
) -> None:
    """``mutation``'s fields over ``graphs`` (``names``: those that may hold them)."""
    rng = random.Random(f"mutations-{seed}")
    for field_name, field in mutation.fields.items():
        home = graphs[rng.choice(names)]
        arguments = ", ".join(print_ast(a.ast_node) for a in field.args.values())
        returned = str(field.type)
        home.declare("Mutation")[field_name] = FieldDecl(returned, arguments=f"({arguments})")
        home.declare(returned)
        home.unresolvable.discard(returned)
