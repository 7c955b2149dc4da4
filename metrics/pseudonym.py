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
