"""The archive: immutable originals by content hash and versioned records (the system of record).

Layout in the blob store:
- `originals/<sha[:2]>/<sha>`: the bytes exactly as uploaded, written once, never replaced;
- `records/<document_id>/<version:06d>.json`: every version of every record, never rewritten;
- `by-sha/<sha>/<document_id>` and `by-person/<person_id>/<document_id>`: empty markers, so lookups
  list one small prefix instead of scanning every record.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from pipeline.blobstore import CHUNK, BlobCorrupt, BlobStore, VerifiedReader, local_copy
from pipeline.models import ArchiveRecord


class Archive:
    def __init__(self, blobstore: BlobStore) -> None:
        self.blobstore = blobstore

    # -- originals --
    @staticmethod
    def original_key(sha256: str) -> str:
        return f"originals/{sha256[:2]}/{sha256}"

    def put_original(self, source: Path | BinaryIO, sha256: str) -> str:
        """Store the original once (a second call with the same bytes is a no-op).

        `source` is a local path or a binary stream; either way the bytes must hash to `sha256`, so
        nothing is ever stored under another document's name.
        """
        key = self.original_key(sha256)
        with local_copy(source) as (path, actual):
            if actual != sha256:
                raise BlobCorrupt(f"the bytes hash to {actual[:12]}…, not to {sha256[:12]}…")
            self.blobstore.put_file(key, path, overwrite=False)
        return key

    def has_original(self, sha256: str) -> bool:
        return self.blobstore.exists(self.original_key(sha256))

    def open_original(self, sha256: str) -> BinaryIO:
        """A stream of the original; reading to the end raises BlobCorrupt if the bytes changed."""
        key = self.original_key(sha256)
        return VerifiedReader(self.blobstore.open(key), sha256, f"original {sha256[:12]}…")

    def read_original(self, sha256: str) -> bytes:
        with self.open_original(sha256) as stream:
            return stream.read()

    def iter_original(self, sha256: str) -> Iterator[bytes]:
        """The original in chunks; the hash is checked at the end and a mismatch raises."""
        with self.open_original(sha256) as stream:
            while chunk := stream.read(CHUNK):
                yield chunk

    def original_hashes(self) -> Iterator[str]:
        for key in self.blobstore.list("originals/"):
            yield key.rsplit("/", 1)[1]

    # -- records --
    @staticmethod
    def _record_key(document_id: str, version: int) -> str:
        return f"records/{document_id}/{version:06d}.json"

    def write_record(self, record: ArchiveRecord) -> None:
        """Write a new version (create-only, so two writers cannot both claim one version)."""
        data = json.dumps(record.to_dict(), ensure_ascii=False, sort_keys=True, indent=1).encode()
        if not self.blobstore.put_bytes(self._record_key(record.document_id, record.version), data):
            current = self.get_record(record.document_id, record.version)
            if current is None or current.to_dict() != record.to_dict():
                raise RuntimeError(f"record {record.document_id} version {record.version} already exists")
        # The markers follow the record (and are rewritten by a re-run that crashed between the two).
        self.blobstore.put_bytes(f"by-sha/{record.sha256}/{record.document_id}", b"", overwrite=True)
        for person in {record.person_id, *(p["person_id"] for p in record.linked_persons)}:
            self.blobstore.put_bytes(f"by-person/{person}/{record.document_id}", b"", overwrite=True)

    def versions(self, document_id: str) -> list[int]:
        return sorted(int(k.rsplit("/", 1)[1].split(".")[0]) for k in self.blobstore.list(f"records/{document_id}/"))

    def get_record(self, document_id: str, version: int | None = None) -> ArchiveRecord | None:
        if version is None:
            versions = self.versions(document_id)
            if not versions:
                return None
            version = versions[-1]
        key = self._record_key(document_id, version)
        if not self.blobstore.exists(key):
            return None
        return ArchiveRecord.from_dict(json.loads(self.blobstore.get_bytes(key)))

    def iter_records(self, current_only: bool = True) -> Iterator[ArchiveRecord]:
        latest: dict[str, int] = {}
        all_keys: list[tuple[str, int]] = []
        for key in self.blobstore.list("records/"):
            _, document_id, name = key.split("/")
            version = int(name.split(".")[0])
            all_keys.append((document_id, version))
            latest[document_id] = max(version, latest.get(document_id, 0))
        wanted = sorted(latest.items()) if current_only else sorted(all_keys)
        for document_id, version in wanted:
            record = self.get_record(document_id, version)
            if record is not None:
                yield record

    def _marked(self, prefix: str) -> list[ArchiveRecord]:
        ids = sorted({key.rsplit("/", 1)[1] for key in self.blobstore.list(prefix)})
        return [r for doc_id in ids if (r := self.get_record(doc_id)) is not None]

    def find_by_sha(self, sha256: str) -> list[ArchiveRecord]:
        return self._marked(f"by-sha/{sha256}/")

    def records_for_person(self, person_id: str) -> list[ArchiveRecord]:
        return self._marked(f"by-person/{person_id}/")
