"""``deploy/compose.yaml``, derived from the domain specs: the whole graph on real servers.

MariaDB, Redis and etcd; the migrations; every domain's service and, when it
has event relays or consumers, its ``<domain>-worker``; the router; and
what watches them: Prometheus (scraping every process, with the alert rules),
Grafana (with the dashboard), an OpenTelemetry collector and Jaeger to read
the traces. The router's configuration, Prometheus's scrape list and the
collector's pipeline are written into the file (``configs: content``), so a
new domain is served, routed, scraped and traced once ``beyond domains sync``
has run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from beyond.domains import Spec
from beyond.yaml_text import dump
from shared.domain import grpc_target_setting
from shared.settings import is_secret

IMAGE_BUILD = {"context": "..", "dockerfile": "deploy/Dockerfile"}
METRICS_PORT = 9464
ROUTER_PORT = 4000
COLLECTOR = "http://otel-collector:4318"


def _variable(setting: str) -> str:
    return f"BEYOND_{setting.upper()}"


def _secret(variable: str) -> str:
    return f"${{{variable}:?set {variable}}}"


def database_url(name: str) -> str:
    return f"mysql+aiomysql://root:${{MARIADB_ROOT_PASSWORD}}@mariadb:3306/beyond_{name}?charset=utf8mb4"


def secret_settings(spec: Spec) -> list[str]:
    """The variables of a domain's secrets (:data:`shared.settings.SECRET`) and of its other
    settings without a default, its database URL aside."""
    return [
        _variable(name)
        for name, info in spec.settings.model_fields.items()
        if (is_secret(info) or info.is_required()) and name != f"{spec.name}_database_url"
    ]


def domain_environment(spec: Spec, specs: Sequence[Spec]) -> dict[str, str]:
    """What one domain's processes read, beside :func:`_telemetry`."""
    by_name = {other.name: other for other in specs}
    environment = {
        spec.database_variable: database_url(spec.name),
        "BEYOND_REDIS_URL": "redis://redis:6379/0",
        **{variable: _secret(variable) for variable in secret_settings(spec)},
    }
    if "sms_provider" in spec.settings.model_fields:
        # `serve` refuses the console provider: codes go to the SMS gateway's webhook.
        environment["BEYOND_SMS_PROVIDER"] = "webhook"
    for called in spec.calls:
        target = f"{called}:{by_name[called].grpc_port}"
        environment[_variable(grpc_target_setting(called))] = target
    return environment


def _telemetry(service: str) -> dict[str, str]:
    return {
        "BEYOND_METRICS_LISTEN": f"0.0.0.0:{METRICS_PORT}",
        "BEYOND_TRACING": "on",
        "OTEL_EXPORTER_OTLP_ENDPOINT": COLLECTOR,
        "OTEL_SERVICE_NAME": f"beyond-{service}",
    }


def _domain(spec: Spec, specs: Sequence[Spec]) -> dict[str, Any]:
    command = ["serve", spec.name, "--host", "0.0.0.0", "--port", str(spec.port)]
    if spec.grpc_port is not None:
        command += ["--grpc-port", str(spec.grpc_port)]
    if spec.workers is not None:
        command.append("--no-workers")
    return {
        "build": IMAGE_BUILD,
        "command": command,
        "environment": {
            **domain_environment(spec, specs),
            **_telemetry(spec.name),
            "BEYOND_REGISTRY_ETCD": "http://etcd:2379",
            "BEYOND_ADVERTISE_HOST": spec.name,
            "BEYOND_PROBE_URL": f"http://127.0.0.1:{spec.port}/health",
        },
        "depends_on": {
            "migrate": {"condition": "service_completed_successfully"},
            "redis": {"condition": "service_started"},
            "etcd": {"condition": "service_started"},
            **{called: {"condition": "service_healthy"} for called in spec.calls},
        },
    }


def _worker(spec: Spec, specs: Sequence[Spec]) -> dict[str, Any]:
    return {
        "build": IMAGE_BUILD,
        "command": ["worker", spec.name],
        "environment": {**domain_environment(spec, specs), **_telemetry(f"{spec.name}-worker")},
        # The image's health check asks an HTTP /health that a worker does not serve.
        "healthcheck": {"disable": True},
        "depends_on": {
            "migrate": {"condition": "service_completed_successfully"},
            "redis": {"condition": "service_started"},
        },
    }


def router_config(specs: Sequence[Spec]) -> str:
    """The router's TOML: each subgraph at its compose service (``compose`` in subgraphs.toml)."""
    lines = ["[router]", 'errors = "mask"', ""]
    for spec in specs:
        lines += [f"[subgraphs.{spec.name}]", f'url = "http://{spec.name}:{spec.port}/graphql"', ""]
    return "\n".join(lines)


def _router(specs: Sequence[Spec]) -> dict[str, Any]:
    return {
        "build": IMAGE_BUILD,
        "command": [
            "router",
            "--supergraph",
            "schema/supergraph.graphql",
            "--listen",
            f"0.0.0.0:{ROUTER_PORT}",
            "--config",
            "/etc/beyond/router.toml",
        ],
        "configs": [{"source": "router", "target": "/etc/beyond/router.toml"}],
        "environment": {
            **_telemetry("router"),
            "BEYOND_ROUTER_SECRET": _secret("BEYOND_ROUTER_SECRET"),
        },
        "ports": [f"{ROUTER_PORT}:{ROUTER_PORT}"],
        "depends_on": {spec.name: {"condition": "service_healthy"} for spec in specs},
    }


