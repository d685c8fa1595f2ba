"""``beyond probe [URL]``: exit 0 when ``URL`` answers 200, 1 otherwise.

The container image's ``HEALTHCHECK``: one image runs every command on
its own port, so the URL comes from ``BEYOND_PROBE_URL`` (set per
container), else the router's default ``/health``.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from beyond.commands import CommandError

DEFAULT_URL = "http://127.0.0.1:4000/health"
PROBE_URL_VARIABLE = "BEYOND_PROBE_URL"


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "probe", help=f"check that a health URL answers 200 (default ${PROBE_URL_VARIABLE})"
    )
    parser.add_argument("url", nargs="?", help=f"default: ${PROBE_URL_VARIABLE} or {DEFAULT_URL}")
    parser.add_argument("--timeout", type=float, default=3.0, metavar="SECONDS")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    import urllib.error
    import urllib.request

    url = args.url or os.environ.get(PROBE_URL_VARIABLE) or DEFAULT_URL
    try:
        with urllib.request.urlopen(url, timeout=args.timeout) as response:
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (urllib.error.URLError, OSError) as exc:
        raise CommandError(f"{url}: {getattr(exc, 'reason', exc)}") from None
    if status != 200:
        raise CommandError(f"{url} answered {status}")
    return 0
