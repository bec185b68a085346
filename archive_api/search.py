"""Archivist search over the index, and the audit trail (both archivist/admin only)."""

from __future__ import annotations

import base64
import json
import math
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from archive_api.audit import AuditQuery, log_access, query_ref
from archive_api.auth import ApiKey, require
from archive_api.context import ApiContext, api_context
from archive_api.params import COUNTRY, DOCUMENT_ID, PERSON_ID, DocType, Status
from pipeline.search import SearchFilters

router = APIRouter(prefix="/v1")
Context = Annotated[ApiContext, Depends(api_context)]
Archivist = Annotated[ApiKey, Depends(require("archivist"))]


def _utc(moment: datetime | None) -> str | None:
    """As the audit writes times (UTC, ISO), so they compare as text; a time without a zone is UTC."""
    if moment is None:
        return None
    return (moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def encode_cursor(after: list[Any] | None) -> str | None:
    """A page's `next_after` as an opaque URL-safe cursor."""
    return base64.urlsafe_b64encode(json.dumps(after).encode()).decode() if after else None


def decode_cursor(cursor: str | None) -> list[Any] | None:
    """The search_after values a cursor carries: [score, document id], checked (422 otherwise)."""
    if cursor is None:
        return None
    try:
        after = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except ValueError:
        after = None
    valid = (
        isinstance(after, list)
        and len(after) == 2
        and (after[0] is None or (isinstance(after[0], int | float) and math.isfinite(after[0])))
        and isinstance(after[1], str)
    )
    if not valid:
        raise HTTPException(422, "cursor is not one this API gave out")
    return after


def run_search(
    context: ApiContext,
    q: str,
    doc_type: str | None,
    status: str | None,
    size: int = 20,
    cursor: str | None = None,
    **filters: Any,
) -> dict[str, Any]:
    """The search both the API and the archivist's page run: a page of hits with the next page's cursor."""
    wanted = SearchFilters(doc_type=doc_type, status=status, as_of=context.settings.today(), **filters)
    page = context.index.search(q, wanted, size=size, search_after=decode_cursor(cursor))
    return page.to_dict() | {"next_cursor": encode_cursor(page.next_after)}


@router.get("/search", tags=["search"])
def search(
    request: Request,
    context: Context,
    key: Archivist,
    q: Annotated[str, Query(max_length=200)] = "",
    type: DocType | None = None,
    status: Status | None = None,
    nationality: Annotated[str | None, Query(pattern=COUNTRY)] = None,
    person_id: Annotated[str | None, Query(pattern=PERSON_ID)] = None,
    expiring_within_days: Annotated[int | None, Query(ge=0, le=3650)] = None,
    size: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=400, pattern=r"^[A-Za-z0-9_=-]+$")] = None,
) -> dict[str, Any]:
    """Names in Arabic or Latin script, document numbers, words; filters by type, status, nationality,
    person and expiry. `next_cursor` in the answer, passed back as `cursor`, gives the next page."""
    page = run_search(
        context,
        q,
        type,
        status,
        size,
        cursor,
        nationality=nationality,
        person_id=person_id,
        expiring_within_days=expiring_within_days,
    )
    log_access(request, "search", query_ref(q), "200")
    return page


@router.get("/audit", tags=["audit"])
def audit_trail(
    request: Request,
    context: Context,
    key: Archivist,
    document_id: Annotated[str | None, Query(pattern=DOCUMENT_ID)] = None,
    person_id: Annotated[str | None, Query(pattern=PERSON_ID)] = None,
    key_id: Annotated[str | None, Query(pattern=r"^[0-9a-f]{12}$")] = None,
    action: Annotated[str | None, Query(pattern=r"^[a-z_:.]{1,64}$")] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    verify_chain: bool = False,
) -> dict[str, Any]:
    """Who did what, newest first. `verify_chain` (admins only) also checks every entry's hash link."""
    if verify_chain and key.role != "admin":
        raise HTTPException(403, "only admins verify the audit chain")
    target = context.audit.person_ref(person_id) if person_id else document_id
    query = AuditQuery(
        target=target,
        key_id=key_id,
        action=action,
        since=_utc(since),
        until=_utc(until),
    )
    entries = context.audit.entries(query, limit)
    log_access(request, "read_audit", target, "200")
    return {"entries": entries, "chain_problems": context.audit.verify() if verify_chain else None}
