"""The audit log: append-only, each entry chained by hash to the one before (tamper-evident).

Entries are `audit/<sequence:012d>.json`, written create-only, so two writers can never both claim one
place in the chain; an edited or removed entry breaks every later hash, which `verify()` reports.
"""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import UTC, datetime
from typing import Any

from pipeline.blobstore import BlobStore

GENESIS = "0" * 64


def _hash(entry: dict[str, Any]) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class AuditLog:
    def __init__(self, blobstore: BlobStore) -> None:
        self.blobstore = blobstore
        self._lock = threading.Lock()
        self._tail: tuple[int, str] | None = None  # (sequence, hash) of the last entry this process knows

    def _last(self) -> tuple[int, str]:
        keys = list(self.blobstore.list("audit/"))  # once per process; afterwards the tail is kept
        if not keys:
            return 0, GENESIS
        last = json.loads(self.blobstore.get_bytes(keys[-1]))
        return last["seq"], last["hash"]

    def append(self, **fields: Any) -> dict[str, Any]:
        with self._lock:
            seq, previous = self._tail or self._last()
            while True:
                entry = {"seq": seq + 1, "at": datetime.now(UTC).isoformat(), "prev": previous, **fields}
                entry["hash"] = _hash(entry)
                key = f"audit/{seq + 1:012d}.json"
                if self.blobstore.put_bytes(key, json.dumps(entry, ensure_ascii=False).encode()):
                    self._tail = (entry["seq"], entry["hash"])
                    return entry
                # Another writer (an API replica) took that place: follow its entry and try the next one.
                taken = json.loads(self.blobstore.get_bytes(key))
                seq, previous = taken["seq"], taken["hash"]

    def entries(self, target: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        found = []
        for key in reversed(list(self.blobstore.list("audit/"))):
            entry = json.loads(self.blobstore.get_bytes(key))
            if target is None or entry.get("target") == target:
                found.append(entry)
                if len(found) >= limit:
                    break
        return found

    def verify(self) -> list[str]:
        """Problems in the chain (empty when intact)."""
        problems, previous = [], GENESIS
        for key in self.blobstore.list("audit/"):
            entry = json.loads(self.blobstore.get_bytes(key))
            if entry.get("prev") != previous:
                problems.append(f"{key}: does not follow the entry before it")
            if _hash(entry) != entry.get("hash"):
                problems.append(f"{key}: content does not match its hash")
            previous = entry.get("hash", "")
        return problems
