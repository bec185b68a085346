"""`extract_file`: intake checks, text, understanding and validation for local files, with no services."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline import ocr
from pipeline.extraction import understand
from pipeline.intake import inspect_file
from pipeline.models import Check, ExtractionResult, status_from_checks
from pipeline.settings import Settings, get_settings


@dataclass
class Extracted:
    result: ExtractionResult
    bad_input: str | None  # the one-line reason when the file could not be taken in or read at all


def _rejected(path: Path, check: Check, declared_type: str | None, sha256: str = "", mime: str = "",
              pages: int = 0, checks: list[Check] | None = None) -> Extracted:
    result = ExtractionResult(
        file=str(path), sha256=sha256, mime=mime, pages=pages, doc_type="unknown", declared_type=declared_type,
        fields={}, checks=[*(checks or []), check], status="rejected",
        ocr={"engine": None, "mean_confidence": 0.0, "seconds": 0.0},
    )
    return Extracted(result, check.detail)


def extract(path: Path, as_of: date | None = None, declared_type: str | None = None,
            settings: Settings | None = None) -> Extracted:
    """One file through the whole local pipeline; bad input comes back rejected with its reason."""
    settings = settings or get_settings()
    as_of = as_of or settings.today()
    if not path.is_file():
        return _rejected(path, Check("file_readable", "fail", "no such file"), declared_type)
    report = inspect_file(path, settings, filename=path.name)
    if not report.accepted:
        failing = next((c for c in report.checks if c.outcome == "fail"), None)
        reason = Check("intake", "fail", report.reason or (failing.detail if failing else "not accepted"))
        kept = [c for c in report.checks if c is not failing]
        return _rejected(path, failing or reason, declared_type, report.sha256, report.mime, report.pages,
                         kept if failing else report.checks)
    try:
        text = ocr.read_document(path, report.mime, report.sha256, settings)
    except Exception as exc:  # a file that passed intake but cannot be rendered is bad input, not a crash
        check = Check("text_readable", "fail", f"could not read the document's text: {exc}".splitlines()[0])
        return _rejected(path, check, declared_type, report.sha256, report.mime, report.pages, report.checks)
    understanding = understand(text, declared_type, as_of, settings)
    checks = [*report.checks, *understanding.checks]
    result = ExtractionResult(
        file=str(path), sha256=report.sha256, mime=report.mime, pages=len(text.pages) or report.pages,
        doc_type=understanding.doc_type, declared_type=declared_type, fields=understanding.fields,
        checks=checks, status=status_from_checks(checks),
        ocr={"engine": text.engine, "mean_confidence": text.mean_confidence, "seconds": round(text.seconds, 3)},
    )
    return Extracted(result, None)


def extract_file(path: Path, as_of: date | None = None, declared_type: str | None = None,
                 settings: Settings | None = None) -> ExtractionResult:
    """DESIGN's extraction result for one local file; never raises for bad input."""
    return extract(Path(path), as_of, declared_type, settings).result


def extract_many(paths: list[Path], as_of: date | None = None, declared_type: str | None = None,
                 settings: Settings | None = None, workers: int | None = None) -> Iterator[Extracted]:
    """Several files at once, yielded in the order given. Threads suffice: the OCR work runs in Tesseract
    processes, and the text stage already spreads one document's pages over the cores."""
    settings = settings or get_settings()
    with ThreadPoolExecutor(max_workers=workers or settings.ocr_workers) as pool:
        yield from pool.map(lambda p: extract(Path(p), as_of, declared_type, settings), paths)
