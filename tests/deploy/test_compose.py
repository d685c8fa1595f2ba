"""deploy/compose.yaml: every discovered domain served with its workers, routed, scraped and
traced; the Prometheus configuration accepted by promtool. (That the file is what
``beyond domains sync`` writes from the specs is checked in tests/beyond/test_domains.py.)"""

from __future__ import annotations

import subprocess
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import Field

from beyond.compose import compose_file
from beyond.domains import Spec, discover
from beyond.kubernetes import domains_manifest, secret_keys
from router.config import parse_config
from shared.settings import SECRET, is_secret
from subgraphs.qa.settings import QaSettings
from tests.deploy.test_monitoring import promtool

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return loaded


def _beyond_processes(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Services built from the image that serve something (the migration job aside)."""
    return {
        name: service
        for name, service in compose["services"].items()
        if "build" in service and service["command"] != ["migrate"]
    }


def _secrets(spec: Spec) -> list[str]:
    return [
        f"BEYOND_{setting.upper()}"
        for setting, info in spec.settings.model_fields.items()
        if is_secret(info)
    ]


def test_every_domain_runs_with_its_workers(compose: dict[str, Any]) -> None:
    processes = _beyond_processes(compose)
    expected = {"router"}
    for name, spec in discover().items():
        command = processes[name]["command"]
        assert command[:2] == ["serve", name]
        assert command[command.index("--port") + 1] == str(spec.port)
        if spec.grpc_port is not None:
            assert command[command.index("--grpc-port") + 1] == str(spec.grpc_port)
        environment = processes[name]["environment"]
        for called in spec.calls:
            target = f"{called}:{discover()[called].grpc_port}"
            assert environment[f"BEYOND_{called.upper()}_GRPC_TARGET"] == target
            assert processes[name]["depends_on"][called] == {"condition": "service_healthy"}
        required = {
            f"BEYOND_{setting.upper()}"
            for setting, info in spec.settings.model_fields.items()
            if info.is_required()
        }
        assert required <= set(environment), name
        for process in [name, f"{name}-worker"] if spec.workers is not None else [name]:
            for variable in _secrets(spec):
                # Taken from the environment of `docker compose`, which refuses to go without.
                assert processes[process]["environment"][variable] == (
                    f"${{{variable}:?set {variable}}}"
                ), process
        expected.add(name)
        if spec.workers is not None:
            assert "--no-workers" in command
            assert processes[f"{name}-worker"]["command"] == ["worker", name]
            expected.add(f"{name}-worker")
    assert set(processes) == expected
    migrate = next(s for s in compose["services"].values() if s.get("command") == ["migrate"])
    assert set(migrate["environment"]) == {spec.database_variable for spec in discover().values()}


def test_the_router_routes_every_domain_to_its_compose_url(compose: dict[str, Any]) -> None:
    router = compose["services"]["router"]
    (mounted,) = router["configs"]
    assert router["command"][router["command"].index("--config") + 1] == mounted["target"]
    config = parse_config(tomllib.loads(compose["configs"][mounted["source"]]["content"]))
    routing = tomllib.loads((ROOT / "schema" / "subgraphs.toml").read_text())["subgraphs"]
    assert config.subgraph_urls({}) == {name: routing[name]["compose"] for name in discover()}
    assert set(router["depends_on"]) == set(discover())
    # The secret that makes the subgraphs believe the client address the router forwards.
    secret = router["environment"]["BEYOND_ROUTER_SECRET"]
    for name in discover():
        assert compose["services"][name]["environment"]["BEYOND_ROUTER_SECRET"] == secret


def test_prometheus_scrapes_every_process_and_promtool_accepts_it(
    compose: dict[str, Any], tmp_path: Path
) -> None:
    text = compose["configs"]["prometheus"]["content"]
    scraped = {
        target
        for job in yaml.safe_load(text)["scrape_configs"]
        if job["job_name"].startswith("beyond-")  # what BeyondInstanceDown watches
        for config in job["static_configs"]
        for target in config["targets"]
    }
    processes = _beyond_processes(compose)
    listens = {
        f"{name}:{service['environment']['BEYOND_METRICS_LISTEN'].rpartition(':')[2]}"
        for name, service in processes.items()
    }
    assert scraped == listens
    prometheus = compose["services"]["prometheus"]
    alerts = next(c for c in prometheus["configs"] if c["source"] == "alerts")
    assert compose["configs"]["alerts"]["file"] == "./prometheus/alerts.yaml"
    (tmp_path / "alerts.yaml").write_text((DEPLOY / "prometheus" / "alerts.yaml").read_text())
    config = tmp_path / "prometheus.yml"
    config.write_text(text.replace(alerts["target"], str(tmp_path / "alerts.yaml")))
    result = subprocess.run(
        [promtool(), "check", "config", str(config)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 rule files found" in result.stdout


def test_every_process_sends_traces_to_the_collector_that_feeds_jaeger(
    compose: dict[str, Any],
) -> None:
    collector = yaml.safe_load(compose["configs"]["otel-collector"]["content"])
    receiver = collector["receivers"]["otlp"]["protocols"]["http"]["endpoint"]
    port = receiver.rpartition(":")[2]
    for name, service in _beyond_processes(compose).items():
        environment = service["environment"]
        assert environment["BEYOND_TRACING"] == "on", name
        assert environment["OTEL_EXPORTER_OTLP_ENDPOINT"] == f"http://otel-collector:{port}"
    (exporter,) = collector["service"]["pipelines"]["traces"]["exporters"]
    host = collector["exporters"][exporter]["endpoint"].split(":")[0]
    assert host in compose["services"] and "jaeger" in compose["services"][host]["image"]


def test_every_reference_in_the_file_resolves(compose: dict[str, Any]) -> None:
    services, configs = compose["services"], compose["configs"]
    for name, service in services.items():
        assert set(service.get("depends_on", ())) <= set(services), name
        for mounted in service.get("configs", ()):
            assert mounted["source"] in configs, name
    for config in configs.values():
        if "file" in config:
            assert (DEPLOY / config["file"]).is_file(), config["file"]
    # Only what people open is published: the router, Grafana, Prometheus and Jaeger's UI.
    published = {name for name, service in services.items() if "ports" in service}
    assert published == {"router", "grafana", "prometheus", "jaeger"}


def test_a_new_domain_is_served_routed_and_scraped() -> None:
    qa = discover()["qa"]
    polls = replace(qa, name="polls", port=4099)
    text = compose_file([*discover().values(), polls], "header")
    compose = yaml.safe_load(text)
    assert compose["services"]["polls"]["command"][:2] == ["serve", "polls"]
    assert compose["services"]["polls-worker"]["command"] == ["worker", "polls"]
    routes = tomllib.loads(compose["configs"]["router"]["content"])["subgraphs"]
    assert routes["polls"] == {"url": "http://polls:4099/graphql"}
    assert "polls-worker:9464" in compose["configs"]["prometheus"]["content"]


class PollsSettings(QaSettings):
    polls_api_key: str | None = Field(
        default=None, json_schema_extra=SECRET, description="key of the polls vendor"
    )


def test_a_new_domain_s_secret_reaches_compose_and_the_kubernetes_secret() -> None:
    polls = replace(discover()["qa"], name="polls", port=4099, settings=PollsSettings)
    specs = [*discover().values(), polls]
    compose = yaml.safe_load(compose_file(specs, "header"))
    for process in ("polls", "polls-worker"):
        environment = compose["services"][process]["environment"]
        assert (
            environment["BEYOND_POLLS_API_KEY"]
            == "${BEYOND_POLLS_API_KEY:?set BEYOND_POLLS_API_KEY}"
        )
    assert "BEYOND_POLLS_API_KEY" not in compose["services"]["qa"]["environment"]
    assert "BEYOND_POLLS_API_KEY" in secret_keys(specs)
    documents = list(yaml.safe_load_all(domains_manifest(specs, "header")))
    deployment = next(
        d for d in documents if d["kind"] == "Deployment" and d["metadata"]["name"] == "polls"
    )
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert {
        "name": "BEYOND_POLLS_API_KEY",
        "valueFrom": {"secretKeyRef": {"name": "beyond-secrets", "key": "BEYOND_POLLS_API_KEY"}},
    } in container["env"]
