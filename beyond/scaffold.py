"""``beyond new-domain NAME``: a working domain from the template in ``beyond/templates/domain``.

The template is a subgraph with one entity (``<Name>Item``, its author a
``User`` by key), its settings, runtime, request context, loaders, service,
model and first migration, and its tests (on the domain's own app and through
the router). Each ``*.tmpl`` file is written with ``@name@``, ``@Name@``,
``@port@`` and ``@date@`` filled in; then the derived files (compose file,
routing file, README settings table) and the schema contract are regenerated,
so the new domain is wired everywhere with no other edit.
"""

from __future__ import annotations

import importlib
import keyword
import re
from datetime import date
from pathlib import Path

from beyond.artefacts import write_artefacts
from beyond.domains import ROOT, discover, domain_names, export_sdls

TEMPLATE = Path(__file__).resolve().parent / "templates" / "domain"
NAME = re.compile(r"[a-z][a-z0-9]{1,29}")


class ScaffoldError(Exception):
    """The domain cannot be created as asked; the message says why."""


def _fill(text: str, values: dict[str, str]) -> str:
    for token, value in values.items():
        text = text.replace(f"@{token}@", value)
    return text


def create_domain(name: str, *, port: int | None = None, root: Path = ROOT) -> list[Path]:
    """Write the domain ``name`` under ``root`` from the template; return the files written."""
    if not NAME.fullmatch(name) or keyword.iskeyword(name):
        raise ScaffoldError(
            f"{name!r} is not a domain name: 2 to 30 lower-case letters and digits, "
            "starting with a letter"
        )
    if name in domain_names(root / "subgraphs") or (root / "subgraphs" / name).exists():
        raise ScaffoldError(f"subgraphs/{name} exists already")
    taken = [spec.port for spec in discover().values()]
    port = port if port is not None else max(taken) + 1
    if port in taken:
        raise ScaffoldError(f"port {port} is taken by another domain")
    values = {
        "name": name,
        "Name": name.capitalize(),
        "port": str(port),
        "date": date.today().isoformat(),
    }
    written = []
    for source in sorted(TEMPLATE.rglob("*.tmpl")):
        relative = _fill(str(source.relative_to(TEMPLATE).with_suffix("")), values)
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_fill(source.read_text(), values))
        written.append(target)
    return written


def wire_domains(root: Path = ROOT) -> list[str]:
    """Rediscover the domains and regenerate every file derived from them; return those changed."""
    from beyond.commands.schema import compose_schema_dir

    importlib.invalidate_caches()
    discover.cache_clear()
    specs = list(discover().values())
    changed = write_artefacts(specs, root)
    compose_schema_dir(root / "schema", export_sdls())
    return [*changed, "schema/"]
