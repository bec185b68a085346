"""The inbox: uploads waiting for the pipeline, each kept until its archive record is durable.

`inbox/<upload_id>/original` is written first, `inbox/<upload_id>/manifest.json` second: an item exists
(for `pending`) only once both are durable, so an upload interrupted half-way is never processed and
never acknowledged. Upload ids sort by the time they were given out, which gives the sensor a cursor:
an id is given out before the original is written, so a later upload can be committed first; a cursor
reader therefore sees only settled items (ids older than `settle`), and a put slower than half of that
takes a fresh id, so no cursor ever passes an upload that is still being written.
`uploads/<upload_id>.json` is the receipt that stays when the item leaves the inbox.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from pipeline.blobstore import BlobNotFound, BlobStore, local_copy
from pipeline.models import RELATIONS

UPLOAD_ID = re.compile(r"^u\d{8}T\d{12}-[0-9a-f]{8}$")
STAMP_LENGTH = len("u20260101T000000000000")  # the time part of an upload id
PERSON_ID = re.compile(r"^[A-Za-z0-9-]{3,32}$")
SETTLE = timedelta(seconds=30)


@dataclass(frozen=True)
class Manifest:
    person_id: str
    declared_type: str | None = None
    relation: str = "self"
    sponsor_id: str | None = None
    uploader: str | None = None
    filename: str | None = None
    received_at: str = ""

    def __post_init__(self) -> None:
        if not PERSON_ID.match(self.person_id):
            raise ValueError(f"person id must be 3-32 letters, digits or '-', got {self.person_id!r}")
        if self.sponsor_id is not None and not PERSON_ID.match(self.sponsor_id):
            raise ValueError(f"sponsor id must be 3-32 letters, digits or '-', got {self.sponsor_id!r}")
        if self.relation not in RELATIONS:
            raise ValueError(f"relation must be one of {', '.join(RELATIONS)}, got {self.relation!r}")


@dataclass(frozen=True)
class InboxItem:
    upload_id: str
    manifest: Manifest


def new_upload_id(now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return f"u{now:%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}"


class Inbox:
    def __init__(self, blobstore: BlobStore, settle: timedelta = SETTLE) -> None:
        self.blobstore = blobstore
        self.settle = settle

    @staticmethod
    def _key(upload_id: str, name: str) -> str:
        if not UPLOAD_ID.match(upload_id):
            raise ValueError(f"bad upload id {upload_id!r}")
        return f"inbox/{upload_id}/{name}"

    def put(self, path: Path, manifest: Manifest) -> str:
        """Store the upload and its manifest; returns only once both are durable."""
        if not manifest.received_at:
            manifest = Manifest(**{**asdict(manifest), "received_at": datetime.now(UTC).isoformat()})
        for _ in range(3):
            upload_id, started = new_upload_id(), time.monotonic()
            self.blobstore.put_file(self._key(upload_id, "original"), path)
            if not self.settle or time.monotonic() - started < self.settle.total_seconds() / 2:
                break
            # Too slow: a cursor may have passed this id by the time it is committed; take a newer one.
            self.blobstore.delete(self._key(upload_id, "original"))
        else:
            raise TimeoutError(f"the blob store took over {self.settle / 2} to store an upload, three times")
        self.blobstore.put_bytes(self._key(upload_id, "manifest.json"), json.dumps(asdict(manifest)).encode())
        self._receipt(upload_id, manifest, "waiting")
        return upload_id

    def _receipt(self, upload_id: str, manifest: Manifest, state: str, **extra: object) -> None:
        body = {"upload_id": upload_id, "manifest": asdict(manifest), "state": state, **extra}
        self.blobstore.put_bytes(f"uploads/{upload_id}.json", json.dumps(body).encode(), overwrite=True)

    def receipt(self, upload_id: str) -> dict | None:
        try:
            return json.loads(self.blobstore.get_bytes(f"uploads/{upload_id}.json"))
        except BlobNotFound:
            return None

    def get(self, upload_id: str) -> InboxItem:
        try:
            data = json.loads(self.blobstore.get_bytes(self._key(upload_id, "manifest.json")))
        except BlobNotFound:
            receipt = self.receipt(upload_id)
            if receipt is None:
                raise
            data = receipt["manifest"]  # already left the inbox; the receipt keeps its manifest
        return InboxItem(upload_id, Manifest(**data))

    def open_original(self, upload_id: str) -> BinaryIO:
        return self.blobstore.open(self._key(upload_id, "original"))

    def pending(self, limit: int | None = None, after: str | None = None) -> list[InboxItem]:
        """Items in id order; with a cursor (`after`), only those past it that have settled."""
        settled = new_upload_id(datetime.now(UTC) - self.settle)[:STAMP_LENGTH]
        items = []
        for key in self.blobstore.list("inbox/"):
            if not key.endswith("/manifest.json"):
                continue
            upload_id = key.split("/")[1]
            if after is not None and upload_id <= after:
                continue
            if after is not None and upload_id[:STAMP_LENGTH] >= settled:
                break  # ids sort by time: every later one is younger still
            items.append(self.get(upload_id))
            if limit is not None and len(items) >= limit:
                break
        return items

    def _remove(self, upload_id: str) -> None:
        # Manifest first: an item without a manifest is no longer pending, even if the delete of the
        # original is interrupted (the original is then an orphan `wathiqa check` reports).
        self.blobstore.delete(self._key(upload_id, "manifest.json"))
        self.blobstore.delete(self._key(upload_id, "original"))

    def complete(self, upload_id: str, **outcome: object) -> None:
        """Remove the item; call only once its archive record is durably written (and indexed)."""
        item = self.get(upload_id)
        self._receipt(upload_id, item.manifest, "done", **outcome)
        self._remove(upload_id)

    def quarantine(self, upload_id: str, reasons: list[str]) -> None:
        """Keep a refused upload, with its reasons, out of the inbox."""
        item = self.get(upload_id)
        src = self._key(upload_id, "original")
        if self.blobstore.exists(src):
            with self.blobstore.open(src) as stream, local_copy(stream) as (path, _):
                self.blobstore.put_file(f"quarantine/{upload_id}/original", path, overwrite=True)
        body = {"upload_id": upload_id, "manifest": asdict(item.manifest), "reasons": reasons}
        self.blobstore.put_bytes(f"quarantine/{upload_id}/reasons.json", json.dumps(body).encode(), overwrite=True)
        self._receipt(upload_id, item.manifest, "rejected", reasons=reasons)
        self._remove(upload_id)
