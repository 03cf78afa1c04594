"""argon2id password hashing, run off the event loop."""

from __future__ import annotations

import asyncio
import base64
import os
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.low_level import ARGON2_VERSION

# argon2id at OWASP's Password Storage Cheat Sheet setting m=19 MiB, t=2, p=1 (one of its
# equivalent minimum options; RFC 9106's low-memory profile, argon2-cffi's default, is
# m=64 MiB, t=3, p=4). The embedded backend checks a password while the user waits for the
# home screen, on a machine the TUI shares: 30-35 ms of CPU instead of 260-320 ms (4 threads).
# Hashes made with other parameters still verify (each hash carries its own) and are made
# again with these at the next successful sign-in (``needs_rehash``).
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def hash_password_sync(password: str) -> str:
    return _hasher.hash(password)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")  # argon2's encoding: no padding


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash that no password matches, with the hasher's parameters: checking one against it
    costs what checking a real hash costs. Written rather than hashed (a random salt and a
    random digest): hashing would cost one argon2 run at start-up, when the first sign-in
    wants the CPU."""
    h = _hasher
    return (
        f"$argon2{h.type.name.lower()}$v={ARGON2_VERSION}$m={h.memory_cost},t={h.time_cost},p={h.parallelism}"
        f"${_b64(os.urandom(h.salt_len))}${_b64(os.urandom(h.hash_len))}"
    )


def _spend_a_verification(password: str) -> None:
    """As much work as checking a real password, with the same parameters, for nothing."""
    try:
        _hasher.verify(_dummy_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        pass


def verify_password_sync(password_hash: str | None, password: str) -> bool:
    """Check a password. Without a usable hash (an unknown user, an inactive one, an account
    marked unusable with ``!...``) a dummy hash is verified, so that the answer takes as long
    as for a known user with a wrong password."""
    if not password_hash or not password_hash.startswith("$argon2"):
        _spend_a_verification(password)
        return False
    try:
        return _hasher.verify(password_hash, password)
    except VerifyMismatchError:
        return False
    except (VerificationError, InvalidHashError):  # a damaged hash: refused, at the same cost
        _spend_a_verification(password)
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether a hash that verified was made with other parameters than ``_hasher``'s."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except (InvalidHashError, ValueError):
        return False


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(hash_password_sync, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    return await asyncio.to_thread(verify_password_sync, password_hash, password)
