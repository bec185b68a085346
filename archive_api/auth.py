"""API keys: stored hashed in the blob store, each with one role; checked in constant time."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import asdict, dataclass

from pipeline.blobstore import BlobNotFound, BlobStore

ROLES = ("uploader", "renewal_service", "archivist", "admin")
KEYS = "api/keys.json"


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    name: str
    role: str
    salt: str
    digest: str  # sha256(salt + secret), hex


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(f"{salt}:{secret}".encode()).hexdigest()


class KeyStore:
    def __init__(self, blobstore: BlobStore) -> None:
        self.blobstore = blobstore

    def _load(self) -> dict[str, ApiKey]:
        try:
            data = json.loads(self.blobstore.get_bytes(KEYS))
        except BlobNotFound:
            return {}
        return {k["key_id"]: ApiKey(**k) for k in data}

    def create(self, role: str, name: str) -> str:
        """A new key; the secret is returned once and only its salted hash is stored."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        keys = self._load()
        key_id, secret, salt = secrets.token_hex(6), secrets.token_urlsafe(24), secrets.token_hex(8)
        keys[key_id] = ApiKey(key_id, name, role, salt, _digest(salt, secret))
        self.blobstore.put_bytes(KEYS, json.dumps([asdict(k) for k in keys.values()]).encode(), overwrite=True)
        return f"wq_{key_id}_{secret}"

    def verify(self, presented: str | None) -> ApiKey | None:
        if not presented or not presented.startswith("wq_") or presented.count("_") < 2:
            return None
        key_id, secret = presented[3:].split("_", 1)
        key = self._load().get(key_id)
        if key is None:
            _digest("x", secret)  # same work either way: no timing hint that the id exists
            return None
        return key if hmac.compare_digest(key.digest, _digest(key.salt, secret)) else None
