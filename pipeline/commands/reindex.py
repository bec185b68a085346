"""`wathiqa reindex`: rebuild the search index from the archive records, with no downtime."""

from __future__ import annotations

import argparse
import time

from pipeline.settings import get_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("reindex", help="rebuild the search index from archive records")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    from pipeline.archive import Archive
    from pipeline.blobstore import open_blobstore
    from pipeline.commands import CommandError
    from pipeline.commands.search import search_service
    from pipeline.search import SearchIndex
    from pipeline.search.client import open_search_client
    from pipeline.search.indexer import IndexingError

    settings = get_settings()
    started = time.perf_counter()
    index = SearchIndex(open_search_client(settings), settings)
    with search_service(settings):
        try:
            name = index.reindex(Archive(open_blobstore(settings)).iter_records())
        except IndexingError as exc:
            raise CommandError(f"{exc}; the index in use was left as it was") from None
        except (OSError, BotoCoreError, ClientError) as exc:
            raise CommandError(f"cannot read the archive records: {type(exc).__name__}: {exc}") from None
        total = index.count()
    print(f"{total} records indexed into {name}; alias {index.alias} switched in {time.perf_counter() - started:.1f}s")
    return 0
