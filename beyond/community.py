"""The demo community of ``beyond dev --seed``, grown through the graph itself once it serves.

The accounts seed creates the demo members; this worker then signs each one
in through the router and makes them follow each other, write a few
articles, like each other's, talk in a few comments and replies, and chat
(a direct conversation between Ada and Grace, and a public Lobby room
everyone joins), as a client would (so every domain's rules, events and
gRPC calls run). Growing it twice adds nothing: a follow, like or join
repeats harmlessly, a member who has articles gets no more, an article with
comments gets no more, the chat messages carry fixed client message ids and
the Lobby is made once. The demo logins are printed at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx
import uvicorn

from subgraphs.accounts.seed import DEMO_PASSWORD, DEMO_USERS

log = logging.getLogger("beyond.dev")

FOLLOWS = (
    ("Ada", "Grace"),
    ("Ada", "Linus"),
    ("Grace", "Ada"),
    ("Grace", "Margaret"),
    ("Linus", "Ada"),
    ("Linus", "Ken"),
    ("Margaret", "Ada"),
    ("Margaret", "Grace"),
    ("Ken", "Linus"),
    ("Ken", "Ada"),
)
ARTICLES: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    "Ada": (
        ("Notes on the analytical engine", "A machine that weaves algebra.", ("math", "history")),
        ("Loops before loops", "Repeating a card sequence is the first loop.", ("programming",)),
    ),
    "Grace": (
        ("Why I wrote a compiler", "People should write English, not octal.", ("compilers",)),
    ),
    "Linus": (("Release early", "Small patches, many eyes, fast fixes.", ("open-source",)),),
    "Margaret": (("Software for the moon", "Priority scheduling saved the landing.", ("space",)),),
    "Ken": (("Everything is a file", "One interface makes small tools compose.", ("unix",)),),
}

# (commenter, whose first article, comment, replier, reply)
CONVERSATIONS = (
    ("Grace", "Ada", "The engine deserved a compiler.", "Ada", "It deserved you, Grace."),
    ("Ken", "Linus", "Many eyes, and one small kernel.", "Linus", "Small patches keep it small."),
    ("Ada", "Margaret", "Priority scheduling is underrated.", "Grace", "It saved the landing."),
)

LOGIN = """mutation DemoLogin($mobile: String!, $password: String!) {
  login(mobile: $mobile, password: $password) { accessToken user { id } } }"""
FOLLOW = "mutation DemoFollow($id: ID!) { follow(userId: $id) { id } }"
ARTICLE_COUNT = "query DemoArticleCount { me { articleCount } }"
START_CHAT = "mutation DemoChat($id: ID!) { startConversation(userId: $id) { id } }"
ROOMS = "query DemoRooms { chatRooms(first: 100) { edges { node { id title } } } }"
CREATE_ROOM = "mutation DemoRoom($t: String!) { createRoom(title: $t, public: true) { id } }"
JOIN_ROOM = "mutation DemoJoin($c: ID!) { joinRoom(conversationId: $c) { id } }"
SEND = """mutation DemoSend($c: ID!, $k: String!, $b: String!) {
  sendMessage(conversationId: $c, clientMessageId: $k, body: $b) { seq } }"""
LOBBY = "Lobby"
CHAT = (
    ("Ada", "Grace, have you seen the new compiler notes?"),
    ("Grace", "Yes! Shorter programs, fewer bugs."),
    ("Ada", "Let's write the loop chapter together."),
)
PUBLISH = (
    "mutation DemoPublish($input: PublishArticleInput!) { publishArticle(input: $input) { id } }"
)
MEMBER_ARTICLES = "query DemoArticles($id: ID!) { user(id: $id) { articles(first: 10) { edges { node { id commentCount } } } } }"
LIKE = "mutation DemoLike($id: ID!) { like(target: {kind: ARTICLE, id: $id}) { likeCount } }"
COMMENT = """mutation DemoComment($kind: EngagementTargetKind!, $id: ID!, $body: String!) {
  comment(target: {kind: $kind, id: $id}, body: $body) { id } }"""
ENGAGEMENT_WAIT = 15.0
"""Seconds to wait for a new article to reach engagement (by event) before giving up."""


class _Graph:
    def __init__(self, client: httpx.AsyncClient, url: str) -> None:
        self._client = client
        self._url = url

    async def data(self, query: str, token: str | None = None, **variables: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self._client.post(
            self._url, json={"query": query, "variables": variables}, headers=headers
        )
        body = response.json()
        if body.get("errors"):
            raise RuntimeError(body["errors"][0]["message"])
        return body["data"]


async def grow_community(url: str) -> tuple[int, int, int, int]:
    """Sign the demo members in at ``url``; add the follows, articles, likes and comments
    they lack.

    Returns (follows in the community, articles published now, likes in the community,
    comments written now)."""
    async with httpx.AsyncClient(timeout=30) as client:
        graph = _Graph(client, url)
        members: dict[str, tuple[str, str]] = {}
        for mobile, nickname in DEMO_USERS:
            signed_in = (await graph.data(LOGIN, mobile=mobile, password=DEMO_PASSWORD))["login"]
            members[nickname] = (signed_in["user"]["id"], signed_in["accessToken"])
        for follower, followee in FOLLOWS:
            await graph.data(FOLLOW, members[follower][1], id=members[followee][0])
        published = 0
        for nickname, articles in ARTICLES.items():
            token = members[nickname][1]
            if (await graph.data(ARTICLE_COUNT, token))["me"]["articleCount"]:
                continue
            for title, content, tags in articles:
                await graph.data(
                    PUBLISH, token, input={"title": title, "content": content, "tags": list(tags)}
                )
                published += 1
        likes, comments = await _engage(graph, members)
        await _chat(graph, members)
    return len(FOLLOWS), published, likes, comments


async def _engage(graph: _Graph, members: dict[str, tuple[str, str]]) -> tuple[int, int]:
    """Every member likes everyone else's articles; a few comment and reply once.

    Returns (likes in the community, comments written now)."""
    articles: dict[str, list[tuple[str, int]]] = {}
    for nickname, (user_id, _token) in members.items():
        edges = (await graph.data(MEMBER_ARTICLES, id=user_id))["user"]["articles"]["edges"]
        articles[nickname] = [(edge["node"]["id"], edge["node"]["commentCount"]) for edge in edges]
    likes = 0
    for nickname, (_user_id, token) in members.items():
        for author, written in articles.items():
            if author == nickname:
                continue
            for article_id, _count in written:
                await _until_known(graph, LIKE, token, id=article_id)
                likes += 1
    comments = 0
    for commenter, author, body, replier, reply in CONVERSATIONS:
        article_id, count = articles[author][-1]
        if count:
            continue
        made = await graph.data(
            COMMENT, members[commenter][1], kind="ARTICLE", id=article_id, body=body
        )
        await graph.data(
            COMMENT, members[replier][1], kind="COMMENT", id=made["comment"]["id"], body=reply
        )
        comments += 2
    return likes, comments


async def _until_known(graph: _Graph, query: str, token: str, **variables: Any) -> Any:
    """Run ``query`` once engagement has heard of its article (its event may still be on the way)."""
    deadline = time.monotonic() + ENGAGEMENT_WAIT
    while True:
        try:
            return await graph.data(query, token, **variables)
        except RuntimeError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)


async def _chat(graph: _Graph, members: dict[str, tuple[str, str]]) -> None:
    """Ada and Grace's conversation, and the Lobby every demo member is in."""
    ada, grace = members["Ada"], members["Grace"]
    direct = (await graph.data(START_CHAT, ada[1], id=grace[0]))["startConversation"]["id"]
    for n, (nickname, body) in enumerate(CHAT):
        await graph.data(SEND, members[nickname][1], c=direct, k=f"demo-{n}", b=body)
    rooms = (await graph.data(ROOMS))["chatRooms"]["edges"]
    lobby = next((e["node"]["id"] for e in rooms if e["node"]["title"] == LOBBY), None)
    if lobby is None:
        lobby = (await graph.data(CREATE_ROOM, ada[1], t=LOBBY))["createRoom"]["id"]
    for _, token in members.values():
        await graph.data(JOIN_ROOM, token, c=lobby)
    await graph.data(SEND, ada[1], c=lobby, k="demo-lobby", b="Welcome to Beyond!")


def demo_logins() -> str:
    people = ", ".join(f"{nickname} {mobile}" for mobile, nickname in DEMO_USERS)
    return f"Demo logins (password {DEMO_PASSWORD}): {people}"


class CommunitySeed:
    """A worker that grows the community once every server listens; stopping cancels it."""

    name = "demo community"

    def __init__(
        self, url: str, servers: Sequence[uvicorn.Server], say: Callable[[str], None]
    ) -> None:
        self._url = url
        self._servers = servers
        self._say = say
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._grow())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _grow(self) -> None:
        # uvicorn says it listens only through this flag, so it is polled.
        while not all(server.started for server in self._servers):  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        try:
            follows, published, likes, comments = await grow_community(self._url)
        except (httpx.HTTPError, RuntimeError, ValueError) as exc:
            log.error("the demo community could not be grown: %s", exc)
            return
        self._say(f"community: {follows} follows, {published} new article(s), chat in /chat")
        self._say(f"engagement: {likes} likes, {comments} new comment(s)")
        self._say(demo_logins())
