"""``beyond proto``: checked-in gRPC stubs are current and import their siblings relatively."""

from __future__ import annotations

import ast
from pathlib import Path

from beyond.commands.proto import ROOT, find_protos, generate, stale_stubs


def test_checked_in_stubs_are_current() -> None:
    stale = [str(path.relative_to(ROOT)) for path in stale_stubs()]
    assert stale == [], "run `beyond proto` and commit the result"


def test_stubs_import_their_siblings_relative_to_the_package() -> None:
    echo = ROOT / "tests" / "shared" / "grpc" / "echo.proto"
    assert echo in find_protos()
    stubs = generate(echo)
    assert sorted(path.name for path in stubs) == [
        "echo_pb2.py",
        "echo_pb2.pyi",
        "echo_pb2_grpc.py",
    ]
    assert "from . import echo_pb2 as echo__pb2" in stubs[echo.parent / "echo_pb2_grpc.py"]


def test_a_changed_proto_makes_its_stubs_stale(tmp_path: Path) -> None:
    folder = tmp_path / "tests" / "rpc"
    folder.mkdir(parents=True)
    proto = folder / "ping.proto"
    proto.write_text('syntax = "proto3";\npackage t;\nmessage Ping { string at = 1; }\n')
    for path, content in generate(proto).items():
        path.write_text(content)
    assert stale_stubs(tmp_path) == []
    proto.write_text(proto.read_text().replace("string at = 1;", "string at = 1; int32 n = 2;"))
    assert stale_stubs(tmp_path) == [folder / "ping_pb2.py", folder / "ping_pb2.pyi"]


def test_each_contract_lives_once_under_contracts_with_one_client() -> None:
    protos = find_protos()
    served = [p for p in protos if "tests" not in p.relative_to(ROOT).parts]
    assert served, "no contracts found"
    for proto in served:
        assert proto.relative_to(ROOT).parts[:2] == ("contracts", proto.stem), proto
        assert (proto.parent / "client.py").exists(), f"{proto.parent} has no typed client.py"
    names = [proto.name for proto in protos]
    assert len(names) == len(set(names)), names
    orphans = [
        path.relative_to(ROOT)
        for folder in ("contracts", "subgraphs", "shared")
        for path in (ROOT / folder).rglob("*_pb2*.py*")
        if path.suffix in (".py", ".pyi")
        and not (path.parent / (path.name.split("_pb2")[0] + ".proto")).exists()
    ]
    assert orphans == [], "stubs without their .proto: delete them or run `beyond proto`"


def foreign_stub_imports(root: Path) -> list[str]:
    """Imports, under ``root/subgraphs``, of another owner's generated stubs."""
    found = []
    for path in sorted((root / "subgraphs").rglob("*.py")):
        owner = path.relative_to(root / "subgraphs").parts[0]
        for node in ast.walk(ast.parse(path.read_text())):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            found += [
                f"{path.relative_to(root)} imports {name}"
                for name in names
                if (parts := name.split("."))[0] == "contracts"
                and len(parts) > 2
                and parts[1] != owner
                and "_pb2" in parts[2]
            ]
    return found


def test_callers_use_the_typed_client_and_only_the_owner_uses_the_stubs() -> None:
    assert foreign_stub_imports(ROOT) == [], "call another domain through contracts.<owner>.client"


def test_the_stub_checker_sees_another_owners_stubs(tmp_path: Path) -> None:
    folder = tmp_path / "subgraphs" / "articles"
    folder.mkdir(parents=True)
    (folder / "ok.py").write_text(
        "from contracts.accounts.client import AccountsClient\n"
        "from contracts.articles import articles_pb2\n"
    )
    (folder / "bad.py").write_text("from contracts.accounts import accounts_pb2_grpc\n")
    assert foreign_stub_imports(tmp_path) == [
        "subgraphs/articles/bad.py imports contracts.accounts.accounts_pb2_grpc"
    ]


def _called_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {
        node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
    }


def test_every_typed_client_connects_through_peer_channel() -> None:
    """So each gets the static target or the replicas in etcd as the settings say."""
    clients = sorted((ROOT / "contracts").glob("*/client.py"))
    assert clients, "no typed clients found"
    for client in clients:
        called = _called_names(client)
        assert "peer_channel" in called, f"{client.relative_to(ROOT)} does not use peer_channel"
        assert "create_channel" not in called, f"{client.relative_to(ROOT)} builds its own channel"
