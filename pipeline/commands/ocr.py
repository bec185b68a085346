"""`wathiqa ocr [--json] FILE...`: text only, one result per file (DESIGN's contract)."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from pipeline.ocr import DocumentRequest, OcrError, read_documents


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("ocr", help="read the text of local files (text layer or OCR)")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--json", action="store_true", help="one JSON object per file per line")
    parser.set_defaults(func=run)


def _request(path: Path) -> DocumentRequest:
    import magic

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OcrError(f"cannot read file: {exc.strerror or exc}") from None
    return DocumentRequest(path, magic.from_buffer(data[:65536], mime=True), hashlib.sha256(data).hexdigest())


def run(args: argparse.Namespace) -> int:
    requests: dict[Path, DocumentRequest | OcrError] = {}
    for path in args.files:
        try:
            requests[path] = _request(path)
        except OcrError as exc:
            requests[path] = exc
    # All files' pages go through one pool of workers.
    wanted = [r for r in requests.values() if isinstance(r, DocumentRequest)]
    read = dict(zip([r.path for r in wanted], read_documents(wanted), strict=True))
    failed = 0
    for path in args.files:
        outcome = read.get(path, requests[path])
        if isinstance(outcome, OcrError):
            failed += 1
            print(f"wathiqa ocr: {path}: {outcome}", file=sys.stderr, flush=True)
            if args.json:
                check = {"name": "text.readable", "outcome": "fail", "detail": str(outcome)}
                print(json.dumps({"file": str(path), "status": "rejected", "checks": [check]}, ensure_ascii=False))
            continue
        record = {"file": str(path), "text": outcome.text, "pages": len(outcome.pages),
                  "mean_confidence": outcome.mean_confidence, "seconds": outcome.seconds}
        if args.json:
            print(json.dumps(record, ensure_ascii=False), flush=True)
        else:
            print(f"== {path} ({record['pages']} pages, confidence {record['mean_confidence']}, "
                  f"{record['seconds']} s)\n{outcome.text}", flush=True)
    return 1 if failed else 0
