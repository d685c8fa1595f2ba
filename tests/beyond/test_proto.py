"""``beyond proto``: checked-in gRPC stubs are current and import their siblings relatively."""

from __future__ import annotations

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
