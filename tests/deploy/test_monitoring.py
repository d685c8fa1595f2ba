"""The alert rules (promtool's own unit tests) and the Grafana dashboard, checked against
the metrics the router and the services really export."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from prometheus_client import REGISTRY

import router.telemetry.metrics
import shared.telemetry.metrics
from shared.telemetry.resilience import register_resilience_metrics

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "deploy" / "prometheus"
DASHBOARD = ROOT / "deploy" / "grafana" / "beyond.json"
METRIC = re.compile(r"\b(beyond_[a-z0-9_]+)")
# Prometheus' own series about its scrape targets.
SCRAPE_SERIES = {"up"}


def exported() -> set[str]:
    """Every series name the code exports (``_total``, ``_bucket``, … included)."""
    assert router.telemetry.metrics.REQUESTS and shared.telemetry.metrics.OPERATIONS
    register_resilience_metrics()  # as every /metrics listener does
    names: set[str] = set()
    for family in REGISTRY.collect():
        if not family.name.startswith("beyond_"):
            continue
        names.add(family.name)
        suffixes = {
            "counter": ("_total",),
            "histogram": ("_bucket", "_count", "_sum"),
            "gauge": ("",),
        }[family.type]
        names.update(family.name + suffix for suffix in suffixes)
    return names


def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("promtool is missing: .ci/run installs Debian's prometheus package")
        pytest.skip("promtool is not installed (apt-get install prometheus provides it)")
    return found


def _rule_expressions() -> Iterator[str]:
    rules = yaml.safe_load((PROMETHEUS / "alerts.yaml").read_text())
    for group in rules["groups"]:
        for rule in group["rules"]:
            yield rule["expr"]


def _dashboard_expressions() -> Iterator[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            yield target["expr"]
    for variable in dashboard["templating"]["list"]:
        if isinstance(variable.get("query"), dict):
            yield variable["query"]["query"]


def test_the_alert_rules_pass_promtool_s_checks_and_unit_tests() -> None:
    tool = promtool()
    checked = subprocess.run(
        [tool, "check", "rules", "alerts.yaml"], cwd=PROMETHEUS, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = subprocess.run(
        [tool, "test", "rules", "alerts_test.yaml"], cwd=PROMETHEUS, capture_output=True, text=True
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "SUCCESS" in tested.stdout


def test_every_alert_the_issue_asks_for_is_there_and_tested() -> None:
    rules = yaml.safe_load((PROMETHEUS / "alerts.yaml").read_text())
    names = {rule["alert"] for group in rules["groups"] for rule in group["rules"]}
    assert names == {
        "BeyondErrorRatioHigh",
        "BeyondLatencyP99High",
        "BeyondOutboxStuck",
        "BeyondConsumerLagHigh",
        "BeyondDeadLetters",
        "BeyondSubscriptionsDropping",
        "BeyondInstanceDown",
        "BeyondBreakerOpen",
    }
    tests = yaml.safe_load((PROMETHEUS / "alerts_test.yaml").read_text())["tests"]
    fired = {
        case["alertname"]
        for test in tests
        for case in test["alert_rule_test"]
        if case["exp_alerts"]
    }
    assert fired == names, "every alert has a case where it fires"


def test_the_alerts_and_the_dashboard_query_only_exported_metrics() -> None:
    known = exported()
    expressions = [*_rule_expressions(), *_dashboard_expressions()]
    queried = {name for expr in expressions for name in METRIC.findall(expr)}
    assert queried, "nothing queried"
    assert queried <= known, f"not exported by the code: {sorted(queried - known)}"
    # The dashboard shows every family the router and the services export.
    families = {name for name in known if not re.search(r"_(total|bucket|count|sum)$", name)}
    shown = {name for expr in _dashboard_expressions() for name in METRIC.findall(expr)}
    missing = {f for f in families if not any(s == f or s.startswith(f + "_") for s in shown)}
    assert not missing, f"exported but not on the dashboard: {sorted(missing)}"


def test_the_dashboard_is_grafana_json_with_unique_panels() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["uid"] == "beyond" and dashboard["title"]
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard["panels"]:
        assert {"x", "y", "w", "h"} <= set(panel["gridPos"])
        if panel["type"] != "row":
            assert panel["targets"], panel["title"]
            assert all(t["refId"] for t in panel["targets"])
