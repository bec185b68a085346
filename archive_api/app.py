"""The archive API: uploads, upload status, records, originals, freshness, search and audit (`/v1`).

Every `/v1` request needs an API key (`X-API-Key`) whose role allows the route; every one is written
to the hash-chained audit log with key id, role, request id, action, target and result. Application
logs never carry names, numbers or document text.
"""

import hashlib
import io
import re
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Form, HTTPException, Query, Request, Response, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles

from archive_api.audit import AuditLog
from archive_api.auth import ApiKey, KeyStore
from pipeline.archive import Archive
from pipeline.blobstore import BlobCorrupt, BlobStore, open_blobstore
from pipeline.freshness import SERVICES, decide, load_rules
from pipeline.inbox import RELATIONS, UPLOAD_ID, Inbox, Manifest
from pipeline.intake import inspect_file
from pipeline.models import DOC_TYPES
from pipeline.processing import Pipeline
from pipeline.search import SearchFilters, SearchIndex
from pipeline.search.client import open_search_client
from pipeline.settings import Settings, get_settings

PERSON_ID = r"^[A-Za-z0-9-]{3,32}$"
DOCUMENT_ID = re.compile(r"^[0-9a-f-]{36}$")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    # The page's images are blobs fetched with the key; nothing inline, nothing from elsewhere.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' blob:; frame-ancestors 'none'; object-src 'none'",
    "Cache-Control": "no-store",
}
# What a renewal service may see of a record: enough to decide, nothing to read.
STATUS_VIEW = ("document_id", "version", "person_id", "doc_type", "status", "superseded_by", "supersedes")


@dataclass
class Services:
    settings: Settings
    blobstore: BlobStore
    keys: KeyStore
    audit: AuditLog
    index: SearchIndex

    @property
    def archive(self) -> Archive:
        return Archive(self.blobstore)

    @property
    def inbox(self) -> Inbox:
        return Inbox(self.blobstore)


