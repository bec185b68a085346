"""PDF structure: opens, not encrypted, within the page limit, no active content."""

from __future__ import annotations

from pathlib import Path

import pikepdf

from pipeline.models import Check

ACTIVE_KEYS = {
    "/JavaScript": "JavaScript",
    "/JS": "JavaScript",
    "/Launch": "a launch action",
    "/EmbeddedFiles": "embedded files",
    "/EmbeddedFile": "embedded files",
}


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
        try:
            found = sorted(_active_content(pdf))
        except Exception as exc:
            return pages, [Check("pdf_readable", "fail", f"the PDF's objects are broken ({type(exc).__name__})")]
        if found:
            checks.append(Check("pdf_active_content", "warn", f"the PDF carries {', '.join(found)}", severity="review"))
        else:
            checks.append(Check("pdf_active_content", "pass", "no JavaScript, launch actions or embedded files"))
        return pages, checks


def _active_content(pdf: pikepdf.Pdf) -> set[str]:
    found: set[str] = set()
    # Direct dictionaries nest inside indirect objects (e.g. the catalog's /Names tree): walk into them.
    stack = [(obj, 0) for obj in pdf.objects]
    while stack:
        obj, depth = stack.pop()
        if depth > 8:
            continue
        if isinstance(obj, pikepdf.Dictionary):
            for key, value in obj.items():
                if key in ACTIVE_KEYS:
                    found.add(ACTIVE_KEYS[key])
                if isinstance(value, (pikepdf.Dictionary, pikepdf.Array)) and not value.is_indirect:
                    stack.append((value, depth + 1))
            action = obj.get("/S")
            if action == pikepdf.Name.JavaScript:
                found.add("JavaScript")
            elif action == pikepdf.Name.Launch:
                found.add("a launch action")
        elif isinstance(obj, pikepdf.Array):
            stack.extend(
                (item, depth + 1)
                for item in obj
                if isinstance(item, (pikepdf.Dictionary, pikepdf.Array)) and not item.is_indirect
            )
    return found
