"""API keys and roles: keys stored hashed in the blob store, each with one role, checked on every /v1 call.

A key is `wq_<key id>_<secret>`. The secret is 32 random bytes, so a salted SHA-256 is enough to store it
(slow password hashes protect guessable secrets; these are not guessable) and keeps each check cheap.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass

from fastapi import HTTPException, Request

from archive_api.roles import ROLES
from pipeline.blobstore import BlobNotFound, BlobStore

KEYS = "api/keys.json"
RELOAD_SECONDS = 10.0  # keys created by `wathiqa api create-key` reach running servers within this time


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    name: str
    role: str
    salt: str
    digest: str  # sha256("salt:secret"), hex


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(f"{salt}:{secret}".encode()).hexdigest()


class KeyStore:
    def __init__(self, blobstore: BlobStore) -> None:
        self.blobstore = blobstore
        self._lock = threading.Lock()
        self._keys: dict[str, ApiKey] = {}
        self._loaded_at = float("-inf")

    def _load(self) -> dict[str, ApiKey]:
        try:
            data = json.loads(self.blobstore.get_bytes(KEYS))
        except BlobNotFound:
            return {}
        return {k["key_id"]: ApiKey(**k) for k in data}

    def _cached(self, key_id: str) -> ApiKey | None:
        with self._lock:
            stale = time.monotonic() - self._loaded_at
            # Unknown ids reload too (a key made a moment ago), but at most once a second.
            if stale > RELOAD_SECONDS or (key_id not in self._keys and stale > 1.0):
                self._keys, self._loaded_at = self._load(), time.monotonic()
            return self._keys.get(key_id)

    def create(self, role: str, name: str) -> str:
        """A new key; the secret is returned once and only its salted hash is stored."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        keys = self._load()
        key_id, secret, salt = secrets.token_hex(6), secrets.token_urlsafe(32), secrets.token_hex(16)
        keys[key_id] = ApiKey(key_id, name, role, salt, _digest(salt, secret))
        self.blobstore.put_bytes(KEYS, json.dumps([asdict(k) for k in keys.values()]).encode(), overwrite=True)
        with self._lock:
            self._loaded_at = float("-inf")
        return f"wq_{key_id}_{secret}"

    def verify(self, presented: str | None) -> ApiKey | None:
        if not presented or not presented.startswith("wq_") or presented.count("_") < 2:
            return None
        key_id, secret = presented[3:].split("_", 1)
        key = self._cached(key_id)
        if key is None:
            _digest("x", secret)  # same work either way: no timing hint that the id exists
            return None
        return key if hmac.compare_digest(key.digest, _digest(key.salt, secret)) else None


PAGE_COOKIE = "wathiqa_key"


def authorise(request: Request, roles: tuple[str, ...], from_cookie: bool = False) -> ApiKey:
    """The request's key if it has one of `roles` (admin always): 401 without a valid key, 403 outside the
    role, 429 over the key's rate. The API takes the key from the X-API-Key header; the archivist's page from
    its HttpOnly, same-site cookie. The key is kept on the request for the audit entry."""
    context = request.app.state.context
    presented = request.cookies.get(PAGE_COOKIE) if from_cookie else request.headers.get("x-api-key")
    key = context.keys.verify(presented)
    if key is None:
        raise HTTPException(401, "a valid X-API-Key header is required")
    if not context.limiter.allow(key.key_id):
        raise HTTPException(429, "too many requests for this key")
    if key.role not in (*roles, "admin"):
        raise HTTPException(403, f"the {key.role} role may not do this")
    request.state.key = key
    return key


def require(*roles: str, from_cookie: bool = False) -> Callable[[Request], Awaitable[ApiKey]]:
    """`authorise` as a route dependency. async, so it runs on the event loop instead of costing a hop to a
    worker thread; it only blocks when the keys file is re-read (every few seconds at most)."""

    async def check(request: Request) -> ApiKey:
        return authorise(request, roles, from_cookie)

    return check
