"""A per-process reorder buffer for message events, between the hub and its listeners.

Pub/sub hands a process message events in publish order, which is not
always commit order: seq 7 and 8 commit in that order, but 8 is published
first (from another replica, or by a task scheduled earlier). Each listener
seeing 8 before 7 read the database for the gap itself: a room of 2,000
subscribers made 2,000 reads for one crossing. Here the process holds an
event that comes early for up to ``wait`` seconds (250 ms) for the missing
ones; what is still missing then is read from the database once, for every
listener of the process, and the events go out in order. Listeners keep
their own check (after a reconnect to Redis, say), which now rarely finds
anything to read.

Per channel it keeps the next sequence number to hand out: the position a
subscriber read from the database when nothing has gone out yet
(:meth:`ReorderBuffer.known`), else one past the last handed out. An event
at or below it was already handed out, or read by the subscribers
themselves, and is dropped. Events other than messages pass through.

Cost: a small dict per channel with listeners, one timer while a gap is
open, at most one database read per gap per process.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

Event = dict[str, Any]
# (conversation id, after seq, through seq) -> the message events in between, in order
ReadGap = Callable[[int, int, int], Awaitable[list[Event]]]
Release = Callable[[str, list[Event]], None]

WAIT_SECONDS = 0.25


@dataclass(slots=True)
class _Channel:
    next: int | None = None
    released: bool = False
    held: dict[int, Event] = field(default_factory=dict)
    timer: asyncio.TimerHandle | None = None
    reading: asyncio.Task[None] | None = None

    def pop_consecutive(self) -> list[Event]:
        out = []
        while self.next is not None and self.next in self.held:
            out.append(self.held.pop(self.next))
            self.next += 1
        return out


class ReorderBuffer:
    def __init__(self, read_gap: ReadGap, *, wait: float = WAIT_SECONDS) -> None:
        self._read_gap = read_gap
        self._wait = wait
        self._channels: dict[str, _Channel] = {}
        self._release: Release | None = None
        self.gap_reads = 0

    def bind(self, release: Release) -> None:
        """Where events that waited go: the hub's delivery to a channel's listeners."""
        self._release = release

    def known(self, channel: str, last_seq: int) -> None:
        """A subscriber read the conversation up to ``last_seq``; until an event has gone
        out, the next one expected is the lowest such position plus one."""
        state = self._channels.setdefault(channel, _Channel())
        if not state.released:
            state.next = last_seq + 1 if state.next is None else min(state.next, last_seq + 1)

    def accept(self, channel: str, event: Event) -> list[Event]:
        """The events to hand out now, in order (``event`` may be held, or dropped)."""
        if event.get("type") != "message":
            return [event]
        state = self._channels.setdefault(channel, _Channel())
        seq = int(event["seq"])
        if state.next is None:
            state.next = seq
        if seq < state.next:
            return []
        if seq > state.next or state.reading is not None:
            state.held[seq] = event
            if state.timer is None and state.reading is None:
                state.timer = asyncio.get_running_loop().call_later(
                    self._wait, self._fill, channel, int(event["conversationId"])
                )
            return []
        state.next = seq + 1
        state.released = True
        out = [event, *state.pop_consecutive()]
        if not state.held and state.timer is not None:
            state.timer.cancel()
            state.timer = None
        return out

    def forget(self, channel: str) -> None:
        """Nobody listens to ``channel`` any more."""
        state = self._channels.pop(channel, None)
        if state is None:
            return
        if state.timer is not None:
            state.timer.cancel()
        if state.reading is not None:
            state.reading.cancel()

    def reset(self, channel: str) -> list[Event]:
        """Events may have been lost (Redis reconnected): hand out what is held, in order,
        and start over; listeners read the rest from the database themselves."""
        state = self._channels.pop(channel, None)
        if state is None:
            return []
        if state.timer is not None:
            state.timer.cancel()
        if state.reading is not None:
            state.reading.cancel()
        return [state.held[seq] for seq in sorted(state.held)]

    def _fill(self, channel: str, conversation_id: int) -> None:
        state = self._channels.get(channel)
        if state is None:
            return
        state.timer = None
        if not state.held or state.next is None:
            return
        state.reading = asyncio.create_task(
            self._read(channel, state, conversation_id), name="chat gap read"
        )

    async def _read(self, channel: str, state: _Channel, conversation_id: int) -> None:
        assert state.next is not None
        through = max(state.held)
        self.gap_reads += 1
        try:
            found = await self._read_gap(conversation_id, state.next - 1, through)
        except Exception as exc:  # the listeners will read it themselves
            log.warning("chat: reading messages %d..%d failed: %s", state.next, through, exc)
            found = []
        out: list[Event] = []
        for event in found:
            seq = int(event["seq"])
            if seq >= state.next:
                state.held.pop(seq, None)
                out.append(event)
                state.next = seq + 1
        out.extend(state.pop_consecutive())
        if state.held:
            # Still missing after the read (it failed): hand out the rest; the listeners
            # read their own gaps.
            for seq in sorted(state.held):
                if seq >= state.next:
                    out.append(state.held[seq])
                    state.next = seq + 1
            state.held.clear()
        state.released = state.released or bool(out)
        state.reading = None
        if out and self._release is not None and self._channels.get(channel) is state:
            self._release(channel, out)
