"""The archive API (`/v1`) and the archivist's page, as one FastAPI app: `create_app(settings)`.

Every `/v1` request needs an API key (`X-API-Key`) whose role allows the route, and is written to the
hash-chained audit log. Application logs never carry names, numbers or document text.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError
from fastapi import FastAPI, HTTPException, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from opensearchpy.exceptions import ConnectionError as OpenSearchUnavailable
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from archive_api import documents, freshness, health, page, search, uploads
from archive_api.audit import AuditLog
from archive_api.audit_index import AuditIndex
from archive_api.auth import KeyStore
from archive_api.context import ApiContext
from archive_api.ratelimit import RateLimiter
from pipeline.blobstore import open_blobstore
from pipeline.search import SearchIndex
from pipeline.search.client import open_search_client
from pipeline.settings import Settings, get_settings

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    # Scripts, styles and images only from this app; nothing inline; never framed.
    (
        b"content-security-policy",
        b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        b"form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    ),
    (b"cache-control", b"no-store"),
]
log = logging.getLogger(__name__)
FORM_ALLOWANCE = 64 * 1024  # an upload's form fields and multipart framing, beyond the file itself


class BodyTooLarge(HTTPException):
    """Raised while the body is read: an HTTPException, so FastAPI answers it (413) rather than a parse error."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request over the {limit:,}-byte limit")


class Guard:
    """Outermost layer: a request id, a request size limit (declared or streamed), security headers."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app, self.max_body = app, max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = False
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body:  # a chunked body with no length declared, or a lying one
                raise BodyTooLarge(self.max_body)
            return message

        async def secured_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [
                    *message.get("headers", []),
                    *SECURITY_HEADERS,
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit():
            await _json(secured_send, 400, {"detail": "malformed Content-Length"})
            return
        try:
            if int(declared) > self.max_body:
                raise BodyTooLarge(self.max_body)
            await self.app(scope, limited_receive, secured_send)
        except BodyTooLarge as refused:
            if started:
                raise
            await _json(secured_send, 413, {"detail": refused.detail})


async def _json(send: Send, status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


def _unavailable(what: str) -> Callable[[Request, Exception], JSONResponse]:
    """A service behind the API is down: 503 with a one-line reason (the readiness probe says which)."""

    def answer(request: Request, exc: Exception) -> JSONResponse:
        log.error("%s unavailable: %s", what, type(exc).__name__)
        return JSONResponse({"detail": f"{what} is unavailable; try again later"}, 503)

    return answer


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    # Entries written behind their answers reach storage before exit.
    if not app.state.context.audit.flush():
        log.error("audit entries still unwritten at shutdown: the blob store is not answering")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    blobstore = open_blobstore(settings)
    app = FastAPI(title="Wathiqa archive API", version="1", docs_url=None, redoc_url=None, lifespan=lifespan)
    client = open_search_client(settings)
    app.state.context = ApiContext(
        settings=settings,
        blobstore=blobstore,
        keys=KeyStore(blobstore),
        audit=AuditLog(blobstore, AuditIndex(client, f"{settings.index_prefix}-audit")),
        index=SearchIndex(client, settings),
        limiter=RateLimiter(settings.api_rate_per_second, settings.api_rate_burst),
    )
    app.state.templates = page.templates()
    app.add_exception_handler(OpenSearchUnavailable, _unavailable("the search index"))
    app.add_exception_handler(BotoCoreError, _unavailable("the blob store"))
    for area in (health, uploads, documents, freshness, search, page):
        app.include_router(area.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    if settings.api_cors_origins:  # closed unless origins are named
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.api_cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["X-API-Key"],
        )
    app.add_middleware(Guard, max_body=settings.max_upload_bytes + FORM_ALLOWANCE)
    return app
