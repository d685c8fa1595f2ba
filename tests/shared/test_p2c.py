"""p2c: the less loaded of two random endpoints, unhealthy ones avoided, new ones taken at once."""

from __future__ import annotations

from shared.registry.p2c import P2C


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _serve(balancer: P2C, clock: Clock, calls: int, latency: dict[str, float]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for _ in range(calls):
        endpoint = balancer.pick()
        assert endpoint is not None
        counts[endpoint.address] = counts.get(endpoint.address, 0) + 1
        clock.now += 0.01
        endpoint.finished(latency[endpoint.address], ok=latency[endpoint.address] < 1)
    return counts


def test_the_faster_endpoint_takes_most_calls() -> None:
    clock = Clock()
    balancer = P2C(clock=clock)
    balancer.update(["a:1", "b:1"])
    counts = _serve(balancer, clock, 2000, {"a:1": 0.005, "b:1": 0.2})
    assert counts["a:1"] > 4 * counts["b:1"]
    assert counts["b:1"] > 0  # still probed now and then


def test_a_new_endpoint_takes_traffic_from_its_first_picks() -> None:
    clock = Clock()
    balancer = P2C(clock=clock)
    balancer.update(["a:1", "b:1"])
    _serve(balancer, clock, 500, {"a:1": 0.02, "b:1": 0.02})
    balancer.update(["a:1", "b:1", "c:1"])
    counts = _serve(balancer, clock, 300, {"a:1": 0.02, "b:1": 0.02, "c:1": 0.02})
    assert counts["c:1"] >= 50


def test_a_failing_endpoint_is_avoided() -> None:
    clock = Clock()
    balancer = P2C(clock=clock)
    balancer.update(["a:1", "b:1"])
    counts = _serve(balancer, clock, 2000, {"a:1": 0.01, "b:1": 5.0})
    assert counts["b:1"] < counts["a:1"] / 10


def test_in_flight_calls_count_and_removed_endpoints_are_never_picked() -> None:
    clock = Clock()
    balancer = P2C(clock=clock)
    balancer.update(["a:1", "b:1"])
    held = [balancer.pick() for _ in range(10)]
    assert {e.address for e in held if e} == {"a:1", "b:1"}  # load spreads while calls are open
    balancer.update(["b:1"])
    assert all((e := balancer.pick()) is not None and e.address == "b:1" for _ in range(20))
    balancer.update([])
    assert balancer.pick() is None
