"""`wathiqa check [--no-rehash]`: originals, records, inbox and index agree (reports, never repairs)."""

from __future__ import annotations

import argparse

from pipeline.settings import get_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("check", help="consistency check of originals, records and the index")
    parser.add_argument("--no-rehash", action="store_true", help="only check that originals exist")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pipeline.archive import Archive
    from pipeline.blobstore import open_blobstore
    from pipeline.inbox import Inbox
    from pipeline.sanity import check_consistency, format_findings
    from pipeline.search import SearchIndex
    from pipeline.search.client import open_search_client

    settings = get_settings()
    store = open_blobstore(settings)
    index = SearchIndex(open_search_client(settings), settings)
    report = check_consistency(Archive(store), Inbox(store), index.versions, rehash=not args.no_rehash)
    print(
        f"{report.records} records, {report.originals} originals, {report.indexed} indexed: "
        f"{len(report.findings)} problems"
    )
    for line in format_findings(report.findings):
        print("  " + line)
    return 0 if report.ok else 1
