"""Field encryption and blind indexes."""

from __future__ import annotations

import os

import pytest
from cryptography.exceptions import InvalidTag

from shared.crypto import FieldCipher


def test_round_trip_with_a_fresh_nonce_each_time() -> None:
    cipher = FieldCipher(os.urandom(32))
    a = cipher.encrypt("13800138000", column="users.mobile")
    b = cipher.encrypt("13800138000", column="users.mobile")
    assert a != b and b"13800138000" not in a
    assert cipher.decrypt(a, column="users.mobile") == "13800138000"


def test_a_value_moved_to_another_column_does_not_decrypt() -> None:
    cipher = FieldCipher(os.urandom(32))
    with pytest.raises(InvalidTag):
        cipher.decrypt(cipher.encrypt("x", column="users.mobile"), column="users.email")


def test_blind_indexes_are_stable_per_key_and_reveal_nothing() -> None:
    key = os.urandom(32)
    one, same, other = FieldCipher(key), FieldCipher(key), FieldCipher(os.urandom(32))
    index = one.blind_index("13800138000", column="users.mobile")
    assert index == same.blind_index("13800138000", column="users.mobile")
    assert index != other.blind_index("13800138000", column="users.mobile")
    assert "13800138000" not in index and len(index) == 64
