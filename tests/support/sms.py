"""An SMS sender that keeps messages instead of sending them (the real one is a provider)."""

from __future__ import annotations


class RecordingSmsSender:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send_code(self, mobile: str, code: str) -> None:
        self.sent.append((mobile, code))

    def last_code(self, mobile: str) -> str:
        for to, code in reversed(self.sent):
            if to == mobile:
                return code
        raise AssertionError(f"no code was sent to {mobile}")
