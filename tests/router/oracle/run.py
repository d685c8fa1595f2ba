"""The differential oracle: generated splits behind our router against the monolith.

``python -m tests.router.oracle --splits 3 --operations 10000 --seed 1``
composes each split with Apollo's composition (node, tests/node), serves it
in-process behind the router, and asks the router and the monolith every
generated operation: ``data`` must be identical, errors must be at the same
paths (both have none on this data), and the router's answer must have the
operation's shape (:mod:`.shape`). Prints the figures and each difference.
"""

from __future__ import annotations

import json
import random
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import jwt
from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLResolveInfo,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    parse,
)

from router.http import create_router_app
from router.supergraph import load_supergraph
from tests.router.http.compose import compose_sdls, placeholder_url
from tests.router.http.live_federation import router_config
from tests.router.multipart import ACCEPT, payloads
from tests.router.oracle import world
from tests.router.oracle.access import (
    TOKENS,
    UNAUTHORIZED,
    Requirements,
    Verdict,
    evaluating,
    position,
    requirements,
    unauthorized,
)
from tests.router.oracle.incremental import (
    deferred_at,
    delivery_problems,
    dropping,
    expected_items,
    ordered_like,
    primary,
    rebuild,
    typed,
    untyped,
    without_defer,
)
from tests.router.oracle.serve import OracleTransport, answer, monolith, monolith_resolver
from tests.router.oracle.shape import shape_problems
from tests.router.oracle.splits import split
from tests.router.oracle.subgraph import Subgraph
from tests.router.oracle.writer import WorldWriter

# Read after each mutation, on both sides: everything a mutation may change.
FOLLOW_UP = (
    "{ products { id price shipping offers { total } } reviews { id stars offer { total } } }"
)


class RouterFailed(Exception):
    """The router answered with a server error."""


@dataclass
class Difference:
    split_seed: int
    query: str
    variables: dict[str, Any]
    reason: str
    router: dict[str, Any]
    monolith: dict[str, Any]
    # The scopes of the token the operation was asked with (``None``: no token).
    scopes: frozenset[str] | None = None


@dataclass
class Report:
    splits: int = 0
    operations: int = 0
    invalid: int = 0
    uncomposed: list[str] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)


MONOLITH = monolith()
Asked = tuple[str, dict[str, Any]]
SECRET = "the-oracle-signs-its-own-tokens-with-this"
# Raised by the monolith where the request may not see a field: becomes its null.
_REMOVED = "removed by authorization"


def _headers(scopes: frozenset[str] | None) -> dict[str, str]:
    """A token granting ``scopes`` (``None``: no token at all)."""
    if scopes is None:
        return {}
    claims = {"sub": "u1", "exp": time.time() + 3600, "scope": " ".join(sorted(scopes))}
    return {"authorization": f"Bearer {jwt.encode(claims, SECRET, algorithm='HS256')}"}


def _guarded(verdict: Verdict) -> Any:
    """The monolith's resolver, answering null where ``verdict`` removed the field."""

    def resolve(obj: Any, info: GraphQLResolveInfo, **arguments: Any) -> Any:
        parent = info.parent_type.name
        if all((position(node), parent) in verdict.nulled for node in info.field_nodes):
            raise GraphQLError(_REMOVED)
        return monolith_resolver(obj, info, **arguments)

    return resolve


