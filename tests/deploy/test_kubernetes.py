"""deploy/kubernetes: each overlay rendered, validated against the Kubernetes 1.37 schemas,
and checked to run every domain (subgraph, workers, probes, scaling) and the router."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest

from beyond.domains import discover
from beyond.kubernetes import secret_keys
from router.config import parse_config
from shared.settings import is_secret
from tests.deploy.kustomize import Resource, render

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES = ROOT / "deploy" / "kubernetes"
OVERLAYS = sorted(p.name for p in (KUBERNETES / "overlays").iterdir())
VERSION = "1.37"


def deployed_domains() -> dict[str, bool]:
    """Every domain that must be deployed, and whether it has event workers of its own."""
    return {name: spec.workers is not None for name, spec in discover().items()}


@pytest.fixture(scope="module", params=OVERLAYS)
def rendered(request: pytest.FixtureRequest) -> tuple[str, list[Resource]]:
    return request.param, render(KUBERNETES / "overlays" / request.param)


def _one(resources: list[Resource], kind: str, name: str) -> Resource:
    found = [r for r in resources if r["kind"] == kind and r["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind}/{name}: found {len(found)}"
    return found[0]


def _containers(resource: Resource) -> Iterator[dict[str, Any]]:
    yield from resource["spec"]["template"]["spec"]["containers"]


def _selects(selector: dict[str, str], resource: Resource) -> bool:
    labels = resource["spec"]["template"]["metadata"]["labels"]
    return all(labels.get(k) == v for k, v in selector.items())


def test_overlays_are_dev_and_prod() -> None:
    assert OVERLAYS == ["dev", "prod"]


def test_every_resource_is_valid_kubernetes(rendered: tuple[str, list[Resource]]) -> None:
    _, resources = rendered
    assert resources
    for resource in resources:
        kubernetes_validate.validate(resource, VERSION, strict=True)
        assert resource["metadata"]["namespace"] == "beyond"
        assert resource["metadata"]["labels"]["app.kubernetes.io/part-of"] == "beyond"


def test_the_validator_refuses_a_malformed_deployment(
    rendered: tuple[str, list[Resource]],
) -> None:
    broken = copy.deepcopy(_one(rendered[1], "Deployment", "router"))
    broken["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["port"] = []
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSION, strict=True)
    broken = copy.deepcopy(_one(rendered[1], "Deployment", "router"))
    broken["spec"]["replica"] = 2
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSION, strict=True)


def _check_served(resources: list[Resource], name: str, args: list[str]) -> None:
    deployment = _one(resources, "Deployment", name)
    (container,) = _containers(deployment)
    assert container["args"][: len(args)] == args
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    for probe, path in (("readinessProbe", "/ready"), ("livenessProbe", "/health")):
        assert container[probe]["httpGet"] == {"path": path, "port": "http"}, probe
    assert "http" in ports
    assert {"cpu", "memory"} <= set(container["resources"]["requests"])
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True

    service = _one(resources, "Service", name)
    assert _selects(service["spec"]["selector"], deployment)
    assert {p["targetPort"] for p in service["spec"]["ports"]} <= set(ports)

    hpa = _one(resources, "HorizontalPodAutoscaler", name)
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": name,
    }
    assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
    pdb = _one(resources, "PodDisruptionBudget", name)
    assert _selects(pdb["spec"]["selector"]["matchLabels"], deployment)
    assert deployment["spec"]["selector"]["matchLabels"] == pdb["spec"]["selector"]["matchLabels"]


def test_every_domain_is_served_scaled_and_probed(rendered: tuple[str, list[Resource]]) -> None:
    _, resources = rendered
    domains = deployed_domains()
    assert len(domains) >= 3
    for name, has_workers in domains.items():
        _check_served(resources, name, ["serve", name])
        (container,) = _containers(_one(resources, "Deployment", name))
        workers = [
            r
            for r in resources
            if r["kind"] == "Deployment" and r["metadata"]["name"] == f"{name}-worker"
        ]
        if has_workers:
            assert "--no-workers" in container["args"]
            (worker,) = workers
            assert [c["args"] for c in _containers(worker)] == [["worker", name]]
        else:
            assert "--no-workers" not in container["args"] and not workers
        # The ports are the domain spec's own, as the compose file and `beyond dev` use them.
        spec = discover()[name]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        assert ports["http"] == spec.port
        assert ports.get("grpc") == spec.grpc_port
    _check_served(resources, "router", ["router"])
    served = {
        r["metadata"]["name"].removesuffix("-worker")
        for r in resources
        if r["kind"] == "Deployment"
    }
    assert served == {*domains, "router"}, "a Deployment for something that is not a domain"


def test_settings_come_from_the_config_map_and_the_secret(
    rendered: tuple[str, list[Resource]],
) -> None:
    _, resources = rendered
    config_maps = {r["metadata"]["name"] for r in resources if r["kind"] == "ConfigMap"}
    job = _one(resources, "Job", "beyond-migrate")
    (migrate,) = _containers(job)
    assert migrate["args"] == ["migrate"]
    assert {"secretRef": {"name": "beyond-secrets"}} in migrate["envFrom"]
    for resource in [job, *(r for r in resources if r["kind"] == "Deployment")]:
        for container in _containers(resource):
            sources = container.get("envFrom", [])
            if resource["metadata"]["name"] == "router":
                continue
            for source in sources:
                if "configMapRef" in source:
                    assert source["configMapRef"]["name"] in config_maps
            assert container["image"].split(":")[0].endswith("beyond")


def _secrets_of(container: dict[str, Any]) -> dict[str, str]:
    """Variable → key of each ``beyond-secrets`` reference of the container."""
    found = {}
    for variable in container.get("env", []):
        reference = variable.get("valueFrom", {}).get("secretKeyRef")
        if reference is not None:
            assert reference["name"] == "beyond-secrets"
            found[variable["name"]] = reference["key"]
    return found


def test_every_domain_process_references_each_secret_its_settings_name(
    rendered: tuple[str, list[Resource]],
) -> None:
    _, resources = rendered
    for name, spec in discover().items():
        secrets = {
            f"BEYOND_{setting.upper()}"
            for setting, info in spec.settings.model_fields.items()
            if is_secret(info) or info.is_required()
        }
        processes = [name, f"{name}-worker"] if spec.workers is not None else [name]
        for process in processes:
            (container,) = _containers(_one(resources, "Deployment", process))
            # Only its own: no Secret imported whole, no other domain's database or keys.
            assert all("secretRef" not in source for source in container["envFrom"])
            assert _secrets_of(container) == {s: s for s in secrets}, process
    (commerce,) = _containers(_one(resources, "Deployment", "commerce"))
    assert "BEYOND_PAYMENT_WEBHOOK_SECRET" in _secrets_of(commerce)


def test_every_called_domain_is_reached_through_its_service(
    rendered: tuple[str, list[Resource]],
) -> None:
    _, resources = rendered
    config = _one(resources, "ConfigMap", "beyond-config")["data"]
    called = {callee for spec in discover().values() for callee in spec.calls}
    assert called
    for name in called:
        port = discover()[name].grpc_port
        assert config[f"BEYOND_{name.upper()}_GRPC_TARGET"] == f"{name}:{port}"


def test_the_router_config_routes_to_every_domain_s_kubernetes_url(
    rendered: tuple[str, list[Resource]],
) -> None:
    _, resources = rendered
    text = _one(resources, "ConfigMap", "beyond-router")["data"]["router.toml"]
    config = parse_config(tomllib.loads(text))
    routing = tomllib.loads((ROOT / "schema" / "subgraphs.toml").read_text())["subgraphs"]
    expected = {name: routing[name]["kubernetes"] for name in deployed_domains()}
    assert config.subgraph_urls({}) == expected
    deployment = _one(resources, "Deployment", "router")
    volumes = {v["name"]: v for v in deployment["spec"]["template"]["spec"]["volumes"]}
    (container,) = _containers(deployment)
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    config_path = container["args"][container["args"].index("--config") + 1]
    assert volumes[mounts[str(Path(config_path).parent)]]["configMap"]["name"] == "beyond-router"


def test_overlays_size_the_deployment(rendered: tuple[str, list[Resource]]) -> None:
    overlay, resources = rendered
    images = {
        c["image"] for r in resources if "template" in r.get("spec", {}) for c in _containers(r)
    }
    hpas = [r for r in resources if r["kind"] == "HorizontalPodAutoscaler"]
    if overlay == "dev":
        assert images == {"beyond:dev"}
        assert {h["spec"]["minReplicas"] for h in hpas} == {1}
    else:
        assert images == {"registry.example.com/beyond:0.1.0"}
        assert {h["spec"]["minReplicas"] for h in hpas} == {3}
        router = _one(resources, "Deployment", "router")
        assert next(_containers(router))["resources"]["requests"]["cpu"] == "1"
        worker = _one(resources, "Deployment", "social-worker")
        assert next(_containers(worker))["resources"]["requests"]["cpu"] == "100m"


def test_metrics_are_scraped_from_pods_and_published_by_no_service(
    rendered: tuple[str, list[Resource]],
) -> None:
    _, resources = rendered
    config = _one(resources, "ConfigMap", "beyond-config")["data"]
    for deployment in (r for r in resources if r["kind"] == "Deployment"):
        (container,) = _containers(deployment)
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        annotations = deployment["spec"]["template"]["metadata"]["annotations"]
        assert annotations["prometheus.io/port"] == str(ports["metrics"])
        env = {e["name"]: e.get("value") for e in container.get("env", [])}
        listen = env.get("BEYOND_METRICS_LISTEN") or config["BEYOND_METRICS_LISTEN"]
        assert listen.endswith(f":{ports['metrics']}"), deployment["metadata"]["name"]
    for service in (r for r in resources if r["kind"] == "Service"):
        assert "metrics" not in {p["targetPort"] for p in service["spec"]["ports"]}


def test_every_required_setting_comes_from_the_config_map_or_the_secret(
    rendered: tuple[str, list[Resource]],
) -> None:
    _, resources = rendered
    config = _one(resources, "ConfigMap", "beyond-config")["data"]
    secrets = secret_keys(list(discover().values()))
    for name, spec in discover().items():
        required = {
            f"BEYOND_{setting.upper()}"
            for setting, info in spec.settings.model_fields.items()
            if info.is_required()
        }
        assert required <= set(config) | set(secrets), name
    # `beyond serve` refuses the console SMS provider: accounts sends codes to a webhook.
    assert config["BEYOND_SMS_PROVIDER"] == "webhook"
    assert "BEYOND_SMS_WEBHOOK_URL" in secrets
    # The router proves itself to the subgraphs with the secret they read from the same key.
    (router,) = _containers(_one(resources, "Deployment", "router"))
    env = {e["name"]: e for e in router["env"]}
    assert env["BEYOND_ROUTER_SECRET"]["valueFrom"]["secretKeyRef"] == {
        "name": "beyond-secrets",
        "key": "BEYOND_ROUTER_SECRET",
    }
    assert "BEYOND_ROUTER_SECRET" in secrets
