"""Ports handed to test servers: never from the range the OS hands out, never shared by workers."""

from __future__ import annotations

import socket

import pytest

from tests.support import net


def test_workers_draw_from_disjoint_slices_below_the_ephemeral_range(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slices = []
    for worker in ("gw0", "gw1", "gw2"):
        monkeypatch.setenv("PYTEST_XDIST_WORKER", worker)
        slices.append(set(net._slice()))
    assert not slices[0] & slices[1] and not slices[1] & slices[2] and not slices[0] & slices[2]
    assert max(max(s) for s in slices) < net._first_ephemeral()


def test_a_port_something_listens_on_is_skipped() -> None:
    first = net.free_port()
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", first + 1))
        holder.listen()
        second = net.free_port()
    assert second != first + 1
    assert second in net._slice()
