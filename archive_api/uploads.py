"""Uploads: accept a file into the inbox (the same `Inbox.put` as `wathiqa ingest`) and report its progress.

Only the intake's type and size checks run here, synchronously, so a refused file is answered at once
(415/413 with the reason); everything else happens in the pipeline.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi import Path as PathParam

from archive_api.audit import log_access
from archive_api.auth import ApiKey, require
from archive_api.context import ApiContext, api_context
from archive_api.params import PERSON_ID, UPLOAD_ID, DeclaredType, Relation
from pipeline.inbox import Manifest
from pipeline.intake import inspect_file
from pipeline.processing import Pipeline

router = APIRouter(prefix="/v1/uploads", tags=["uploads"])
Context = Annotated[ApiContext, Depends(api_context)]
# Intake checks answered at once. Over-size files are stopped (413) while they arrive, so a failing size
# check here means an empty file.
REFUSED_NOW = {"file_type": 415, "extension_matches": 415, "polyglot": 415, "file_size": 422}


def _receive(file: UploadFile, dest: Path, limit: int) -> bool:
    """Copy the upload to `dest`; False as soon as it passes `limit` bytes."""
    size = 0
    with open(dest, "wb") as out:
        while chunk := file.file.read(1 << 20):
            size += len(chunk)
            if size > limit:
                return False
            out.write(chunk)
    return True


@router.post("", status_code=202)
def upload(
    request: Request,
    context: Context,
    key: Annotated[ApiKey, Depends(require("uploader"))],
    file: Annotated[UploadFile, File()],
    person_id: Annotated[str, Form(pattern=PERSON_ID)],
    declared_type: Annotated[DeclaredType, Form()],
    relation: Annotated[Relation, Form()] = "self",
    sponsor_id: Annotated[str | None, Form(pattern=PERSON_ID)] = None,
) -> dict[str, Any]:
    limit = context.settings.max_upload_bytes
    with tempfile.TemporaryDirectory(prefix="wathiqa-upload-") as tmp:
        path = Path(tmp) / "upload"
        if not _receive(file, path, limit):
            log_access(request, "upload", None, "413")
            raise HTTPException(413, f"the file is over the {limit:,}-byte limit")
        report = inspect_file(path, context.settings, filename=file.filename)
        failing = next((c for c in report.checks if c.outcome == "fail" and c.name in REFUSED_NOW), None)
        if failing is not None:
            log_access(request, "upload", None, str(REFUSED_NOW[failing.name]))
            raise HTTPException(REFUSED_NOW[failing.name], report.reason)
        # Corrupt, encrypted or hostile files go on through the pipeline and end in quarantine with their
        # reason, exactly as uploads from `wathiqa ingest` do.
        manifest = Manifest(
            person_id=person_id,
            declared_type=declared_type,
            relation=relation,
            sponsor_id=sponsor_id,
            uploader=key.key_id,
            filename=file.filename,
        )
        upload_id = context.inbox.put(path, manifest)
    log_access(request, "upload", upload_id, "202")
    return {"upload_id": upload_id, "status_url": f"/v1/uploads/{upload_id}"}


@router.get("/{upload_id}")
def upload_status(
    request: Request,
    context: Context,
    upload_id: Annotated[str, PathParam(pattern=UPLOAD_ID)],
    key: Annotated[ApiKey, Depends(require("uploader", "archivist"))],
) -> dict[str, Any]:
    """waiting / processing / archived (with the document id) / rejected (with the reasons) / failed."""
    receipt = context.inbox.receipt(upload_id)
    if receipt is None or (key.role == "uploader" and receipt["manifest"]["uploader"] != key.key_id):
        log_access(request, "upload_status", upload_id, "404")
        raise HTTPException(404, "no such upload")  # another uploader's upload does not exist for you
    outcome = Pipeline(context.settings, context.blobstore).outcome(upload_id)
    state = "archived" if outcome.state == "duplicate" else outcome.state
    if state == "waiting" and context.blobstore.exists(f"work/{upload_id}/intake.json"):
        state = "processing"
    reasons = receipt.get("reasons") or ([outcome.reason] if outcome.reason else [])
    log_access(request, "upload_status", upload_id, "200")
    return {
        "upload_id": upload_id,
        "state": state,
        "document_id": outcome.document_id,
        "document_status": outcome.status,
        "reasons": reasons,
    }
