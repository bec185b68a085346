"""`wathiqa ingest --person ID --declared-type T FILE...`: put uploads into the inbox, as the API does."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.commands import CommandError
from pipeline.models import DOC_TYPES, RELATIONS

if TYPE_CHECKING:
    from pipeline.inbox import Manifest


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
    from pipeline.inbox import Manifest

    return Manifest(
        person_id=args.person,
        declared_type=args.declared_type,
        relation=args.relation,
        sponsor_id=args.sponsor,
        uploader=args.uploader,
        filename=filename,
    )


def run(args: argparse.Namespace) -> int:
    # Imported here: the blob store's client (boto3) is slow to import, and every command's parser is
    # built on each run of `wathiqa` (`extract` has no use for it).
    from botocore.exceptions import BotoCoreError, ClientError

    from pipeline.blobstore import open_blobstore
    from pipeline.inbox import Inbox
    from pipeline.intake import inspect_file
    from pipeline.settings import get_settings

    try:
        _manifest(args, "")  # bad ids or relation: one line, before anything is stored
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    settings = get_settings()
    try:
        inbox = Inbox(open_blobstore(settings))
    except (BotoCoreError, ClientError) as exc:
        raise CommandError(f"cannot reach the blob store: {exc}") from None
    failed = 0
    for path in args.files:
        if not path.is_file():
            print(f"wathiqa ingest: {path}: no such file", file=sys.stderr)
            failed += 1
            continue
        report = inspect_file(path, settings, filename=path.name)
        try:
            upload_id = inbox.put(path, _manifest(args, path.name))
        except (OSError, BotoCoreError, ClientError) as exc:
            print(f"wathiqa ingest: {path}: not stored: {exc}".splitlines()[0], file=sys.stderr)
            failed += 1
            continue
        print(f"{upload_id}  {path}")
        if not report.accepted:
            # Stored all the same: the pipeline quarantines it with this reason, so nothing is silently dropped.
            print(f"wathiqa ingest: {path}: will be refused: {report.reason}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0
