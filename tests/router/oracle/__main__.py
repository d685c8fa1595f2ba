"""``python -m tests.router.oracle [--seed N] [--splits N] [--operations N] [--show N]``."""

from __future__ import annotations

import argparse
import asyncio
import json
import time

from tests.router.oracle.run import run


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.router.oracle")
    parser.add_argument("--seed", type=int, default=1, help="first split seed")
    parser.add_argument("--splits", type=int, default=3)
    parser.add_argument("--operations", type=int, default=10_000, help="per split")
    parser.add_argument("--show", type=int, default=5, help="differences to print in full")
    arguments = parser.parse_args()
    started, cpu = time.monotonic(), time.process_time()
    report = asyncio.run(run(arguments.seed, arguments.splits, arguments.operations))
    print(
        f"{report.splits} splits, {report.operations} operations "
        f"({report.invalid} generated operations invalid, skipped), "
        f"{len(report.differences)} differences, {len(report.uncomposed)} splits refused by "
        f"composition, {time.monotonic() - started:.0f} s, "
        f"{(report.operations + report.invalid) / (time.process_time() - cpu):.1f} operations "
        "per CPU-second (composition, in node, not counted)"
    )
    for refusal in report.uncomposed:
        print(refusal)
    for difference in report.differences[: arguments.show]:
        print(json.dumps(difference.__dict__, indent=1, default=sorted))


if __name__ == "__main__":
    main()
