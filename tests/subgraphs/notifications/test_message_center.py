"""The message center from the recipient's side: events in the producers' streams, then
the subgraph's GraphQL answers."""

from __future__ import annotations

from typing import Any

import pytest

from tests.subgraphs.notifications.conftest import Ids, Notifications, Producers, at
from tests.support.graphql import error_of

LIST = """query($category: NotificationCategory, $first: Int, $after: String) {
  notifications(category: $category, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id kind category read actorCount latestActor { id }
      actors(first: 3) { id }
      subject { __typename ... on Article { id } ... on Answer { id } ... on Comment { id } }
      comment { id } } } } }"""
COUNTS = "{ unreadCounts { total reply comment like follow answer chat } }"
MARK = """mutation($ids: [ID!], $category: NotificationCategory, $all: Boolean! = false) {
  markNotificationsRead(ids: $ids, category: $category, all: $all) {
    marked unreadCounts { total like follow } } }"""
ZERO = dict.fromkeys(["total", "reply", "comment", "like", "follow", "answer", "chat"], 0)


async def nodes(notifications: Notifications, user: str, **variables: Any) -> list[Any]:
    body = await notifications.execute(LIST, user, **variables)
    assert "errors" not in body, body
    return [edge["node"] for edge in body["data"]["notifications"]["edges"]]


async def counts(notifications: Notifications, user: str) -> dict[str, int]:
    body = await notifications.execute(COUNTS, user)
    assert "errors" not in body, body
    result: dict[str, int] = body["data"]["unreadCounts"]
    return result


def like(user: int, owner: int, subject: int, kind: str = "ARTICLE", **extra: Any) -> Any:
    return {
        "userId": user,
        "subjectKind": kind,
        "subjectId": subject,
        "subjectOwnerId": owner,
        "at": at(),
        **extra,
    }


@pytest.mark.sqlite
async def test_a_new_follower_notifies_the_followee_and_unfollowing_retracts_it(
    notifications: Notifications, producers: Producers, ids: Ids
) -> None:
    ada, bob = ids(1), ids(2)
    await producers.emit("social", "UserFollowed", followerId=bob, followeeId=ada, at=at())
    await producers.emit("social", "UserFollowed", followerId=ada, followeeId=ada, at=at())
    await producers.drain()
    [node] = await nodes(notifications, ids.s(1))
    assert (node["kind"], node["category"], node["read"]) == ("FOLLOWED", "FOLLOW", False)
    assert node["latestActor"] == {"id": ids.s(2)} and node["subject"] is None
    assert (await counts(notifications, ids.s(1)))["follow"] == 1
    assert await nodes(notifications, ids.s(2)) == []

    await producers.emit("social", "UserUnfollowed", followerId=bob, followeeId=ada, at=at(1))
    await producers.drain()
    assert await nodes(notifications, ids.s(1)) == []
    assert await counts(notifications, ids.s(1)) == ZERO


@pytest.mark.sqlite
async def test_likes_of_one_thing_are_grouped_latest_actor_first(
    notifications: Notifications, producers: Producers, ids: Ids
) -> None:
    owner, article, answer = ids(1), ids(7), ids(8)
    for liker in (2, 3, 4, 5):
        await producers.emit("engagement", "LikeAdded", **like(ids(liker), owner, article))
        await producers.drain()  # in order, so the latest actor is known
    await producers.emit("engagement", "LikeAdded", **like(owner, owner, article))  # no news
    await producers.emit("engagement", "LikeAdded", **like(ids(2), owner, answer, "ANSWER"))
    await producers.drain()
    on_answer, on_article = await nodes(notifications, ids.s(1))
    assert on_article["actorCount"] == 4 and on_article["latestActor"] == {"id": ids.s(5)}
    assert on_article["actors"] == [{"id": ids.s(5)}, {"id": ids.s(4)}, {"id": ids.s(3)}]
    assert on_article["subject"] == {"__typename": "Article", "id": ids.s(7)}
    assert on_answer["subject"] == {"__typename": "Answer", "id": ids.s(8)}
    assert (await counts(notifications, ids.s(1)))["like"] == 2

    # The latest liker withdraws: the one before is the latest again.
    await producers.emit("engagement", "LikeRemoved", **like(ids(5), owner, article, at=at(1)))
    await producers.drain()
    _, on_article = await nodes(notifications, ids.s(1))
    assert on_article["actorCount"] == 3 and on_article["latestActor"] == {"id": ids.s(4)}