def scrape_targets(specs: Sequence[Spec]) -> dict[str, list[str]]:
    """Prometheus job → targets: the router, then each domain with its worker."""
    jobs = {"beyond-router": [f"router:{METRICS_PORT}"]}
    for spec in specs:
        targets = [f"{spec.name}:{METRICS_PORT}"]
        if spec.workers is not None:
            targets.append(f"{spec.name}-worker:{METRICS_PORT}")
        jobs[f"beyond-{spec.name}"] = targets
    return jobs


def prometheus_config(specs: Sequence[Spec]) -> str:
    return dump(
        {
            "global": {"scrape_interval": "15s", "evaluation_interval": "15s"},
            "rule_files": ["/etc/prometheus/alerts.yaml"],
            "scrape_configs": [
                {"job_name": job, "static_configs": [{"targets": targets}]}
                for job, targets in scrape_targets(specs).items()
            ],
        }
    )


COLLECTOR_CONFIG = dump(
    {
        "receivers": {"otlp": {"protocols": {"http": {"endpoint": "0.0.0.0:4318"}}}},
        "processors": {"batch": {}},
        "exporters": {"otlp/jaeger": {"endpoint": "jaeger:4317", "tls": {"insecure": True}}},
        "service": {
            "pipelines": {
                "traces": {
                    "receivers": ["otlp"],
                    "processors": ["batch"],
                    "exporters": ["otlp/jaeger"],
                }
            }
        },
    }
)
GRAFANA_DATASOURCE = dump(
    {
        "apiVersion": 1,
        "datasources": [
            {
                "name": "Prometheus",
                "type": "prometheus",
                "uid": "prometheus",
                "url": "http://prometheus:9090",
                "isDefault": True,
            }
        ],
    }
)
GRAFANA_DASHBOARDS = dump(
    {
        "apiVersion": 1,
        "providers": [
            {"name": "beyond", "type": "file", "options": {"path": "/var/lib/grafana/dashboards"}}
        ],
    }
)

BACKING_SERVICES: dict[str, Any] = {
    "mariadb": {
        "image": "mariadb:10.11",
        "environment": {"MARIADB_ROOT_PASSWORD": _secret("MARIADB_ROOT_PASSWORD")},
        "healthcheck": {
            "test": ["CMD", "healthcheck.sh", "--connect", "--innodb_initialized"],
            "interval": "5s",
            "retries": 20,
        },
    },
    "redis": {
        "image": "redis:7.0",
        "command": ["redis-server", "--save", "", "--appendonly", "no"],
    },
    "etcd": {
        "image": "quay.io/coreos/etcd:v3.5.17",
        "command": [
            "etcd",
            "--name",
            "etcd",
            "--data-dir",
            "/tmp/etcd",
            "--listen-client-urls",
            "http://0.0.0.0:2379",
            "--advertise-client-urls",
            "http://etcd:2379",
        ],
    },
}
WATCHERS: dict[str, Any] = {
    "otel-collector": {
        "image": "otel/opentelemetry-collector:0.115.1",
        "command": ["--config=/etc/otelcol/config.yaml"],
        "configs": [{"source": "otel-collector", "target": "/etc/otelcol/config.yaml"}],
        "depends_on": ["jaeger"],
    },
    "jaeger": {
        "image": "jaegertracing/all-in-one:1.64.0",
        "environment": {"COLLECTOR_OTLP_ENABLED": "true"},
        "ports": ["16686:16686"],
    },
    "prometheus": {
        "image": "prom/prometheus:v2.55.1",
        "configs": [
            {"source": "prometheus", "target": "/etc/prometheus/prometheus.yml"},
            {"source": "alerts", "target": "/etc/prometheus/alerts.yaml"},
        ],
        "ports": ["9090:9090"],
    },
    "grafana": {
        "image": "grafana/grafana:11.3.1",
        "environment": {
            "GF_SECURITY_ADMIN_PASSWORD": _secret("GRAFANA_ADMIN_PASSWORD"),
        },
        "configs": [
            {
                "source": "grafana-datasource",
                "target": "/etc/grafana/provisioning/datasources/prometheus.yaml",
            },
            {
                "source": "grafana-dashboards",
                "target": "/etc/grafana/provisioning/dashboards/beyond.yaml",
            },
            {"source": "dashboard", "target": "/var/lib/grafana/dashboards/beyond.json"},
        ],
        "ports": ["3000:3000"],
        "depends_on": ["prometheus"],
    },
}


def compose_file(specs: Sequence[Spec], header: str) -> str:
    services: dict[str, Any] = {
        **BACKING_SERVICES,
        "migrate": {
            "build": IMAGE_BUILD,
            "command": ["migrate"],
            "environment": {spec.database_variable: database_url(spec.name) for spec in specs},
            "healthcheck": {"disable": True},
            "depends_on": {"mariadb": {"condition": "service_healthy"}},
        },
    }
    for spec in specs:
        services[spec.name] = _domain(spec, specs)
        if spec.workers is not None:
            services[f"{spec.name}-worker"] = _worker(spec, specs)
    services["router"] = _router(specs)
    services.update(WATCHERS)
    configs = {
        "router": {"content": router_config(specs)},
        "prometheus": {"content": prometheus_config(specs)},
        "alerts": {"file": "./prometheus/alerts.yaml"},
        "otel-collector": {"content": COLLECTOR_CONFIG},
        "grafana-datasource": {"content": GRAFANA_DATASOURCE},
        "grafana-dashboards": {"content": GRAFANA_DASHBOARDS},
        "dashboard": {"file": "./grafana/beyond.json"},
    }
    comment = [
        f"# {header}",
        "# The whole graph on real servers, watched: see README, Operations, Compose.",
        "# Secrets come from the environment: docker compose names any that is missing.",
    ]
    return "\n".join(comment) + "\n" + dump({"services": services, "configs": configs})
