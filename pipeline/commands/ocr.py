"""`wathiqa ocr [--json] FILE...`: text only, one result per file (DESIGN's contract)."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from pipeline.ocr import OcrError, read_document


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("ocr", help="read the text of local files (text layer or OCR)")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--json", action="store_true", help="one JSON object per file per line")
    parser.set_defaults(func=run)


def read_file(path: Path) -> dict[str, Any]:
    """The command's record for one file; raises OcrError with a one-line reason for bad input."""
    import magic

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OcrError(f"cannot read file: {exc.strerror or exc}") from None
    mime = magic.from_buffer(data[:65536], mime=True)
    result = read_document(path, mime, hashlib.sha256(data).hexdigest())
    return {"file": str(path), "text": result.text, "pages": len(result.pages),
            "mean_confidence": result.mean_confidence, "seconds": result.seconds}


def run(args: argparse.Namespace) -> int:
    failed = 0
    for path in args.files:
        try:
            record = read_file(path)
        except OcrError as exc:
            failed += 1
            print(f"wathiqa ocr: {path}: {exc}", file=sys.stderr, flush=True)
            if args.json:
                check = {"name": "text.readable", "outcome": "fail", "detail": str(exc)}
                print(json.dumps({"file": str(path), "status": "rejected", "checks": [check]}, ensure_ascii=False))
            continue
        if args.json:
            print(json.dumps(record, ensure_ascii=False), flush=True)
        else:
            print(f"== {record['file']} ({record['pages']} pages, confidence {record['mean_confidence']}, "
                  f"{record['seconds']} s)\n{record['text']}", flush=True)
    return 1 if failed else 0