@pytest.mark.sqlite
async def test_like_then_unlike_leaves_nothing_in_either_order(
    notifications: Notifications, producers: Producers, ids: Ids
) -> None:
    owner = ids(1)
    await producers.emit("engagement", "LikeAdded", **like(ids(2), owner, ids(7), at=at()))
    await producers.emit("engagement", "LikeRemoved", **like(ids(2), owner, ids(7), at=at(1)))
    # Delivered out of order: the withdrawal first, then the like it withdraws.
    await producers.emit("engagement", "LikeRemoved", **like(ids(3), owner, ids(9), at=at(1)))
    await producers.emit("engagement", "LikeAdded", **like(ids(3), owner, ids(9), at=at()))
    await producers.drain()
    assert await nodes(notifications, ids.s(1)) == []
    assert await counts(notifications, ids.s(1)) == ZERO


@pytest.mark.sqlite
async def test_a_redelivered_event_makes_one_notification(
    notifications: Notifications, producers: Producers, ids: Ids
) -> None:
    payload = like(ids(2), ids(1), ids(7))
    event_id = await producers.emit("engagement", "LikeAdded", **payload)
    await producers.drain()
    await producers.emit("engagement", "LikeAdded", event_id=event_id, **payload)
    follow = {"followerId": ids(3), "followeeId": ids(1)}
    first = await producers.emit("social", "UserFollowed", **follow)
    await producers.emit("social", "UserFollowed", event_id=first, **follow)
    await producers.drain()
    grouped = {n["kind"]: n["actorCount"] for n in await nodes(notifications, ids.s(1))}
    assert grouped == {"LIKED": 1, "FOLLOWED": 1}
    assert (await counts(notifications, ids.s(1)))["total"] == 2


async def test_a_new_liker_brings_a_read_group_back_but_a_returning_one_does_not(
    notifications: Notifications, producers: Producers, ids: Ids
) -> None:
    owner, article = ids(1), ids(7)
    await producers.emit("engagement", "LikeAdded", **like(ids(2), owner, article, at=at()))
    await producers.emit("social", "UserFollowed", followerId=ids(3), followeeId=owner, at=at(1))
    await producers.drain()
    assert [n["kind"] for n in await nodes(notifications, ids.s(1))] == ["FOLLOWED", "LIKED"]
    await notifications.execute(MARK, ids.s(1), all=True)

    # Unlike and like again: counted, but no alert and no move.
    await producers.emit("engagement", "LikeRemoved", **like(ids(2), owner, article, at=at(2)))
    await producers.emit("engagement", "LikeAdded", **like(ids(2), owner, article, at=at(3)))
    await producers.drain()
    follow, liked = await nodes(notifications, ids.s(1))
    assert (liked["actorCount"], liked["read"], follow["kind"]) == (1, True, "FOLLOWED")

    await producers.emit("engagement", "LikeAdded", **like(ids(4), owner, article, at=at(4)))
    await producers.drain()
    liked, follow = await nodes(notifications, ids.s(1))
    assert (liked["kind"], liked["actorCount"], liked["read"]) == ("LIKED", 2, False)
    assert liked["latestActor"] == {"id": ids.s(4)}


def comment(comment_id: int, author: int, owner: int, subject: int, **extra: Any) -> Any:
    return {
        "commentId": comment_id,
        "subjectKind": "ARTICLE",
        "subjectId": subject,
        "subjectOwnerId": owner,
        "authorId": author,
        "parentId": None,
        "parentAuthorId": None,
        "replyToUserId": None,
        "at": at(),
        **extra,
    }


@pytest.mark.sqlite
async def test_comments_notify_the_owner_and_replies_the_people_replied_to(
    notifications: Notifications, producers: Producers, ids: Ids
) -> None:
    ada, bob, cy, dee, article = ids(1), ids(2), ids(3), ids(4), ids(7)
    first, second, third = ids(30), ids(31), ids(32)
    await producers.emit("engagement", "CommentPosted", **comment(first, bob, ada, article))
    # Cy replies to Bob's comment, answering Dee in the thread, under Ada's article.
    thread = {"parentId": first, "parentAuthorId": bob}
    reply = comment(second, cy, ada, article, replyToUserId=dee, **thread)
    await producers.emit("engagement", "CommentPosted", **reply)
    # Ada replies in her own article's thread: Bob hears, Ada does not.
    own = comment(third, ada, ada, article, replyToUserId=bob, **thread)
    await producers.emit("engagement", "CommentPosted", **own)
    await producers.emit("engagement", "LikeAdded", **like(ada, cy, second, "COMMENT"))
    await producers.drain()
    assert [n["subject"] for n in await nodes(notifications, ids.s(3))] == [
        {"__typename": "Comment", "id": ids.s(31)}
    ]
    on_ada = await nodes(notifications, ids.s(1))
    assert [(n["kind"], n["comment"]["id"]) for n in on_ada] == [
        ("COMMENTED", ids.s(31)),
        ("COMMENTED", ids.s(30)),
    ]
    assert on_ada[0]["subject"] == {"__typename": "Article", "id": ids.s(7)}
    assert [(n["kind"], n["comment"]["id"]) for n in await nodes(notifications, ids.s(2))] == [
        ("REPLIED", ids.s(32)),
        ("REPLIED", ids.s(31)),
    ]
    assert [n["kind"] for n in await nodes(notifications, ids.s(4))] == ["REPLIED"]
    assert (await counts(notifications, ids.s(2)))["reply"] == 2

    deleted = {"commentId": second, "subjectKind": "ARTICLE", "subjectId": article}
    await producers.emit(
        "engagement", "CommentDeleted", authorId=cy, parentId=first, at=at(1), **deleted
    )
    await producers.drain()
    assert [n["comment"]["id"] for n in await nodes(notifications, ids.s(1))] == [ids.s(30)]
    assert [n["comment"]["id"] for n in await nodes(notifications, ids.s(2))] == [ids.s(32)]
    assert await nodes(notifications, ids.s(4)) == []
    assert await nodes(notifications, ids.s(3)) == []  # the like of the deleted reply


