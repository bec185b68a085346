"""Kuwaiti civil ID numbers: 12 digits = century digit, birth date YYMMDD, 4-digit serial, check digit."""

from __future__ import annotations

import re
from datetime import date

from pipeline.models import Check
from pipeline.ocr.arabic import normalize_digits

NAME = "civil_id"
_WEIGHTS = (2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CENTURY = {"1": 1800, "2": 1900, "3": 2000}
_CANDIDATE = re.compile(r"(?<!\d)\d{12}(?!\d)")
# A civil ID is a number printed as one, under its label: any twelve digits on a page are not (a
# passport number misread with its check digit can come out as twelve digits).
_LABEL = re.compile(r"civil\s*(id|no|number)|ال(رقم|بطاقة)\s*ال?مدني|مدنية", re.IGNORECASE)


def civil_id_problem(number: str) -> str | None:
    """Why `number` is not a valid civil ID, or None when it is."""
    if not re.fullmatch(r"\d{12}", number):
        return "is not 12 digits"
    if number[0] not in _CENTURY:
        return f"century digit {number[0]} is not 1, 2 or 3"
    try:
        date(_CENTURY[number[0]] + int(number[1:3]), int(number[3:5]), int(number[5:7]))
    except ValueError:
        return f"birth date {number[1:7]} is not a date"
    expected = 11 - sum(int(d) * w for d, w in zip(number, _WEIGHTS, strict=False)) % 11
    if expected > 9 or expected != int(number[11]):
        return "check digit does not match"
    return None


def civil_id_valid(number: str) -> bool:
    return civil_id_problem(number) is None


def check_civil_ids(text: str) -> list[Check]:
    """Every civil ID printed on the document (twelve digits by a civil ID label) must be a valid one.

    A failure is "review", not "reject": one misread digit breaks the check digit, and the text came from OCR.
    """
    lines = normalize_digits(text).splitlines()
    # The number stands on its label's line or, in forms that set values under labels, the next one.
    labelled = [" ".join(lines[i:i + 2]) for i, line in enumerate(lines) if _LABEL.search(line)]
    numbers = sorted({n for chunk in labelled for n in _CANDIDATE.findall(chunk)})
    if not numbers:
        return []
    bad = [f"{n} ({civil_id_problem(n)})" for n in numbers if civil_id_problem(n)]
    if bad:
        return [Check(NAME, "fail", f"civil ID number invalid: {'; '.join(bad)}", "review")]
    return [Check(NAME, "pass", f"civil ID {', '.join(numbers)} valid")]
