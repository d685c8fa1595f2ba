"""Input rules of the accounts domain: mobile numbers, passwords, profile fields.

Each check returns the normalised value or raises ``BadUserInput`` naming the field.
"""

from __future__ import annotations

import re

from shared.errors import BadUserInput
from shared.urls import is_http_url

NICKNAME_MAX = 20
BIO_MAX = 280
AVATAR_MAX = 512
PASSWORD_MIN = 8
PASSWORD_MAX = 128
DEVICE_ID_MIN = 16
DEVICE_ID_MAX = 128

_MOBILE = re.compile(r"1[3-9]\d{9}")
_DEVICE_ID = re.compile(rf"[!-~]{{{DEVICE_ID_MIN},{DEVICE_ID_MAX}}}")  # printable ASCII, no space


def normalize_mobile(raw: str, *, field: str = "mobile") -> str:
    """Mainland China mobile numbers, with or without ``+86``/``86``, spaces and dashes."""
    digits = re.sub(r"[\s-]", "", raw)
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    if not _MOBILE.fullmatch(digits):
        raise BadUserInput(
            "Enter an 11-digit mainland China mobile number, e.g. 13800138000.", field=field
        )
    return digits


def mask_mobile(mobile: str) -> str:
    return f"{mobile[:3]}****{mobile[-4:]}"


def check_password(password: str, *, mobile: str, field: str = "password") -> str:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise BadUserInput(
            f"The password must be {PASSWORD_MIN} to {PASSWORD_MAX} characters long.", field=field
        )
    if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
        raise BadUserInput("The password must contain both letters and digits.", field=field)
    if mobile in password:
        raise BadUserInput("The password must not contain the mobile number.", field=field)
    if len(set(password)) < 4:
        raise BadUserInput(
            "The password is too easy to guess: use more varied characters.", field=field
        )
    return password


def check_nickname(nickname: str, *, field: str = "nickname") -> str:
    cleaned = " ".join(nickname.split())
    if not cleaned:
        raise BadUserInput("The nickname must not be empty.", field=field)
    if len(cleaned) > NICKNAME_MAX:
        raise BadUserInput(f"The nickname must be at most {NICKNAME_MAX} characters.", field=field)
    return cleaned


def check_bio(bio: str, *, field: str = "bio") -> str:
    cleaned = bio.strip()
    if len(cleaned) > BIO_MAX:
        raise BadUserInput(f"The bio must be at most {BIO_MAX} characters.", field=field)
    return cleaned


def check_avatar(url: str, *, field: str = "avatar") -> str:
    if not is_http_url(url.strip(), max_length=AVATAR_MAX):
        raise BadUserInput(
            f"The avatar must be an http(s) URL of at most {AVATAR_MAX} characters.", field=field
        )
    return url.strip()


def check_code(code: str, *, field: str = "code") -> str:
    if not re.fullmatch(r"\d{6}", code.strip()):
        raise BadUserInput("The verification code is 6 digits.", field=field)
    return code.strip()


def check_device_id(device_id: str | None, *, field: str = "deviceId") -> str | None:
    """A client's own random device id (see :mod:`subgraphs.accounts.devices`), if it sent one."""
    if device_id is not None and not _DEVICE_ID.fullmatch(device_id):
        raise BadUserInput(
            f"The device id must be {DEVICE_ID_MIN} to {DEVICE_ID_MAX} printable ASCII "
            "characters without spaces, e.g. a random UUID the device keeps.",
            field=field,
        )
    return device_id
