"""The archivist's page: server-rendered (Jinja2) search, document view with fields, checks, page previews
and the document's audit trail, in English or Arabic.

The browser holds the archivist's key in an HttpOnly, SameSite=Strict cookie scoped to /archivist, so page
scripts never see it and other sites cannot use it. Every view is role-checked and audited like the API.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Annotated, Any, get_args

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from archive_api.audit import AuditQuery, log_access, query_ref
from archive_api.auth import PAGE_COOKIE, ApiKey, authorise, require
from archive_api.context import ApiContext, api_context
from archive_api.i18n import LANGUAGES, translator
from archive_api.params import DOCUMENT_ID, DocType, Status
from archive_api.preview import preview_response
from archive_api.search import run_search

router = APIRouter(prefix="/archivist", include_in_schema=False)
Context = Annotated[ApiContext, Depends(api_context)]
Lang = Annotated[str, Query(pattern="^(en|ar)$")]
PAGE_ROLES = ("archivist",)
MARK = re.compile(r"(</?mark>)")


def _optional_choice(choices: Any) -> Any:
    """A filter from the page's form: one of the choices, or empty for "any"."""
    return Annotated[str, Query(pattern=f"^({'|'.join(get_args(choices))})?$")]


def highlighted(fragment: str) -> Markup:
    """A search highlight with only its <mark> tags as markup; everything else is re-escaped here, whatever
    the index sent."""
    return Markup("".join(p if MARK.fullmatch(p) else str(escape(html.unescape(p))) for p in MARK.split(fragment)))


def templates() -> Jinja2Templates:
    found = Jinja2Templates(directory=Path(__file__).parent / "templates")
    found.env.filters["highlighted"] = highlighted
    return found


def _render(request: Request, name: str, lang: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    other = LANGUAGES[1 - LANGUAGES.index(lang)]
    # The language switch keeps the view (search terms, document) where it can, i.e. on GET views.
    here = request.url.include_query_params(lang=other)
    switch_url = f"{here.path}?{here.query}" if request.method == "GET" else f"/archivist?lang={other}"
    values |= {
        "lang": lang,
        "dir": "rtl" if lang == "ar" else "ltr",
        "t": translator(lang),
        "other": other,
        "switch_url": switch_url,
        "signed_in": hasattr(request.state, "key"),
    }
    return request.app.state.templates.TemplateResponse(request, name, values, status_code=status_code)


def _signed_in(request: Request) -> ApiKey | None:
    """The archivist's key from the cookie; None when there is none or it is not valid (show the sign-in)."""
    try:
        return authorise(request, PAGE_ROLES, from_cookie=True)
    except HTTPException as refused:
        if refused.status_code == 401:
            return None
        raise


@router.get("", response_class=HTMLResponse)
def search_page(
    request: Request,
    context: Context,
    lang: Lang = "en",
    q: Annotated[str, Query(max_length=200)] = "",
    type: _optional_choice(DocType) = "",
    status: _optional_choice(Status) = "",
    cursor: Annotated[str | None, Query(max_length=400, pattern=r"^[A-Za-z0-9_=-]+$")] = None,
) -> HTMLResponse:
    if _signed_in(request) is None:
        return _render(request, "login.html", lang)
    page, next_url = None, None
    if q or type or status:
        page = run_search(context, q, type or None, status or None, cursor=cursor)
        log_access(request, "search", query_ref(q), "200")
        if page["next_cursor"]:
            following = request.url.include_query_params(cursor=page["next_cursor"])
            next_url = f"{following.path}?{following.query}"
    return _render(request, "search.html", lang, q=q, type=type, status=status, page=page, next_url=next_url)


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, context: Context, key: Annotated[str, Form(max_length=200)], lang: Lang = "en") -> Response:
    found = context.keys.verify(key)
    if found is None:
        return _render(request, "login.html", lang, 401, error="bad_key")
    if found.role not in (*PAGE_ROLES, "admin"):
        return _render(request, "login.html", lang, 403, error="not_allowed")
    response = RedirectResponse(f"/archivist?lang={lang}", status_code=303)
    response.set_cookie(PAGE_COOKIE, key, httponly=True, samesite="strict", path="/archivist", max_age=8 * 3600)
    return response


@router.post("/logout")
def logout(lang: Lang = "en") -> Response:
    response = RedirectResponse(f"/archivist?lang={lang}", status_code=303)
    response.delete_cookie(PAGE_COOKIE, path="/archivist")
    return response


@router.get("/documents/{document_id}", response_class=HTMLResponse)
def document_page(
    request: Request,
    context: Context,
    document_id: Annotated[str, PathParam(pattern=DOCUMENT_ID)],
    lang: Lang = "en",
) -> HTMLResponse:
    if _signed_in(request) is None:
        return _render(request, "login.html", lang, 401)
    record = context.record_or_404(document_id)
    log_access(request, "read_record", document_id, "200")
    trail = context.audit.entries(AuditQuery(target=document_id), limit=50)
    fields = {k: v for k, v in record.fields.items() if k != "mrz"}
    return _render(request, "document.html", lang, record=record, fields=fields, trail=trail)


@router.get("/documents/{document_id}/pages/{number}.png")
def page_image(
    request: Request,
    context: Context,
    document_id: Annotated[str, PathParam(pattern=DOCUMENT_ID)],
    number: Annotated[int, PathParam(ge=1, le=1000)],
    key: Annotated[ApiKey, Depends(require(*PAGE_ROLES, from_cookie=True))],
) -> Response:
    return preview_response(request, context, document_id, number)
