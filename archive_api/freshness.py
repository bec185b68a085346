"""The freshness decision (DESIGN's contract): which of a person's documents a service may reuse, and why not.

Records are read from the search index (fast, one query), the decision is `pipeline.freshness.decide`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse

from archive_api.audit import log_access
from archive_api.auth import ApiKey, require
from archive_api.context import ApiContext, api_context
from archive_api.params import PERSON_ID, Service
from pipeline.freshness import decide

router = APIRouter(prefix="/v1", tags=["freshness"])


@router.get("/persons/{person_id}/freshness")
def freshness(
    request: Request,
    context: Annotated[ApiContext, Depends(api_context)],
    person_id: Annotated[str, PathParam(pattern=PERSON_ID)],
    service: Service,
    key: Annotated[ApiKey, Depends(require("renewal_service", "archivist"))],
    as_of: date | None = None,
) -> JSONResponse:
    """`as_of` defaults to today in Kuwait. Never suggests reusing an expired, rejected, superseded or
    under-review document."""
    records = context.index.records_for_person(person_id)
    answer = decide(person_id, service.value, as_of or context.settings.today(), records, context.rules)
    # Written behind the answer (see archive_api.audit): this is the path renewal services hammer.
    decisions = " ".join(f"{r.requirement}:{r.decision}" for r in answer.requirements)
    target = context.audit.person_ref(person_id)
    log_access(request, f"freshness:{service.value}", target, "200", wait=False, decisions=decisions)
    # The decision is already plain JSON data: skip FastAPI's re-encoding on this hot path.
    return JSONResponse(answer.to_dict())
