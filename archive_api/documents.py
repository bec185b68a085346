"""Document reads: a record, its original (streamed, hash-verified), page previews, a person's documents.

Renewal services see a record's status, not its contents; originals and previews are for archivists.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import StreamingResponse

from archive_api.audit import log_access
from archive_api.auth import ApiKey, require
from archive_api.context import ApiContext, api_context
from archive_api.params import DOCUMENT_ID, PERSON_ID
from archive_api.preview import preview_response
from pipeline.blobstore import BlobCorrupt

router = APIRouter(prefix="/v1", tags=["documents"])
Context = Annotated[ApiContext, Depends(api_context)]
DocumentId = Annotated[str, PathParam(pattern=DOCUMENT_ID)]
# What a renewal service may see of a record: enough to decide, nothing to read.
STATUS_VIEW = ("document_id", "version", "person_id", "doc_type", "status", "superseded_by", "supersedes")


def record_view(data: dict[str, Any], role: str) -> dict[str, Any]:
    if role == "renewal_service":
        return {k: data[k] for k in STATUS_VIEW}
    return data


@router.get("/documents/{document_id}")
def document(
    request: Request,
    context: Context,
    document_id: DocumentId,
    key: Annotated[ApiKey, Depends(require("renewal_service", "archivist"))],
) -> dict[str, Any]:
    record = context.record_or_404(document_id)
    log_access(request, "read_record", document_id, "200")
    return record_view(record.to_dict(), key.role)


@router.get("/documents/{document_id}/original")
def original(
    request: Request,
    context: Context,
    document_id: DocumentId,
    key: Annotated[ApiKey, Depends(require("archivist"))],
) -> StreamingResponse:
    record = context.record_or_404(document_id)
    log_access(request, "read_original", document_id, "200")
    chunks = context.archive.iter_original(record.sha256)

    def stream():
        try:
            yield from chunks
        except BlobCorrupt:
            # The headers are sent: cutting the stream short makes the client see a broken transfer.
            log_access(request, "read_original", document_id, "corrupt")
            raise

    return StreamingResponse(
        stream(),
        media_type=record.mime,
        headers={
            "Content-Length": str(record.size),
            "ETag": f'"{record.sha256}"',
            "Content-Disposition": "attachment",
        },
    )


@router.get("/documents/{document_id}/pages/{number}.png", response_class=Response)
def page_preview(
    request: Request,
    context: Context,
    document_id: DocumentId,
    number: Annotated[int, PathParam(ge=1, le=1000)],
    key: Annotated[ApiKey, Depends(require("archivist"))],
) -> Response:
    return preview_response(request, context, document_id, number)


@router.get("/persons/{person_id}/documents")
def person_documents(
    request: Request,
    context: Context,
    person_id: Annotated[str, PathParam(pattern=PERSON_ID)],
    key: Annotated[ApiKey, Depends(require("renewal_service", "archivist"))],
) -> list[dict[str, Any]]:
    records = context.archive.records_for_person(person_id)
    log_access(request, "list_documents", context.audit.person_ref(person_id), "200")
    views = [record_view(r.to_dict(), key.role) for r in records]
    return [{k: v for k, v in view.items() if k != "text"} for view in views]
