"""The container image, laid out from deploy/Dockerfile without a container engine.

The build stage's ``COPY`` lines (filtered by ``.dockerignore``) are copied
into a temporary root, its ``pip wheel`` is run there with the test's own
interpreter (``--no-deps``: the dependencies are the venv's), the final
stage's ``pip install /wheels/*`` is done by unpacking the wheel, and its
own ``COPY`` lines are laid beside. Then the image's entry point runs from
exactly those files: ``--help``, ``schema check``, ``migrate`` (on SQLite),
and the router answering the ``HEALTHCHECK`` command.
"""

from __future__ import annotations

import configparser
import json
import os
import subprocess
import sys
import sysconfig
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from beyond.domains import discover
from tests.deploy.dockerfile import Stage, copy_from_context, parse, read_ignore
from tests.support.net import free_port

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
VENV_PACKAGES = sysconfig.get_paths()["purelib"]


@dataclass(frozen=True)
class Image:
    site: Path
    workdir: Path
    entry_point: str
    stage: Stage

    def run(
        self, *args: str, env: dict[str, str] | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(*args), **self._options(env), capture_output=True, timeout=timeout
        )

    def start(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.command(*args),
            **self._options(env),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def command(self, *args: str) -> list[str]:
        module, _, function = self.entry_point.partition(":")
        launcher = (
            "import importlib, sys; sys.argv[0] = 'beyond'; "
            f"sys.exit(importlib.import_module({module!r}).{function}())"
        )
        # -S: no .pth files, so not the project's editable install; -P: nothing from the
        # working directory. PYTHONPATH gives the image's files, then the venv's packages.
        return [sys.executable, "-S", "-P", "-c", launcher, *args]

    def _options(self, env: dict[str, str] | None) -> dict[str, object]:
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("BEYOND_", "PYTHON"))}
        return {
            "cwd": self.workdir,
            "env": {
                **clean,
                "PYTHONPATH": f"{self.site}{os.pathsep}{VENV_PACKAGES}",
                **(env or {}),
            },
            "text": True,
        }


def _lay_out(stage: Stage, root: Path) -> None:
    patterns = read_ignore(ROOT / ".dockerignore")
    for copy in stage.copies:
        if copy.from_stage is None:
            copy_from_context(copy, ROOT, root, patterns)


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Image:
    build, final = parse(DOCKERFILE.read_text())
    tmp = tmp_path_factory.mktemp("image")

    build_root = tmp / "build"
    _lay_out(build, build_root)
    (wheel_command,) = [r for r in build.arguments("RUN") if "pip wheel" in r]
    assert wheel_command.endswith(" ."), "the build stage builds the project in its WORKDIR"
    wheels = tmp / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-cache-dir",
            "--wheel-dir",
            str(wheels),
            str(build_root / build.workdir.lstrip("/")),
        ],
        check=True,
        capture_output=True,
    )

    assert any(c.from_stage == build.name and c.sources == ("/wheels",) for c in final.copies)
    assert any("pip install" in r and "/wheels/*" in r for r in final.arguments("RUN"))
    site = tmp / "site"
    entry_points = configparser.ConfigParser()
    for wheel in wheels.glob("*.whl"):
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(site)
    for info in site.glob("*.dist-info/entry_points.txt"):
        entry_points.read(info)
    final_root = tmp / "final"
    _lay_out(final, final_root)
    (entry_point,) = json.loads(final.arguments("ENTRYPOINT")[0])
    return Image(
        site=site,
        workdir=final_root / final.workdir.lstrip("/"),
        entry_point=entry_points["console_scripts"][entry_point],
        stage=final,
    )


def test_the_image_runs_as_a_user_exposes_ports_and_checks_health(image: Image) -> None:
    (user,) = image.stage.arguments("USER")
    assert user.split(":")[0] not in {"root", "0"}
    exposed: set[int] = set()
    for line in image.stage.arguments("EXPOSE"):
        for ports in line.split():
            first, _, last = ports.split("/")[0].partition("-")
            exposed.update(range(int(first), int(last or first) + 1))
    wanted = {4000, 9464}
    for spec in discover().values():
        wanted |= {spec.port, *([spec.grpc_port] if spec.grpc_port else [])}
    assert wanted <= exposed
    (healthcheck,) = image.stage.arguments("HEALTHCHECK")
    assert json.loads(healthcheck.split(" CMD ", 1)[1]) == ["beyond", "probe"]


def test_the_image_runs_beyond_from_its_own_files(image: Image) -> None:
    result = image.run("--help")
    assert result.returncode == 0, result.stderr
    for command in ("serve", "router", "migrate", "schema", "worker", "probe"):
        assert command in result.stdout
    where = image.run("probe", "--help", env={"PYTHONVERBOSE": "1"})
    loaded = [line for line in where.stderr.splitlines() if "beyond/cli.py" in line]
    assert loaded and all(str(image.site) in line for line in loaded), loaded


def test_the_image_checks_its_schema_contract(image: Image) -> None:
    result = image.run("schema", "check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_migrates_every_database(image: Image, tmp_path: Path) -> None:
    env = {
        f"BEYOND_{name.upper()}_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / name}.db"
        for name in _services(image)
    }
    result = image.run("migrate", env=env)
    assert result.returncode == 0, result.stderr
    migrated = [line.split(":")[0] for line in result.stdout.splitlines()]
    assert sorted(migrated) == _services(image)
    assert len(_services(image)) >= 3


def _services(image: Image) -> list[str]:
    return sorted(p.stem for p in (image.workdir / "schema" / "subgraphs").glob("*.graphql"))


@pytest.fixture
def router(image: Image) -> Iterator[int]:
    port = free_port()
    process = image.start(
        "router", "--supergraph", "schema/supergraph.graphql", "--listen", f"127.0.0.1:{port}"
    )
    try:
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_healthcheck_passes_on_the_served_router_and_fails_without_it(
    image: Image, router: int
) -> None:
    env = {"BEYOND_PROBE_URL": f"http://127.0.0.1:{router}/health"}
    for _ in range(300):
        if image.run("probe", env=env).returncode == 0:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the router from the image never answered its health check")
    refused = image.run("probe", env={"BEYOND_PROBE_URL": f"http://127.0.0.1:{free_port()}/"})
    assert refused.returncode == 1
    assert "beyond:" in refused.stderr
