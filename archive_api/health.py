"""Liveness and readiness (no key needed: load balancers and supervisors call these)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from archive_api.context import ApiContext, api_context

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(context: Annotated[ApiContext, Depends(api_context)]) -> JSONResponse:
    """Ready when OpenSearch answers and the blob store can be read; otherwise 503 naming what failed."""
    checks = {}
    try:
        context.index.client.cluster.health(request_timeout=2)
        checks["opensearch"] = "ok"
    except Exception as exc:  # any failure means not ready; the class name says which kind
        checks["opensearch"] = type(exc).__name__
    try:
        context.blobstore.exists("api/keys.json")
        checks["blobstore"] = "ok"
    except Exception as exc:
        checks["blobstore"] = type(exc).__name__
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse({"ready": ready, **checks}, 200 if ready else 503)