async def test_answers_and_acceptance_notify_and_moving_the_mark_retracts(
    notifications: Notifications, producers: Producers, ids: Ids
) -> None:
    ada, bob, cy = ids(1), ids(2), ids(3)
    question = {"questionId": ids(5), "questionAuthorId": ada}
    await producers.emit("qa", "AnswerPosted", answerId=ids(50), authorId=bob, **question)
    await producers.emit("qa", "AnswerPosted", answerId=ids(51), authorId=cy, **question)
    await producers.emit("qa", "AnswerPosted", answerId=ids(52), authorId=ada, **question)
    await producers.drain()
    assert [(n["kind"], n["subject"]["id"]) for n in await nodes(notifications, ids.s(1))] == [
        ("ANSWERED", ids.s(51)),
        ("ANSWERED", ids.s(50)),
    ]
    await producers.emit(
        "qa", "AnswerAccepted", answerId=ids(50), authorId=bob, previousAnswerId=None, **question
    )
    await producers.drain()
    [on_bob] = await nodes(notifications, ids.s(2))
    assert (on_bob["kind"], on_bob["category"], on_bob["latestActor"]) == (
        "ANSWER_ACCEPTED",
        "ANSWER",
        {"id": ids.s(1)},
    )
    await producers.emit(
        "qa", "AnswerAccepted", answerId=ids(51), authorId=cy, previousAnswerId=ids(50), **question
    )
    await producers.drain()
    assert await nodes(notifications, ids.s(2)) == []
    assert [n["kind"] for n in await nodes(notifications, ids.s(3))] == ["ANSWER_ACCEPTED"]

    await producers.emit("qa", "AnswerDeleted", answerId=ids(51), questionId=ids(5), authorId=cy)
    await producers.drain()
    assert [n["subject"]["id"] for n in await nodes(notifications, ids.s(1))] == [ids.s(50)]
    assert await nodes(notifications, ids.s(3)) == []
    assert (await counts(notifications, ids.s(1)))["answer"] == 1


@pytest.mark.sqlite
async def test_direct_and_group_messages_count_toward_chat_and_reading_resets(
    notifications: Notifications, producers: Producers, ids: Ids
) -> None:
    ada, bob, direct, room = ids(1), ids(2), ids(9), ids(10)

    def sent(seq: int, recipients: list[int], kind: str = "DIRECT") -> Any:
        return {
            "conversationId": room if kind == "ROOM" else direct,
            "kind": kind,
            "messageId": seq,
            "seq": seq,
            "senderId": ada,
            "recipientIds": recipients,
            "at": at(),
        }

    for seq in (1, 2, 3):
        await producers.emit("chat", "MessageSent", **sent(seq, [bob]))
    await producers.emit("chat", "MessageSent", **sent(1, [], kind="ROOM"))
    await producers.drain()
    assert (await counts(notifications, ids.s(2)))["chat"] == 3
    assert (await counts(notifications, ids.s(1)))["chat"] == 0

    read = {"conversationId": direct, "userId": bob}
    await producers.emit("chat", "ConversationRead", seq=2, unread=1, **read)
    # A message read already, delivered late, does not count again.
    await producers.emit("chat", "MessageSent", **sent(2, [bob]))
    await producers.drain()
    assert await counts(notifications, ids.s(2)) == {**ZERO, "total": 1, "chat": 1}


