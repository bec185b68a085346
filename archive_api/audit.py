"""The audit log: append-only, each entry chained by hash to the one before (tamper-evident).

Entries are written in blocks, `audit/<block:012d>.json`, create-only, so two writers (API replicas) can
never both claim one place in the chain; an edited or removed entry breaks every later hash, which
`verify()` reports. Entries arriving while a block is being written go together into the next one (group
commit), so the log costs one write per batch, not per request.

Requests that disclose or change anything (records, originals, previews, searches, uploads, the audit
itself) wait until their entry is durable: if it cannot be written, the access is refused. Freshness
decisions, the renewal services' hot path, do not wait: their entry joins the next block milliseconds later
and failed writes are retried; a crash can lose only the entries of the block in flight, and a decision can
always be recomputed from the records, rules and date. `flush()` runs at shutdown.

Targets never carry identity data: a person id is kept as a keyed hash (`person_ref`), a search as a
fingerprint of its query.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import HTTPException, Request

from archive_api.audit_index import AuditIndex
from pipeline.blobstore import BlobStore

GENESIS = "0" * 64
PREFIX = "audit/"
SECRET = "api/audit-secret"
MAX_BLOCK = 500
IDLE_SECONDS = 5.0  # the writer thread ends after this long without entries
RETRY_SECONDS = 0.5
log = logging.getLogger(__name__)


def _hash(entry: dict[str, Any]) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class AuditQuery:
    target: str | None = None
    key_id: str | None = None
    action: str | None = None
    since: str | None = None  # ISO timestamps, compared as text (all UTC, same format)
    until: str | None = None

    def matches(self, entry: dict[str, Any]) -> bool:
        return (
            (self.target is None or entry.get("target") == self.target)
            and (self.key_id is None or entry.get("key_id") == self.key_id)
            and (self.action is None or entry.get("action") == self.action)
            and (self.since is None or entry["at"] >= self.since)
            and (self.until is None or entry["at"] <= self.until)
        )


class AuditLog:
    def __init__(self, blobstore: BlobStore, index: AuditIndex | None = None) -> None:
        self.blobstore, self.index = blobstore, index
        self._cond = threading.Condition()
        self._queue: list[tuple[dict[str, Any], Future | None]] = []  # None: nobody waits for this entry
        self._unwritten = 0
        self._writer: threading.Thread | None = None
        self._tail: tuple[int, int, str] | None = None  # (block, seq, hash) of the last entry known here
        self._index_complete = False  # known to hold every stored entry (checked before the first search)
        self._secret: bytes | None = None

    # -- writing --
    def append(self, *, wait: bool = True, **fields: Any) -> dict[str, Any] | None:
        """Add one entry. With `wait` (the default) it returns the entry once it is durably stored; without,
        it returns at once and the entry goes into the next block, milliseconds later (`flush` waits)."""
        done: Future | None = Future() if wait else None
        with self._cond:
            self._queue.append(({"at": datetime.now(UTC).isoformat(), **fields}, done))
            self._unwritten += 1
            if self._writer is None:
                self._writer = threading.Thread(target=self._write_batches, name="audit-writer", daemon=True)
                self._writer.start()
            self._cond.notify_all()
        return done.result(timeout=60) if done else None

    def flush(self, timeout: float = 30.0) -> bool:
        """Wait until every entry appended so far is stored (at shutdown); False if that took too long."""
        with self._cond:
            return self._cond.wait_for(lambda: self._unwritten == 0, timeout=timeout)

    def _write_batches(self) -> None:
        while True:
            with self._cond:
                if not self._queue and not self._cond.wait_for(lambda: self._queue, timeout=IDLE_SECONDS):
                    self._writer = None
                    return
                batch, self._queue = self._queue[:MAX_BLOCK], self._queue[MAX_BLOCK:]
            try:
                entries = self._write_block([fields for fields, _ in batch])
            except Exception as exc:  # the storage failed: waiting requests learn it, the others are retried
                retry = [(fields, done) for fields, done in batch if done is None]
                for _, done in batch:
                    if done is not None:
                        done.set_exception(exc)
                log.error("audit block not written (%s); %d entries kept for retry", type(exc).__name__, len(retry))
                with self._cond:
                    self._queue[:0] = retry
                    self._unwritten -= len(batch) - len(retry)
                    self._cond.notify_all()
                time.sleep(RETRY_SECONDS)
            else:
                for (_, done), entry in zip(batch, entries, strict=True):
                    if done is not None:
                        done.set_result(entry)
                self._index_entries(entries)  # after the answers: nobody waits for the search index
                with self._cond:
                    self._unwritten -= len(batch)
                    self._cond.notify_all()

    def _index_entries(self, entries: list[dict[str, Any]]) -> None:
        if self.index is None:
            return
        try:
            self.index.add(entries)
        except Exception as exc:  # the blocks are the record: the index catches up before the next search
            log.error("audit entries not indexed (%s); the index will be rebuilt", type(exc).__name__)
            self._index_complete = False

    def _last(self) -> tuple[int, int, str]:
        keys = list(self.blobstore.list(PREFIX))  # once per process; afterwards the tail is kept
        if not keys:
            return 0, 0, GENESIS
        last = json.loads(self.blobstore.get_bytes(keys[-1]))["entries"][-1]
        return int(keys[-1][len(PREFIX) : -len(".json")]), last["seq"], last["hash"]

    def _write_block(self, batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
        block, seq, previous = self._tail or self._last()
        while True:
            entries = []
            for fields in batch:
                seq += 1
                entry = {"seq": seq, "prev": previous, **fields}
                entry["hash"] = previous = _hash(entry)
                entries.append(entry)
            key = f"{PREFIX}{block + 1:012d}.json"
            if self.blobstore.put_bytes(key, json.dumps({"entries": entries}, ensure_ascii=False).encode()):
                self._tail = (block + 1, seq, previous)
                return entries
            # Another writer took that place: follow its last entry and chain after it.
            taken = json.loads(self.blobstore.get_bytes(key))["entries"][-1]
            block, seq, previous = block + 1, taken["seq"], taken["hash"]

    # -- reading --
    def _blocks(self, newest_first: bool) -> Iterator[list[dict[str, Any]]]:
        keys = list(self.blobstore.list(PREFIX))
        for key in reversed(keys) if newest_first else keys:
            yield json.loads(self.blobstore.get_bytes(key))["entries"]

    def entries(self, query: AuditQuery | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """Matching entries, newest first: from the search index when there is one (brought up to date with
        the blocks first), else, or when the index fails, by reading the blocks newest first."""
        query = query or AuditQuery()
        self.flush()
        if self.index is not None:
            try:
                self._catch_up()
                return self.index.search(query, limit)
            except Exception as exc:
                log.error("audit index unavailable (%s); reading the blocks", type(exc).__name__)
        found: list[dict[str, Any]] = []
        for block in self._blocks(newest_first=True):
            found.extend(e for e in reversed(block) if query.matches(e))
            if len(found) >= limit:
                break
        return found[:limit]

    def _catch_up(self) -> None:
        """Index every stored entry when the index holds fewer than there are (a failed index write, a lost
        index, another replica's crash). The first check per process looks at every replica's blocks."""
        _, seq, _ = self._tail if self._index_complete and self._tail else self._last()
        if self.index.count() < seq:
            self.index.rebuild(self._blocks(newest_first=False))
        self._index_complete = True

    def verify(self) -> list[str]:
        """Problems in the chain (empty when intact)."""
        problems, previous, expected_seq = [], GENESIS, 1
        for block in self._blocks(newest_first=False):
            for entry in block:
                where = f"entry {entry.get('seq')}"
                if entry.get("seq") != expected_seq:
                    problems.append(f"{where}: expected entry {expected_seq} (entries missing or reordered)")
                if entry.get("prev") != previous:
                    problems.append(f"{where}: does not follow the entry before it")
                if _hash(entry) != entry.get("hash"):
                    problems.append(f"{where}: content does not match its hash")
                previous, expected_seq = entry.get("hash", ""), int(entry.get("seq") or 0) + 1
        return problems

    # -- identity-free targets --
    def person_ref(self, person_id: str) -> str:
        """A person id as the audit keeps it: a keyed hash, the same in every replica, useless without the key."""
        if self._secret is None:
            self.blobstore.put_bytes(SECRET, secrets.token_hex(32).encode())  # create-only: first writer wins
            self._secret = self.blobstore.get_bytes(SECRET)
        return "person:" + hmac.new(self._secret, person_id.encode(), hashlib.sha256).hexdigest()[:24]


def query_ref(text: str) -> str:
    """A search as the audit keeps it: a fingerprint that shows repeats but not the names or numbers."""
    return "query:" + hashlib.sha256(text.encode()).hexdigest()[:16]


def log_access(
    request: Request, action: str, target: str | None, result: str, wait: bool = True, **detail: str
) -> None:
    """Write the audit entry for this request (key and request id come from the request's state); with
    `wait`, the answer waits until the entry is durable. `detail` adds identity-free facts (a decision)."""
    key = request.state.key
    try:
        request.app.state.context.audit.append(
            wait=wait,
            key_id=key.key_id,
            role=key.role,
            request_id=request.state.request_id,
            action=action,
            target=target,
            result=result,
            **detail,
        )
    except Exception as exc:  # no access goes unrecorded: refuse it instead
        raise HTTPException(503, f"the audit log cannot be written ({type(exc).__name__}); try again") from None
