"""The subgraph HTTP client's connections: framing, bounds, and never a crossed answer."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import ipaddress
import ssl
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
import uvloop
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from router.transport import HttpTransport, SubgraphRequest, TransportError
from router.transport.http_pool import Pool, target
from tests.router.raw_subgraph import RawSubgraph, json_answer

Runner = Callable[[Callable[[], Awaitable[None]]], Awaitable[None]]


@pytest.fixture(params=["asyncio", "uvloop"])
def on_loop(request: pytest.FixtureRequest) -> Runner:
    """Runs a scenario on the test's asyncio loop, or on uvloop (the servers' loop) in a thread."""

    async def run(scenario: Callable[[], Awaitable[None]]) -> None:
        if request.param == "asyncio":
            await scenario()
        else:
            await asyncio.to_thread(uvloop.run, scenario())

    return run


async def _echo_query(body: bytes, writer: asyncio.StreamWriter) -> bool:
    """Answers ``{"data": {"asked": <the query>}}``, so a crossed answer shows."""
    query = body.split(b'"query":"', 1)[1].split(b'"', 1)[0]
    writer.write(json_answer(b'{"data":{"asked":"' + query + b'"}}'))
    return True


async def _ask(transport: HttpTransport, query: str) -> object:
    response = await transport.fetch("s", SubgraphRequest(query=query))
    return response.data


async def test_chunked_and_read_until_close_answers_are_read_whole(on_loop: Runner) -> None:
    async def scenario() -> None:
        async def chunked(body: bytes, writer: asyncio.StreamWriter) -> bool:
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n"
                b'7\r\n{"data"\r\n9\r\n:{"n":1}}\r\n0\r\n\r\n'
            )
            return True

        async def until_close(body: bytes, writer: asyncio.StreamWriter) -> bool:
            writer.write(b'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{"data":{"n":2}}')
            return False

        for answer, expected in ((chunked, {"n": 1}), (until_close, {"n": 2})):
            subgraph = RawSubgraph(answer)
            async with subgraph.serving() as url:
                transport = HttpTransport({"s": url}, default_timeout=5)
                try:
                    assert await _ask(transport, "{ n }") == expected
                    assert await _ask(transport, "{ n }") == expected
                finally:
                    await transport.aclose()

    await on_loop(scenario)


async def test_a_late_answer_never_reaches_the_next_request(on_loop: Runner) -> None:
    async def scenario() -> None:
        async def slow_first(body: bytes, writer: asyncio.StreamWriter) -> bool:
            if b"slow" in body:
                await asyncio.sleep(0.5)
            return await _echo_query(body, writer)

        subgraph = RawSubgraph(slow_first)
        async with subgraph.serving() as url:
            transport = HttpTransport({"s": url}, timeouts={"s": 0.1}, pool_size=1)
            try:
                with pytest.raises(TransportError, match=r"timed out after 0\.1s"):
                    await _ask(transport, "{ slow }")
                assert await _ask(transport, "{ fast }") == {"asked": "{ fast }"}
                cancelled = asyncio.create_task(_ask(transport, "{ slow }"))
                await asyncio.sleep(0.05)
                cancelled.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await cancelled
                assert await _ask(transport, "{ after }") == {"asked": "{ after }"}
            finally:
                await transport.aclose()
        assert subgraph.connections == 3  # each interrupted request took its connection with it

    await on_loop(scenario)


async def test_requests_in_flight_never_exceed_the_pool_and_connections_are_reused(
    on_loop: Runner,
) -> None:
    async def scenario() -> None:
        async def held(body: bytes, writer: asyncio.StreamWriter) -> bool:
            await asyncio.sleep(0.01)
            return await _echo_query(body, writer)

        subgraph = RawSubgraph(held)
        async with subgraph.serving() as url:
            transport = HttpTransport({"s": url}, default_timeout=10, pool_size=4)
            try:
                answers = await asyncio.gather(
                    *(_ask(transport, f"{{ q{i} }}") for i in range(200))
                )
            finally:
                await transport.aclose()
        assert answers == [{"asked": f"{{ q{i} }}"} for i in range(200)]
        assert subgraph.most_in_flight == 4
        assert subgraph.connections == 4

    await on_loop(scenario)


async def test_an_idle_connection_past_its_keep_alive_is_not_reused(on_loop: Runner) -> None:
    async def scenario() -> None:
        subgraph = RawSubgraph(_echo_query)
        request = b'POST /graphql HTTP/1.1\r\nContent-Length: 13\r\n\r\n{"query":"x"}'
        async with subgraph.serving() as url:
            pool = Pool(size=2, idle_seconds=0.1)
            try:
                to = target(url)
                await pool.post(to, request, within=5)
                await pool.post(to, request, within=5)
                assert subgraph.connections == 1
                await asyncio.sleep(0.15)
                await pool.post(to, request, within=5)
            finally:
                pool.close()
        assert subgraph.connections == 2

    await on_loop(scenario)


async def test_a_header_with_a_line_break_is_refused_before_anything_is_sent(
    on_loop: Runner,
) -> None:
    async def scenario() -> None:
        subgraph = RawSubgraph(_echo_query)
        async with subgraph.serving() as url:
            transport = HttpTransport({"s": url}, default_timeout=5)
            try:
                for value in ("x\r\nX-Injected: 1", "x\nX-Injected: 1", "x\0"):
                    smuggled = SubgraphRequest(query="{ n }", headers=(("Authorization", value),))
                    with pytest.raises(TransportError, match="line break"):
                        await transport.fetch("s", smuggled)
            finally:
                await transport.aclose()
        assert subgraph.bodies == []

    await on_loop(scenario)


async def test_an_answer_that_is_not_http_is_a_transport_error(on_loop: Runner) -> None:
    async def scenario() -> None:
        async def garbage(body: bytes, writer: asyncio.StreamWriter) -> bool:
            writer.write(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")
            return True

        subgraph = RawSubgraph(garbage)
        async with subgraph.serving() as url:
            transport = HttpTransport({"s": url}, default_timeout=5)
            try:
                with pytest.raises(TransportError, match="invalid HTTP answer"):
                    await _ask(transport, "{ n }")
            finally:
                await transport.aclose()

    await on_loop(scenario)


def _self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (it signs itself) and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "subgraph")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


async def test_an_https_subgraph_is_verified_against_the_trusted_certificates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert_file, key_file = _self_signed(tmp_path)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert_file, key_file)
    async with RawSubgraph(_echo_query).serving(tls) as url:
        untrusting = HttpTransport({"s": url}, default_timeout=5)
        with pytest.raises(TransportError, match="CERTIFICATE_VERIFY_FAILED"):
            await _ask(untrusting, "{ n }")
        await untrusting.aclose()
        monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))
        trusting = HttpTransport({"s": url}, default_timeout=5)
        try:
            assert await _ask(trusting, "{ n }") == {"asked": "{ n }"}
        finally:
            await trusting.aclose()
