"""Encryption of personal data at rest, and blind indexes to look it up.

One 32-byte master key (``BEYOND_DATA_KEY``) is split with HKDF into an AES-256-GCM
key and an HMAC-SHA256 key, so the index cannot be turned into the cipher key.
A ciphertext is ``version byte || 12-byte random nonce || AES-GCM output``; the
column name is bound in as associated data, so a value moved to another column
does not decrypt. The blind index is a keyed HMAC of the normalised value: equal
values give equal indexes, and without the key the index reveals nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_VERSION = b"\x01"


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


class FieldCipher:
    def __init__(self, master_key: bytes) -> None:
        if len(master_key) != 32:
            raise ValueError("the data key must be 32 bytes")
        self._aead = AESGCM(_derive(master_key, b"beyond field encryption v1"))
        self._index_key = _derive(master_key, b"beyond blind index v1")

    @classmethod
    def from_base64(cls, key: str) -> FieldCipher:
        return cls(base64.b64decode(key))

    def encrypt(self, plaintext: str, *, column: str) -> bytes:
        nonce = os.urandom(12)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext.encode(), column.encode())

    def decrypt(self, ciphertext: bytes, *, column: str) -> str:
        if ciphertext[:1] != _VERSION:
            raise ValueError("unknown ciphertext version")
        nonce, body = ciphertext[1:13], ciphertext[13:]
        return self._aead.decrypt(nonce, body, column.encode()).decode()

    def blind_index(self, value: str, *, column: str) -> str:
        message = column.encode() + b"\x00" + value.encode()
        return hmac.new(self._index_key, message, hashlib.sha256).hexdigest()