class Served:
    """One split composed and served behind the router, asked one operation at a time."""

    def __init__(self, subgraphs: Sequence[Subgraph], supergraph: str, client: httpx.AsyncClient):
        self.subgraphs = subgraphs
        self.supergraph = supergraph
        self.api_schema = load_supergraph(supergraph).api_schema
        self.truth = monolith(self.api_schema)
        self.needs: Requirements = requirements(list(subgraphs))
        self.client = client

    async def ask(
        self, query: str, variables: dict[str, Any], scopes: frozenset[str] | None = None
    ) -> tuple[str | None, Any, Any]:
        """(``None`` if the router refused the operation, else the difference found or
        ``""``, the router's answer, the monolith's answer), asked with a token granting
        ``scopes`` (``None``: without a token). A mutation is followed by :data:`FOLLOW_UP`
        on both sides, the world reset before each side and after both (so whatever runs
        next in the process, a test reading the world included, finds it as it starts)."""
        try:
            return await self._ask(query, variables, scopes)
        finally:
            world.reset()

    async def _ask(
        self, query: str, variables: dict[str, Any], scopes: frozenset[str] | None
    ) -> tuple[str | None, Any, Any]:
        document = parse(query)
        world.reset()
        try:
            parts = await self.post(query, variables, scopes)
        except RouterFailed as failed:
            return f"router failed: {failed}", {}, None
        ours, delivered, problems = rebuild(parts)
        unplanned = [e for e in ours.get("errors", ()) if _code(e) == "QUERY_PLANNING_FAILED"]
        if unplanned:
            # A valid operation the planner could not plan.
            return f"planning failed: {unplanned[0]['message']}", ours, None
        if _refused(ours):
            # e.g. one response name for two types under fragments, or too many fields.
            return None, ours, None
        mutation = _is_mutation(document)
        later = await self.post(FOLLOW_UP, {}, scopes) if mutation else None
        world.reset()
        plain = without_defer(document)
        if self.needs:
            truth, plain = await self._truth(
                plain, variables, scopes, deferred_at(document, variables)
            )
        else:
            typed_answer = await answer(
                self.truth, monolith_resolver, "", variables, parsed=typed(document)
            )
            truth = untyped(typed_answer)
            if "errors" not in truth:
                expected = expected_items(
                    self.api_schema, document, variables, typed_answer["data"]
                )
                problems += delivery_problems(expected, delivered)
        if len(parts) > 1:
            problems += shape_problems(
                self.api_schema, primary(document, variables), variables, parts[0]
            )
            ours = {**ours, "data": ordered_like(ours.get("data"), truth.get("data"))}
        # Where the monolith reports errors, a null no longer bubbles past a deferred
        # fragment: the delivery rules only.
        deferred_errors = len(parts) > 1 and "errors" in truth
        reason = "; ".join(problems)
        if not (reason or deferred_errors):
            reason = _compare(ours, truth) or "; ".join(
                shape_problems(self.api_schema, plain, variables, ours)
            )
        if later is not None:
            ours, truth = (
                {"mutation": ours, "after": later[0]},
                {
                    "mutation": truth,
                    "after": (await self._truth(parse(FOLLOW_UP), {}, scopes))[0],
                },
            )
            reason = reason or _compare(ours["after"], truth["after"])
        return reason, ours, truth

    async def post(
        self, query: str, variables: dict[str, Any], scopes: frozenset[str] | None
    ) -> list[dict[str, Any]]:
        """The router's payloads (one, unless it deferred something)."""
        headers = {**_headers(scopes), "accept": ACCEPT}
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        if response.status_code >= 500:
            raise RouterFailed(response.text)
        return payloads(response.headers["content-type"], response.content)

    async def _truth(
        self,
        document: DocumentNode,
        variables: dict[str, Any],
        scopes: frozenset[str] | None,
        deferred: frozenset[int] = frozenset(),
    ) -> tuple[dict[str, Any], DocumentNode]:
        """The monolith's answer to ``document`` (without ``@defer``; ``deferred``: the
        offsets of the fragments the client deferred), less what a request with ``scopes``
        may not see, and the operation it answers: ``document`` less what a removed
        fragment defers, which nothing delivers."""
        verdict = unauthorized(self.truth, document, self.needs, scopes, deferred)
        document = dropping(document, verdict.absent)
        truth = await answer(self.truth, _guarded(verdict), "", variables, parsed=document)
        errors = [e for e in truth.pop("errors", []) if e["message"] != _REMOVED]
        errors += [
            {
                "message": UNAUTHORIZED,
                "path": path,
                "extensions": {"code": "UNAUTHORIZED_FIELD_OR_TYPE"},
            }
            for path in verdict.errors
        ]
        return ({**truth, "errors": errors} if errors else truth), document


