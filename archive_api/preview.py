"""Page previews of an archived original, rendered server-side (the browser never parses the original)."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from fastapi import HTTPException, Request, Response

from archive_api.audit import log_access
from archive_api.context import ApiContext
from pipeline.archive import Archive
from pipeline.models import ArchiveRecord
from pipeline.ocr.images import load_image, render_pdf_page

PREVIEW_DPI = 100
PREVIEW_MAX_SIDE = 1200


def render_preview(archive: Archive, record: ArchiveRecord, number: int, max_pixels: int) -> bytes:
    """Page `number` (1-based) of the record's original as PNG, from the hash-verified original."""
    with tempfile.TemporaryDirectory(prefix="wathiqa-preview-") as tmp:
        path = Path(tmp) / "original"
        path.write_bytes(archive.read_original(record.sha256))
        if record.mime == "application/pdf":
            image = render_pdf_page(path, number - 1, PREVIEW_DPI, max_pixels)
        else:
            image = load_image(path, number - 1, max_pixels)
    image.thumbnail((PREVIEW_MAX_SIDE, PREVIEW_MAX_SIDE))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def preview_response(request: Request, context: ApiContext, document_id: str, number: int) -> Response:
    """The audited PNG answer both the API and the archivist's page give for a page preview."""
    record = context.record_or_404(document_id)
    if number > record.pages:
        raise HTTPException(404, "no such page")
    png = render_preview(context.archive, record, number, context.settings.max_image_pixels)
    log_access(request, "read_preview", document_id, "200")
    return Response(png, media_type="image/png")
