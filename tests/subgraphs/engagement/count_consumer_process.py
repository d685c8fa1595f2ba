"""The like-count consumer alone in a process, for tests that kill it: ``python -m
tests.subgraphs.engagement.count_consumer_process MEMBER`` with the engagement
settings in the ``BEYOND_*`` environment. It runs until killed."""

from __future__ import annotations

import asyncio
import sys

from subgraphs.engagement.domain import SPEC
from subgraphs.engagement.runtime import like_count_consumer


async def main(member: str) -> None:
    runtime = SPEC.build_runtime(SPEC.settings())
    consumer = like_count_consumer(runtime, member=member)
    while True:
        await consumer.step()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