class RateLimiter:
    """A token bucket per key: bursts allowed, sustained floods refused with 429."""

    def __init__(self, per_second: float, burst: int) -> None:
        self.rate, self.burst = per_second, burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key_id: str) -> bool:
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key_id, (float(self.burst), now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            allowed = tokens >= 1
            self._buckets[key_id] = (tokens - 1 if allowed else tokens, now)
            return allowed


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    blobstore = open_blobstore(settings)
    services = Services(
        settings,
        blobstore,
        KeyStore(blobstore),
        AuditLog(blobstore),
        SearchIndex(open_search_client(settings), settings),
    )
    limiter = RateLimiter(settings.api_rate_per_second, settings.api_rate_burst)
    app = FastAPI(title="Wathiqa archive API", version="1", docs_url="/docs", redoc_url=None)
    app.state.services = services

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable) -> Response:
        request.state.request_id = uuid.uuid4().hex
        length = int(request.headers.get("content-length") or 0)
        if length > settings.max_upload_bytes + 64 * 1024:  # the file plus its form fields
            return JSONResponse({"detail": f"request over the {settings.max_upload_bytes:,}-byte limit"}, 413)
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        response.headers["X-Request-Id"] = request.state.request_id
        return response

    def caller(*roles: str) -> Callable[..., ApiKey]:
        def check(request: Request) -> ApiKey:
            key = services.keys.verify(request.headers.get("x-api-key"))
            if key is None:
                raise HTTPException(401, "a valid X-API-Key header is required")
            if not limiter.allow(key.key_id):
                raise HTTPException(429, "too many requests for this key")
            if key.role not in (*roles, "admin"):
                raise HTTPException(403, f"the {key.role} role may not do this")
            request.state.key = key
            return key

        return check

    uploader = Annotated[ApiKey, Depends(caller("uploader"))]
    uploader_or_archivist = Annotated[ApiKey, Depends(caller("uploader", "archivist"))]
    renewal_or_archivist = Annotated[ApiKey, Depends(caller("renewal_service", "archivist"))]
    archivist = Annotated[ApiKey, Depends(caller("archivist"))]
    person_path = Annotated[str, PathParam(pattern=PERSON_ID)]

    def audit(request: Request, key: ApiKey, action: str, target: str | None, result: str) -> None:
        services.audit.append(
            key_id=key.key_id,
            role=key.role,
            request_id=request.state.request_id,
            action=action,
            target=target,
            result=result,
        )

    def record_or_404(document_id: str):
        record = services.archive.get_record(document_id) if DOCUMENT_ID.match(document_id) else None
        if record is None:
            raise HTTPException(404, "no such document")
        return record

    static = Path(__file__).parent / "static"
    app.mount("/static", StaticFiles(directory=static), name="static")

    @app.get("/archivist", include_in_schema=False)
    def archivist_page() -> FileResponse:
        return FileResponse(static / "archivist.html", media_type="text/html")

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"])
    def readyz() -> JSONResponse:
        checks = {}
        try:
            services.index.client.cluster.health(request_timeout=2)
            checks["opensearch"] = "ok"
        except Exception as exc:
            checks["opensearch"] = type(exc).__name__
        try:
            services.blobstore.exists("api/keys.json")
            checks["blobstore"] = "ok"
        except Exception as exc:
            checks["blobstore"] = type(exc).__name__
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse({"ready": ready, **checks}, 200 if ready else 503)

    @app.post("/v1/uploads", status_code=202, tags=["uploads"])
    def upload(
        request: Request,
        key: uploader,
        file: Annotated[UploadFile, File()],
        person_id: Annotated[str, Form(pattern=PERSON_ID)],
        declared_type: Annotated[str, Form()],
        relation: Annotated[str, Form()] = "self",
        sponsor_id: Annotated[str | None, Form(pattern=PERSON_ID)] = None,
    ) -> dict[str, Any]:
        if declared_type not in DOC_TYPES or declared_type == "unknown":
            raise HTTPException(422, f"declared_type must be one of {', '.join(DOC_TYPES[:-1])}")
        if relation not in RELATIONS:
            raise HTTPException(422, f"relation must be one of {', '.join(RELATIONS)}")
        with tempfile.TemporaryDirectory(prefix="wathiqa-upload-") as tmp:
            path = Path(tmp) / "upload"
            size = 0
            with open(path, "wb") as out:
                while chunk := file.file.read(1 << 20):
                    size += len(chunk)
                    if size > settings.max_upload_bytes:
                        audit(request, key, "upload", None, "413")
                        raise HTTPException(413, f"the file is over the {settings.max_upload_bytes:,}-byte limit")
                    out.write(chunk)
            report = inspect_file(path, settings, filename=file.filename)
            failing = next((c for c in report.checks if c.outcome == "fail"), None)
            if failing is not None and failing.name in ("file_type", "extension_matches", "file_size", "polyglot"):
                status = 413 if failing.name == "file_size" else 415
                audit(request, key, "upload", None, str(status))
                raise HTTPException(status, report.reason)
            # Everything else (corrupt, encrypted, bombs) goes through the pipeline and ends in quarantine
            # with its reason, exactly as uploads from `wathiqa ingest` do.
            manifest = Manifest(
                person_id=person_id,
                declared_type=declared_type,
                relation=relation,
                sponsor_id=sponsor_id,
                uploader=key.key_id,
                filename=file.filename,
            )
            upload_id = services.inbox.put(path, manifest)
        audit(request, key, "upload", upload_id, "202")
        return {"upload_id": upload_id, "status_url": f"/v1/uploads/{upload_id}"}

    @app.get("/v1/uploads/{upload_id}", tags=["uploads"])
    def upload_status(upload_id: str, request: Request, key: uploader_or_archivist) -> dict[str, Any]:
        receipt = services.inbox.receipt(upload_id) if UPLOAD_ID.match(upload_id) else None
        if receipt is None or (key.role == "uploader" and receipt["manifest"]["uploader"] != key.key_id):
            raise HTTPException(404, "no such upload")  # another uploader's upload does not exist for you
        outcome = Pipeline(settings, services.blobstore).outcome(upload_id)
        audit(request, key, "upload_status", upload_id, "200")
        state = "archived" if outcome.state == "duplicate" else outcome.state
        if (
            receipt["state"] == "waiting"
            and state == "waiting"
            and services.blobstore.exists(f"work/{upload_id}/intake.json")
        ):
            state = "processing"
        return {
            "upload_id": upload_id,
            "state": state,
            "document_id": outcome.document_id,
            "document_status": outcome.status,
            "reasons": receipt.get("reasons", []),
        }

    @app.get("/v1/documents/{document_id}", tags=["documents"])
    def document(document_id: str, request: Request, key: renewal_or_archivist) -> dict[str, Any]:
        record = record_or_404(document_id)
        audit(request, key, "read_record", document_id, "200")
        data = record.to_dict()
        return {k: data[k] for k in STATUS_VIEW} if key.role == "renewal_service" else data

    @app.get("/v1/documents/{document_id}/original", tags=["documents"])
    def original(document_id: str, request: Request, key: archivist) -> StreamingResponse:
        record = record_or_404(document_id)
        audit(request, key, "read_original", document_id, "200")
        chunks = services.archive.iter_original(record.sha256)

        def stream():
            try:
                yield from chunks
            except BlobCorrupt:
                # Headers are sent; cutting the stream short makes the client see a broken transfer.
                services.audit.append(
                    key_id=key.key_id,
                    role=key.role,
                    request_id=request.state.request_id,
                    action="read_original",
                    target=document_id,
                    result="corrupt",
                )
                raise

        return StreamingResponse(
            stream(),
            media_type=record.mime,
            headers={
                "Content-Length": str(record.size),
                "ETag": f'"{record.sha256}"',
                "Content-Disposition": f'attachment; filename="{document_id}"',
            },
        )

    @app.get("/v1/documents/{document_id}/pages/{number}.png", tags=["documents"])
    def page_preview(
        document_id: str, number: Annotated[int, PathParam(ge=1, le=100)], request: Request, key: archivist
    ) -> Response:
        from pipeline.ocr.images import load_image, render_pdf_page

        record = record_or_404(document_id)
        if number > record.pages:
            raise HTTPException(404, "no such page")
        with tempfile.TemporaryDirectory(prefix="wathiqa-preview-") as tmp:
            path = Path(tmp) / "original"
            path.write_bytes(services.archive.read_original(record.sha256))
            if record.mime == "application/pdf":
                image = render_pdf_page(path, number - 1, 100, settings.max_image_pixels)
            else:
                image = load_image(path, number - 1, settings.max_image_pixels)
        image.thumbnail((1200, 1200))
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, "PNG")
        audit(request, key, "read_preview", document_id, "200")
        return Response(buffer.getvalue(), media_type="image/png")

    @app.get("/v1/persons/{person_id}/documents", tags=["documents"])
    def person_documents(request: Request, person_id: person_path, key: renewal_or_archivist) -> list[dict[str, Any]]:
        records = services.archive.records_for_person(person_id)
        audit(request, key, "list_documents", person_id, "200")
        views = [r.to_dict() for r in records]
        if key.role == "renewal_service":
            return [{k: v[k] for k in STATUS_VIEW} for v in views]
        return [{k: v for k, v in view.items() if k != "text"} for view in views]

    @app.get("/v1/persons/{person_id}/freshness", tags=["freshness"])
    def freshness(
        request: Request, service: str, person_id: person_path, key: renewal_or_archivist, as_of: date | None = None
    ) -> dict[str, Any]:
        if service not in SERVICES:
            raise HTTPException(422, f"service must be one of {', '.join(SERVICES)}")
        records = services.index.records_for_person(person_id)
        answer = decide(person_id, service, as_of or settings.today(), records, load_rules(settings.rules_file))
        audit(request, key, f"freshness:{service}", person_id, "200")
        return answer.to_dict()

    @app.get("/v1/search", tags=["search"])
    def search(
        request: Request,
        key: archivist,
        q: str = Query("", max_length=200),
        type: str | None = None,
        status: str | None = None,
        nationality: str | None = Query(None, pattern="^[A-Z]{3}$"),
        person_id: str | None = Query(None, pattern=PERSON_ID),
        expiring_within_days: int | None = Query(None, ge=0, le=3650),
        size: int = Query(20, ge=1, le=100),
    ) -> dict[str, Any]:
        if type is not None and type not in DOC_TYPES:
            raise HTTPException(422, f"type must be one of {', '.join(DOC_TYPES)}")
        if status is not None and status not in ("verified", "needs_review", "rejected"):
            raise HTTPException(422, "status must be verified, needs_review or rejected")
        filters = SearchFilters(
            doc_type=type,
            status=status,
            nationality=nationality,
            person_id=person_id,
            expiring_within_days=expiring_within_days,
            as_of=settings.today(),
        )
        page = services.index.search(q, filters, size=size).to_dict()
        # The audit keeps a fingerprint of the query, not the names or numbers searched for.
        audit(request, key, "search", hashlib.sha256(q.encode()).hexdigest()[:16], "200")
        return page

    @app.get("/v1/audit", tags=["audit"])
    def audit_trail(
        request: Request,
        key: archivist,
        target: str | None = Query(None, max_length=64),
        limit: int = Query(100, ge=1, le=1000),
    ):
        entries = services.audit.entries(target, limit)
        audit(request, key, "read_audit", target, "200")
        return {"entries": entries, "chain_problems": services.audit.verify() if key.role == "admin" else None}

    return app
