"""Keyed pseudonyms for cases in evaluator exports.

HMAC-SHA256 over the case's database id with settings.PSEUDONYM_SECRET: stable for one secret (so
rows of one case link up across exports), unlinkable without it. A plain or salted hash of the id
or the reference could be reversed by hashing every plausible id; a keyed one cannot.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

# Versioned domain prefix: a future scheme (other input or length) yields different pseudonyms.
_DOMAIN = b"vt-case-v1:"
LENGTH = 20  # hex digits: 80 bits, collision-free for any realistic number of cases


def case_pseudonym(case_id: int, *, secret: str | None = None) -> str:
    key = (secret if secret is not None else settings.PSEUDONYM_SECRET).encode()
    return hmac.new(key, _DOMAIN + str(int(case_id)).encode(), hashlib.sha256).hexdigest()[:LENGTH]


def pseudonymiser(*, secret: str | None = None):
    """A fast per-export function case_id -> pseudonym (HMAC keyed once, copied per case)."""
    key = (secret if secret is not None else settings.PSEUDONYM_SECRET).encode()
    base = hmac.new(key, _DOMAIN, hashlib.sha256)

    def pseudonym(case_id: int) -> str:
        mac = base.copy()
        mac.update(str(int(case_id)).encode())
        return mac.hexdigest()[:LENGTH]

    return pseudonym


_BLOCK = 64  # SHA-256's block size in bytes: HMAC pads (or first hashes) the key to it (RFC 2104)


def hmac_pads(*, secret: str | None = None) -> tuple[bytes, bytes]:
    """The inner key followed by the domain prefix, and the outer key, of `case_pseudonym`'s HMAC: with them
    sha256(outer || sha256(inner || id)) is the HMAC, so PostgreSQL's sha256() computes the pseudonyms."""
    key = (secret if secret is not None else settings.PSEUDONYM_SECRET).encode()
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key) + _DOMAIN, bytes(b ^ 0x5C for b in key)


def pseudonym_sql(case_id: str, inner: str, outer: str) -> str:
    """`case_pseudonym` as a PostgreSQL expression over a case id column and the two bytea keys."""
    return f"left(encode(sha256({outer} || sha256({inner} || convert_to({case_id}::text, 'UTF8'))), 'hex'), {LENGTH})"
