"""`wathiqa ingest --person ID --declared-type T FILE...`: put uploads into the inbox, as the API does."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.blobstore import open_blobstore
from pipeline.commands import CommandError
from pipeline.inbox import RELATIONS, Inbox, Manifest
from pipeline.models import DOC_TYPES
from pipeline.settings import get_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("ingest", help="put files into the inbox for the pipeline")
    parser.add_argument("--person", required=True, help="the person the documents are about (civil ID)")
    parser.add_argument("--declared-type", required=True, choices=[t for t in DOC_TYPES if t != "unknown"])
    parser.add_argument("--relation", default="self", choices=RELATIONS, help="relation to the sponsor")
    parser.add_argument("--sponsor", help="the sponsoring resident's id (for family and domestic workers)")
    parser.add_argument("--uploader", default="cli", help="who uploads (recorded in the manifest)")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.set_defaults(func=run)


def _manifest(args: argparse.Namespace, filename: str) -> Manifest:
    return Manifest(
        person_id=args.person,
        declared_type=args.declared_type,
        relation=args.relation,
        sponsor_id=args.sponsor,
        uploader=args.uploader,
        filename=filename,
    )


def run(args: argparse.Namespace) -> int:

    try:
        _manifest(args, "")  # bad ids or relation: one line, before anything is stored
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    inbox = Inbox(open_blobstore(get_settings()))
    failed = 0
    for path in args.files:
        if not path.is_file():
            print(f"wathiqa ingest: {path}: no such file", file=sys.stderr)
            failed += 1
            continue
        print(f"{inbox.put(path, _manifest(args, path.name))}  {path}")
    return 1 if failed else 0
