"""Per-upload progress through the stages, kept in the blob store beside the inbox item.

Each stage writes `work/<upload_id>/<stage>.json` when it has finished with an upload, so a re-run
(after a crash, a retry or a re-execution from failure) skips what is done and resumes the rest.
"""

from __future__ import annotations

import json
from typing import Any

from pipeline.blobstore import BlobStore


class WorkState:
    def __init__(self, blobstore: BlobStore) -> None:
        self.blobstore = blobstore

    @staticmethod
    def _key(upload_id: str, stage: str) -> str:
        return f"work/{upload_id}/{stage}.json"

    def save(self, upload_id: str, stage: str, data: dict[str, Any]) -> None:
        payload = json.dumps(data, ensure_ascii=False, sort_keys=True).encode()
        self.blobstore.put_bytes(self._key(upload_id, stage), payload, overwrite=True)

    def load(self, upload_id: str, stage: str) -> dict[str, Any] | None:
        key = self._key(upload_id, stage)
        if not self.blobstore.exists(key):
            return None
        return json.loads(self.blobstore.get_bytes(key))

    def clear(self, upload_id: str) -> None:
        for key in list(self.blobstore.list(f"work/{upload_id}/")):
            self.blobstore.delete(key)
