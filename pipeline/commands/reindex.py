"""`wathiqa reindex`: rebuild the search index from the archive records, with no downtime."""

from __future__ import annotations

import argparse
import time

from pipeline.settings import get_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("reindex", help="rebuild the search index from archive records")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pipeline.archive import Archive
    from pipeline.blobstore import open_blobstore
    from pipeline.search import SearchIndex
    from pipeline.search.client import open_search_client

    settings = get_settings()
    started = time.perf_counter()
    index = SearchIndex(open_search_client(settings), settings)
    name = index.reindex(Archive(open_blobstore(settings)).iter_records())
    print(
        f"{index.count()} records indexed into {name}; alias {index.alias} switched "
        f"in {time.perf_counter() - started:.1f}s"
    )
    return 0