@pytest.mark.sqlite
async def test_marking_read_by_ids_category_or_all_touches_only_your_own(
    notifications: Notifications, producers: Producers, ids: Ids
) -> None:
    ada, bob = ids(1), ids(2)
    await producers.emit("social", "UserFollowed", followerId=bob, followeeId=ada, at=at())
    await producers.emit("engagement", "LikeAdded", **like(bob, ada, ids(7)))
    await producers.emit("engagement", "LikeAdded", **like(ids(3), ada, ids(8)))
    await producers.emit("social", "UserFollowed", followerId=ada, followeeId=bob, at=at())
    await producers.drain()
    theirs = (await nodes(notifications, ids.s(2)))[0]["id"]
    mine = {n["kind"] + n["actors"][0]["id"]: n["id"] for n in await nodes(notifications, ids.s(1))}

    body = await notifications.execute(MARK, ids.s(1), ids=[mine["LIKED" + ids.s(2)], theirs])
    assert body["data"]["markNotificationsRead"] == {
        "marked": 1,
        "unreadCounts": {"total": 2, "like": 1, "follow": 1},
    }
    assert [n["read"] for n in await nodes(notifications, ids.s(2))] == [False]

    body = await notifications.execute(MARK, ids.s(1), category="LIKE")
    assert body["data"]["markNotificationsRead"]["marked"] == 1
    body = await notifications.execute(MARK, ids.s(1), all=True)
    assert body["data"]["markNotificationsRead"] == {
        "marked": 1,
        "unreadCounts": {"total": 0, "like": 0, "follow": 0},
    }
    again = await notifications.execute(MARK, ids.s(1), all=True)
    assert again["data"]["markNotificationsRead"]["marked"] == 0

    for wrong in ({}, {"all": True, "category": "LIKE"}, {"ids": ["x"]}):
        error = error_of(await notifications.execute(MARK, ids.s(1), **wrong))
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
    refused = error_of(await notifications.execute(MARK, None, all=True))
    assert refused["extensions"]["code"] == "UNAUTHENTICATED"
    refused = error_of(await notifications.execute(COUNTS))
    assert refused["extensions"]["code"] == "UNAUTHENTICATED"


async def test_pages_follow_the_latest_activity(
    notifications: Notifications, producers: Producers, ids: Ids
) -> None:
    for follower in range(2, 7):
        await producers.emit(
            "social", "UserFollowed", followerId=ids(follower), followeeId=ids(1), at=at(follower)
        )
    await producers.drain()
    seen: list[str] = []
    after = None
    while True:
        body = await notifications.execute(LIST, ids.s(1), first=2, after=after)
        connection = body["data"]["notifications"]
        assert connection["totalCount"] == 5
        seen += [edge["node"]["latestActor"]["id"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert seen == [ids.s(n) for n in (6, 5, 4, 3, 2)]
    assert await nodes(notifications, ids.s(1), category="LIKE") == []


@pytest.mark.sqlite
async def test_deleting_an_article_or_a_question_hides_what_was_about_it(
    notifications: Notifications, producers: Producers, ids: Ids
) -> None:
    ada, bob, cy, article, other = ids(1), ids(2), ids(3), ids(7), ids(8)
    await producers.emit("engagement", "LikeAdded", **like(bob, ada, article))
    await producers.emit("engagement", "LikeAdded", **like(bob, ada, other))
    await producers.emit("engagement", "CommentPosted", **comment(ids(30), bob, ada, article))
    reply = comment(ids(31), ada, ada, article, parentId=ids(30), parentAuthorId=bob)
    await producers.emit("engagement", "CommentPosted", **reply)
    question = {"questionId": ids(5), "questionAuthorId": cy}
    await producers.emit("qa", "AnswerPosted", answerId=ids(50), authorId=ada, **question)
    await producers.drain()
    assert len(await nodes(notifications, ids.s(1))) == 3
    assert len(await nodes(notifications, ids.s(3))) == 1

    await producers.emit("articles", "ArticleDeleted", articleId=article, authorId=ada)
    await producers.emit(
        "qa", "QuestionDeleted", questionId=ids(5), authorId=cy, answerIds=[ids(50)]
    )
    await producers.drain()
    [left] = await nodes(notifications, ids.s(1))
    assert left["subject"] == {"__typename": "Article", "id": ids.s(8)}
    assert await nodes(notifications, ids.s(2)) == []  # the reply was under the deleted article
    assert await nodes(notifications, ids.s(3)) == []
    assert await counts(notifications, ids.s(1)) == {**ZERO, "total": 1, "like": 1}


async def test_a_time_without_an_offset_is_read_as_utc(
    notifications: Notifications, producers: Producers, ids: Ids
) -> None:
    naive = at().removesuffix("+00:00")
    await producers.emit("engagement", "LikeAdded", **like(ids(2), ids(1), ids(7), at=naive))
    await producers.drain()
    assert [n["kind"] for n in await nodes(notifications, ids.s(1))] == ["LIKED"]
