"""PDF structure: opens, not encrypted, within the page limit, no active content."""

from __future__ import annotations

from pathlib import Path

import pikepdf

from pipeline.models import Check

ACTIVE_KEYS = {"/JavaScript": "JavaScript", "/JS": "JavaScript", "/Launch": "a launch action",
               "/EmbeddedFiles": "embedded files", "/EmbeddedFile": "embedded files"}


def inspect_pdf(path: Path, max_pages: int) -> tuple[int, list[Check]]:
    """(page count, checks); never raises for a bad PDF."""
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        return 0, [Check("pdf_readable", "fail", "the PDF is encrypted or password-protected")]
    except Exception as exc:
        return 0, [Check("pdf_readable", "fail", f"the PDF is corrupt or truncated ({type(exc).__name__})")]
    with pdf:
        if pdf.is_encrypted:
            return 0, [Check("pdf_readable", "fail", "the PDF is encrypted")]
        try:
            pages = len(pdf.pages)
        except Exception as exc:
            return 0, [Check("pdf_readable", "fail", f"the PDF's page tree is broken ({type(exc).__name__})")]
        checks = [Check("pdf_readable", "pass", f"{pages} page(s)")]
        if pages == 0:
            checks.append(Check("page_count", "fail", "the PDF has no pages"))
        elif pages > max_pages:
            checks.append(Check("page_count", "fail", f"{pages} pages, over the {max_pages}-page limit"))
        else:
            checks.append(Check("page_count", "pass", f"{pages} of at most {max_pages} pages"))
        found = sorted(_active_content(pdf))
        if found:
            checks.append(Check("pdf_active_content", "warn", f"the PDF carries {', '.join(found)}", severity="review"))
        else:
            checks.append(Check("pdf_active_content", "pass", "no JavaScript, launch actions or embedded files"))
        return pages, checks


def _active_content(pdf: pikepdf.Pdf) -> set[str]:
    found: set[str] = set()
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary):
            for key in obj.keys():  # noqa: SIM118 - pikepdf dictionaries iterate differently
                if key in ACTIVE_KEYS:
                    found.add(ACTIVE_KEYS[key])
            if obj.get("/S") in (pikepdf.Name.JavaScript, pikepdf.Name.Launch):
                found.add("JavaScript" if obj.get("/S") == pikepdf.Name.JavaScript else "a launch action")
    return found
