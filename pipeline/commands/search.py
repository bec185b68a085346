"""`wathiqa search QUERY [--type T] [--json]`: archivist search from the shell."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pipeline.commands import CommandError
from pipeline.models import DOC_TYPES
from pipeline.settings import Settings, get_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("search", help="search the archive in Arabic or English")
    parser.add_argument("query", help="names, numbers or words, in either script")
    parser.add_argument("--type", choices=DOC_TYPES, help="only this document type")
    parser.add_argument("--status", choices=["verified", "needs_review", "rejected"])
    parser.add_argument("--person", help="only documents about this person")
    parser.add_argument("--nationality", help="only this ICAO nationality code, e.g. IND")
    parser.add_argument("--expiring-within", type=int, metavar="DAYS", help="only documents expiring this soon")
    parser.add_argument("--size", type=_page_size, default=20, help="hits per page, 1 to 500")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(func=run)


def _page_size(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 500:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to 500, got {value!r}")
    return int(value)


@contextmanager
def search_service(settings: Settings) -> Iterator[None]:
    """Turn an unreachable or refusing OpenSearch into one line naming it, not a traceback."""
    from opensearchpy.exceptions import OpenSearchException

    try:
        yield
    except OpenSearchException as exc:
        detail = " ".join(str(exc).split())[:200]
        raise CommandError(f"search index at {settings.opensearch_url}: {type(exc).__name__}: {detail}") from None


def search_records(settings: Settings, query: str, **filters: Any) -> dict[str, Any]:
    from pipeline.search import SearchFilters, SearchIndex
    from pipeline.search.client import open_search_client

    size = filters.pop("size", 20)
    index = SearchIndex(open_search_client(settings), settings)
    with search_service(settings):
        return index.search(query, SearchFilters(**filters), size=size).to_dict()


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    page = search_records(
        settings,
        args.query,
        doc_type=args.type,
        status=args.status,
        person_id=args.person,
        nationality=args.nationality,
        expiring_within_days=args.expiring_within,
        as_of=settings.today(),  # the ministry's day, not the server's
        size=args.size,
    )
    if args.json:
        print(json.dumps(page, ensure_ascii=False))
        return 0
    print(f"{page['total']} documents")
    for hit in page["hits"]:
        names = ", ".join(hit["names"][:3])
        print(f"  {hit['document_id']}  {hit['doc_type']:<21} {hit['status']:<13} {hit['person_id']:<10} {names}")
    for facet, counts in page["facets"].items():
        print(f"  {facet}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0
