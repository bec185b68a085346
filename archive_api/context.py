"""What every route reaches through the request: settings, blob store, archive, inbox, index, keys, audit."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request

from archive_api.audit import AuditLog
from archive_api.auth import KeyStore
from archive_api.ratelimit import RateLimiter
from pipeline.archive import Archive
from pipeline.blobstore import BlobStore
from pipeline.freshness import Rules, load_rules
from pipeline.inbox import Inbox
from pipeline.models import ArchiveRecord
from pipeline.search import SearchIndex
from pipeline.settings import Settings


@dataclass
class ApiContext:
    settings: Settings
    blobstore: BlobStore
    keys: KeyStore
    audit: AuditLog
    index: SearchIndex
    limiter: RateLimiter

    @property
    def archive(self) -> Archive:
        return Archive(self.blobstore)

    @property
    def inbox(self) -> Inbox:
        return Inbox(self.blobstore)

    @property
    def rules(self) -> Rules:
        return load_rules(self.settings.rules_file)

    def record_or_404(self, document_id: str) -> ArchiveRecord:
        record = self.archive.get_record(document_id)
        if record is None:
            raise HTTPException(404, "no such document")
        return record


async def api_context(request: Request) -> ApiContext:
    # async: FastAPI would otherwise hop to a worker thread just to return this
    return request.app.state.context
