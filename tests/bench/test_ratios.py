"""The benchmark's headline ratios: from the medians, and round by round."""

from __future__ import annotations

from bench.federation.run import Figures, median_figures, ratios, round_ratios


def _figures(gateway: str, per_cpu_s: float, query: str = "small") -> Figures:
    return Figures(
        gateway=gateway,
        query=query,
        requests=1000,
        errors=0,
        duration_s=10.0,
        requests_per_s=100.0,
        p50_ms=1.0,
        p95_ms=2.0,
        p99_ms=3.0,
        cpu_s_per_request_ms=1000 / per_cpu_s if per_cpu_s else 0.0,
        requests_per_cpu_s=per_cpu_s,
        subgraph_requests_per_op=0.1,
        subgraph_requests_alone=1,
        peak_rss_mb=100.0,
    )


def test_a_machine_slower_in_one_round_moves_the_medians_ratio_but_not_that_rounds() -> None:
    # Round 2 ran at half speed for both gateways; round 3 was slow for ours only.
    runs = {
        ("small", "beyond"): [_figures("beyond", v) for v in (12000, 6000, 9000)],
        ("small", "hive-rust"): [_figures("hive-rust", v) for v in (3000, 1500, 3000)],
    }
    medians = [median_figures(figures) for figures in runs.values()]
    assert ratios(medians, "beyond") == {"small": {"hive-rust": 3.0}}
    assert round_ratios(runs, "beyond") == {"small": {"hive-rust": [4.0, 4.0, 3.0]}}


def test_each_query_is_compared_with_each_peer_on_that_query_only() -> None:
    runs = {
        ("heavy", "beyond"): [_figures("beyond", 300, "heavy")],
        ("heavy", "hive-rust"): [_figures("hive-rust", 100, "heavy")],
        ("heavy", "hive"): [_figures("hive", 75, "heavy")],
        ("small", "beyond"): [_figures("beyond", 9000)],
        ("small", "hive-rust"): [_figures("hive-rust", 0)],  # nothing measured: no ratio
    }
    assert round_ratios(runs, "beyond") == {
        "heavy": {"hive-rust": [3.0], "hive": [4.0]},
        "small": {"hive-rust": []},
    }