@asynccontextmanager
async def serving(subgraphs: Sequence[Subgraph], supergraph: str) -> AsyncIterator[Served]:
    """``subgraphs`` served in-process behind the router, as ``supergraph`` composes them."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "supergraph.graphql"
        path.write_text(supergraph)
        async with evaluating(subgraphs) as policies:
            config = router_config(
                path,
                {s.name: placeholder_url(s.name) for s in subgraphs},
                {"authentication": {"jwt_secret": SECRET}, **policies},
            )
            app = create_router_app(config, transport=OracleTransport(list(subgraphs)))
            async with (
                app.router.lifespan_context(app),
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app), base_url="http://router.test"
                ) as client,
            ):
                yield Served(subgraphs, supergraph, client)


def generated(
    split_seed: int, api_schema: GraphQLSchema, operations: int, *, deferring: bool = True
) -> Iterator[Asked]:
    """The operations (and their variables) the oracle asks split ``split_seed``
    (``deferring``: some deferring fragments)."""
    defers = random.Random(f"defer-{split_seed}") if deferring else None
    abstract = random.Random(f"abstract-{split_seed}")
    abstract_defers = random.Random(f"abstract-defer-{split_seed}")
    writer, mutations = (
        WorldWriter(api_schema, random.Random(name), defers, abstract, abstract_defers)
        for name in (f"oracle-{split_seed}", f"mutations-{split_seed}")
    )
    homes = {f: g.name for g in split(split_seed) for f in g.types.get("Mutation", {})}
    rng = random.Random(split_seed)
    for count in range(1, operations + 1):
        # One operation in six a mutation.
        one = mutations if count % 6 == 0 else writer
        query = one.operation() if one is writer else one.mutation(homes)
        yield query, {"a": rng.random() < 0.5, "b": rng.random() < 0.5, **one.values}


async def run_split(
    split_seed: int,
    operations: int,
    report: Report,
    extra: Sequence[Asked] = (),
    *,
    progress: bool = False,
) -> None:
    """``operations`` generated operations on split ``split_seed``, then the ``extra`` ones
    (``progress``: a line every thousand)."""
    subgraphs = split(split_seed)
    try:
        supergraph = compose(subgraphs)
    except RuntimeError as error:
        report.uncomposed.append(f"split {split_seed}: {error}")
        return
    async with serving(subgraphs, supergraph) as served:
        report.splits += 1
        asked = generated(split_seed, served.api_schema, operations)
        tokens = random.Random(f"tokens-{split_seed}")
        for count, (query, variables) in enumerate([*asked, *extra], 1):
            if progress and count % 1000 == 0:
                print(
                    f"split {split_seed}: {count} asked, {report.operations} answered, "
                    f"{len(report.differences)} differences",
                    flush=True,
                )
            # Where something is protected: without a token, and with one.
            for scopes in (None, tokens.choice(TOKENS)) if served.needs else (None,):
                reason, ours, truth = await served.ask(query, variables, scopes)
                if reason is None:
                    report.invalid += 1
                    continue
                report.operations += 1
                if reason:
                    report.differences.append(
                        Difference(split_seed, query, variables, reason, ours, truth, scopes)
                    )


def compose(subgraphs: Sequence[Subgraph]) -> str:
    """The supergraph of ``subgraphs`` by Apollo's composition (``RuntimeError`` if it
    refuses them)."""
    return compose_sdls({s.name: s.sdl() for s in subgraphs})


def _is_mutation(document: DocumentNode) -> bool:
    return any(
        isinstance(d, OperationDefinitionNode) and d.operation == OperationType.MUTATION
        for d in document.definitions
    )


def _code(error: dict[str, Any]) -> Any:
    return (error.get("extensions") or {}).get("code")


def _refused(body: dict[str, Any]) -> bool:
    """Refused before execution: invalid, or over one of the router's operation limits."""
    return "data" not in body


def _compare(ours: dict[str, Any], truth: dict[str, Any]) -> str:
    """Different data, or errors at other paths. graphql-core stops executing an object's
    fields once one's error nulls it, so where the monolith reports one error in a nulled
    object the router may report its siblings' too, and the other way round (the router
    stops shaping once a removed field nulls ``data``): under a null, an error one side
    reports and the other does not is no difference."""
    if json.dumps(ours.get("data")) != json.dumps(truth.get("data")):
        return "different data"
    our_paths = sorted(json.dumps(e.get("path")) for e in ours.get("errors", []))
    true_paths = sorted(json.dumps(e.get("path")) for e in truth.get("errors", []))
    extra = list(our_paths)
    for path in true_paths:
        if path in extra:
            extra.remove(path)
        elif not _under_null(ours.get("data"), json.loads(path)):
            return f"errors at {our_paths}, expected at {true_paths}"
    if any(not _under_null(ours.get("data"), json.loads(path)) for path in extra):
        return f"errors at {our_paths}, expected at {true_paths}"
    return ""


def _under_null(data: Any, path: list[Any] | None) -> bool:
    """Whether an object or list above the end of ``path`` is null in ``data``."""
    value = data
    for key in path or ():
        if value is None:
            return True
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            return False
    return False


async def run(first_seed: int, splits: int, operations: int) -> Report:
    report = Report()
    for split_seed in range(first_seed, first_seed + splits):
        await run_split(split_seed, operations, report, progress=True)
        print(
            f"after split {split_seed}: {report.operations} operations, "
            f"{len(report.differences)} differences",
            flush=True,
        )
    return report
