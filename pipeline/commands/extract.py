"""`wathiqa extract [--json] [--as-of DATE] [--declared-type T] FILE...` (DESIGN's contract)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from pipeline.commands import CommandError
from pipeline.models import DOC_TYPES, ExtractionResult


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("extract", help="check, read, extract and validate local files (no services)")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--json", action="store_true", help="one JSON object per file per line")
    parser.add_argument("--as-of", dest="as_of",
                        help="judge validity as of this date (YYYY-MM-DD; default: today in Kuwait)")
    parser.add_argument("--declared-type", dest="declared_type", choices=[t for t in DOC_TYPES if t != "unknown"],
                        help="the type the uploader says the document is (checked, never trusted)")
    parser.set_defaults(func=run)


def _as_of(value: str | None) -> date | None:

    if value is None:
        return None  # extract_file then uses the ministry's today
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of must be a date as YYYY-MM-DD, got {value!r}") from None


def _human(result: ExtractionResult) -> str:
    lines = [f"{result.file}: {result.status} ({result.doc_type})"]
    lines += [f"  {k}: {v}" for k, v in result.fields.items() if k != "mrz"]
    lines += [f"  [{c.outcome}] {c.name}: {c.detail}" for c in result.checks]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from pipeline.extract import extract_many

    as_of = _as_of(args.as_of)
    failed = 0
    for item in extract_many(args.files, as_of, args.declared_type):
        if item.bad_input:
            failed += 1
            print(f"wathiqa extract: {item.result.file}: {item.bad_input}", file=sys.stderr, flush=True)
        if args.json:
            print(json.dumps(item.result.to_dict(), ensure_ascii=False), flush=True)
        elif not item.bad_input:
            print(_human(item.result), flush=True)
    return 1 if failed else 0
