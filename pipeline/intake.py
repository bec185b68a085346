"""The intake step: is this upload a document we may keep and read? Never raises for bad input."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.hashing import sha256_file
from pipeline.models import Check
from pipeline.settings import Settings, get_settings
from pipeline.validators.filetype import check_extension, check_polyglot, check_size, check_type, sniff_mime
from pipeline.validators.image_safety import inspect_image


@dataclass
class IntakeReport:
    sha256: str
    mime: str
    size: int
    pages: int
    checks: list[Check] = field(default_factory=list)
    accepted: bool = False
    reason: str | None = None  # the one-line reason when not accepted


def inspect_file(path: Path, settings: Settings | None = None, filename: str | None = None) -> IntakeReport:
    settings = settings or get_settings()
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        check = Check("file_readable", "fail", f"cannot read the file: {exc.strerror or exc}")
        return IntakeReport("", "", 0, 0, [check], False, check.detail)
    report = IntakeReport(sha256="", mime="", size=size, pages=0)

    def stop(check: Check) -> IntakeReport:
        report.checks.append(check)
        if check.outcome == "fail" and report.reason is None:
            report.reason = check.detail
        return report

    size_check = check_size(size, settings.max_upload_bytes)
    if size_check.outcome == "fail":
        return stop(size_check)  # never hash or parse what is over the limit
    report.checks.append(size_check)
    report.sha256 = sha256_file(path)
    report.mime = sniff_mime(path)
    for check in (check_type(report.mime), check_extension(report.mime, filename), check_polyglot(path, report.mime)):
        if check.outcome == "fail":
            return stop(check)
        report.checks.append(check)
    if report.mime == "application/pdf":
        # Imported here: pikepdf costs a cold `extract` of an image 0.08 s for nothing.
        from pipeline.validators.pdf_safety import inspect_pdf

        report.pages, checks = inspect_pdf(path, settings.max_pages)
    else:
        report.pages, checks = inspect_image(path, settings.max_image_pixels, settings.max_pages)
    for check in checks:
        stop(check)
    report.accepted = report.reason is None
    return report
