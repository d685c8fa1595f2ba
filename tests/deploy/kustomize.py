"""The part of kustomize that deploy/kubernetes uses, to render it without the binary.

A kustomization may list ``resources`` (files or directories with their own
kustomization), and set ``namespace``, ``labels`` (``pairs`` added to every
resource's metadata only), ``images`` (``newName``/``newTag`` on containers
whose image is ``name``) and ``patches`` (inline JSON 6902 ``patch`` with a
``target`` by kind, name and an equality label selector). Any other key is
refused, so a manifest cannot lean on a feature this renderer would ignore.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

Resource = dict[str, Any]
KNOWN = {"apiVersion", "kind", "namespace", "labels", "resources", "images", "patches"}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume"}


def render(directory: Path) -> list[Resource]:
    spec = yaml.safe_load((directory / "kustomization.yaml").read_text())
    unknown = set(spec) - KNOWN
    assert not unknown, f"{directory}: kustomization keys not rendered here: {sorted(unknown)}"
    resources: list[Resource] = []
    for entry in spec.get("resources", []):
        path = directory / entry
        if path.is_dir():
            resources.extend(render(path))
        else:
            resources.extend(d for d in yaml.safe_load_all(path.read_text()) if d)
    resources = [copy.deepcopy(r) for r in resources]
    for patch in spec.get("patches", []):
        _patch(resources, patch)
    for image in spec.get("images", []):
        _retag(resources, image)
    for label in spec.get("labels", []):
        for resource in resources:
            resource["metadata"].setdefault("labels", {}).update(label["pairs"])
    if "namespace" in spec:
        for resource in resources:
            if resource["kind"] not in CLUSTER_SCOPED:
                resource["metadata"]["namespace"] = spec["namespace"]
    return resources


def _selected(resource: Resource, target: dict[str, str]) -> bool:
    if "kind" in target and resource["kind"] != target["kind"]:
        return False
    if "name" in target and resource["metadata"]["name"] != target["name"]:
        return False
    labels = resource["metadata"].get("labels", {})
    for requirement in filter(None, target.get("labelSelector", "").split(",")):
        if "!=" in requirement:
            key, value = (part.strip() for part in requirement.split("!="))
            if labels.get(key) == value:
                return False
        else:
            key, value = (part.strip() for part in requirement.split("="))
            if labels.get(key) != value:
                return False
    return True


def _patch(resources: list[Resource], patch: dict[str, Any]) -> None:
    operations = yaml.safe_load(patch["patch"])
    chosen = [r for r in resources if _selected(r, patch["target"])]
    assert chosen, f"patch target {patch['target']} selects nothing"
    for resource in chosen:
        for operation in operations:
            _apply(resource, operation)


def _apply(document: Resource, operation: dict[str, Any]) -> None:
    *parents, last = [
        part.replace("~1", "/").replace("~0", "~") for part in operation["path"].split("/")[1:]
    ]
    node: Any = document
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    key: Any = int(last) if isinstance(node, list) and last != "-" else last
    if operation["op"] == "replace":
        assert key in node if isinstance(node, dict) else key < len(node), operation["path"]
        node[key] = operation["value"]
    elif operation["op"] == "add" and isinstance(node, list):
        node.insert(len(node) if last == "-" else int(last), operation["value"])
    elif operation["op"] == "add":
        node[key] = operation["value"]
    else:
        raise AssertionError(f"JSON patch op {operation['op']} is not rendered here")


def _retag(resources: list[Resource], image: dict[str, str]) -> None:
    for resource in resources:
        pod = resource.get("spec", {}).get("template", {}).get("spec", {})
        for container in [*pod.get("containers", []), *pod.get("initContainers", [])]:
            name, _, tag = container["image"].partition(":")
            if name == image["name"]:
                tag = image.get("newTag", tag)
                name = image.get("newName", name)
                container["image"] = f"{name}:{tag}" if tag else name
