"""The Kubernetes base's domain manifests and settings, derived from the domain specs.

``deploy/kubernetes/base/domains.yaml``: each domain's Deployment (``beyond
serve``, probes, resources, non-root), Service, HorizontalPodAutoscaler and
PodDisruptionBudget, and, when it has event relays or consumers, its
``<domain>-worker`` Deployment. ``deploy/kubernetes/base/config.yaml``: the
``beyond-config`` ConfigMap (Redis, logging, metrics, each called domain's
gRPC target) and the router's ``router.toml`` routing to every domain's
Service. The router, the migration Job and the overlays are written by hand.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

from beyond.compose import METRICS_PORT, secret_settings
from beyond.domains import Spec
from beyond.yaml_text import dump
from shared.domain import grpc_target_setting

USER = 10001
SECRET_NAME = "beyond-secrets"


def _pod_security() -> dict[str, Any]:
    return {
        "runAsNonRoot": True,
        "runAsUser": USER,
        "runAsGroup": USER,
        "fsGroup": USER,
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def _container_security() -> dict[str, Any]:
    return {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
    }


def secret_references(spec: Spec) -> list[dict[str, Any]]:
    """Each secret the domain's processes read, by reference into the ``beyond-secrets`` Secret:
    a key missing there stops the pod from starting instead of starting it without."""
    return [
        {"name": key, "valueFrom": {"secretKeyRef": {"name": SECRET_NAME, "key": key}}}
        for key in [spec.database_variable, *secret_settings(spec)]
    ]


def _deployment(name: str, component: str, container: dict[str, Any]) -> dict[str, Any]:
    labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/component": component}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app.kubernetes.io/name": name}},
            "template": {
                "metadata": {
                    "labels": labels,
                    "annotations": {
                        "prometheus.io/scrape": "true",
                        "prometheus.io/port": str(METRICS_PORT),
                        "prometheus.io/path": "/metrics",
                    },
                },
                "spec": {
                    "securityContext": _pod_security(),
                    "terminationGracePeriodSeconds": 30,
                    "containers": [
                        {
                            "name": name,
                            "image": "beyond",
                            **container,
                            "envFrom": [{"configMapRef": {"name": "beyond-config"}}],
                            "securityContext": _container_security(),
                            "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
                        }
                    ],
                    "volumes": [{"name": "tmp", "emptyDir": {}}],
                },
            },
        },
    }


def _resources(cpu: str) -> dict[str, Any]:
    return {"requests": {"cpu": cpu, "memory": "256Mi"}, "limits": {"memory": "512Mi"}}


def _served(spec: Spec) -> list[dict[str, Any]]:
    args = ["serve", spec.name, "--host", "0.0.0.0", "--port", str(spec.port)]
    ports = [{"name": "http", "containerPort": spec.port}]
    if spec.grpc_port is not None:
        args += ["--grpc-port", str(spec.grpc_port)]
        ports.append({"name": "grpc", "containerPort": spec.grpc_port})
    if spec.workers is not None:
        args.append("--no-workers")
    ports.append({"name": "metrics", "containerPort": METRICS_PORT})
    deployment = _deployment(
        spec.name,
        "subgraph",
        {
            "args": args,
            "resources": _resources("250m"),
            "ports": ports,
            "env": [
                {"name": "BEYOND_PROBE_URL", "value": f"http://127.0.0.1:{spec.port}/health"},
                *secret_references(spec),
            ],
            "readinessProbe": {
                "httpGet": {"path": "/ready", "port": "http"},
                "periodSeconds": 5,
                "failureThreshold": 3,
            },
            "livenessProbe": {
                "httpGet": {"path": "/health", "port": "http"},
                "initialDelaySeconds": 10,
                "periodSeconds": 10,
                "failureThreshold": 6,
            },
        },
    )
    selector = {"app.kubernetes.io/name": spec.name}
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": spec.name, "labels": selector},
        "spec": {
            "selector": selector,
            "ports": [
                {"name": port["name"], "port": port["containerPort"], "targetPort": port["name"]}
                for port in ports
                if port["name"] != "metrics"
            ],
        },
    }
    autoscaler = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": spec.name},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": spec.name},
            "minReplicas": 2,
            "maxReplicas": 10,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": 70},
                    },
                }
            ],
        },
    }
    budget = {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": spec.name},
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": selector}},
    }
    return [deployment, service, autoscaler, budget]


def _worker(spec: Spec) -> dict[str, Any]:
    return _deployment(
        f"{spec.name}-worker",
        "worker",
        {
            "args": ["worker", spec.name],
            "resources": _resources("100m"),
            "env": secret_references(spec),
            "ports": [{"name": "metrics", "containerPort": METRICS_PORT}],
        },
    )


def domains_manifest(specs: Sequence[Spec], header: str) -> str:
    documents: list[str] = [f"# {header}\n# Each domain's subgraph, and its event workers."]
    for spec in specs:
        resources = _served(spec) + ([_worker(spec)] if spec.workers is not None else [])
        documents += [dump(resource).rstrip("\n") for resource in resources]
    return "\n---\n".join(documents) + "\n"


def secret_keys(specs: Sequence[Spec]) -> list[str]:
    """What the operator puts in the ``beyond-secrets`` Secret."""
    keys = [ref["name"] for spec in specs for ref in secret_references(spec)]
    return list(dict.fromkeys(keys))


def config_manifest(specs: Sequence[Spec], header: str) -> str:
    by_name = {spec.name: spec for spec in specs}
    called = sorted({name for spec in specs for name in spec.calls}, key=lambda n: by_name[n].port)
    settings: dict[str, str] = {
        "BEYOND_REDIS_URL": "redis://redis:6379/0",
        "BEYOND_REDIS_PREFIX": "beyond:",
        "BEYOND_LOG_LEVEL": "INFO",
        # /metrics on its own port, which no Service exposes (pods are scraped directly).
        "BEYOND_METRICS_LISTEN": f"0.0.0.0:{METRICS_PORT}",
        **{
            f"BEYOND_{grpc_target_setting(name).upper()}": f"{name}:{by_name[name].grpc_port}"
            for name in called
        },
    }
    if any("sms_provider" in spec.settings.model_fields for spec in specs):
        # `serve` refuses the console provider: codes go to the SMS gateway's webhook.
        settings["BEYOND_SMS_PROVIDER"] = "webhook"
    routes = ["[router]", 'errors = "mask"', "graphiql = false", ""]
    for spec in specs:
        url = f"http://{spec.name}.beyond.svc.cluster.local:{spec.port}/graphql"
        routes += [f"[subgraphs.{spec.name}]", f'url = "{url}"', ""]
    held = "Settings that are not secret. The Secret `beyond-secrets` (created by the operator, "
    held += "see README, Kubernetes) holds " + ", ".join(secret_keys(specs)) + "."
    comment = [f"# {header}", *(f"# {line}" for line in textwrap.wrap(held, 90))]
    maps = [
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "beyond-config"},
            "data": settings,
        },
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "beyond-router"},
            # Subgraph URLs: the `kubernetes` URLs of schema/subgraphs.toml (a test compares).
            "data": {"router.toml": "\n".join(routes)},
        },
    ]
    return "\n---\n".join(["\n".join(comment), *(dump(m).rstrip("\n") for m in maps)]) + "\n"
