"""A TCP proxy run as its own process, so a test can freeze it (SIGSTOP) like a hung server.

``python -m tests.support.tcp_proxy LISTEN_PORT TARGET_HOST TARGET_PORT`` forwards
every connection on 127.0.0.1:LISTEN_PORT to the target and prints ``ready``
once listening. Stopped with SIGSTOP it accepts nothing and forwards nothing,
while the kernel keeps the connections open: what a frozen database looks like.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with suppress(ConnectionError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    writer.close()


async def _serve(listen_port: int, host: str, port: int) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(host, port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))

    server = await asyncio.start_server(handle, "127.0.0.1", listen_port)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


@contextmanager
def tcp_proxy(listen_port: int, host: str, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """Run the proxy in a child process until the block ends."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.tcp_proxy", str(listen_port), host, str(port)],
        stdout=subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == b"ready"
        yield process
    finally:
        process.kill()
        process.wait()
        if process.stdout is not None:
            process.stdout.close()


if __name__ == "__main__":
    asyncio.run(_serve(int(sys.argv[1]), sys.argv[2], int(sys.argv[3])))
