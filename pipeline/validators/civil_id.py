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
    """Every civil-ID-shaped number on the document must be a valid one.

    A failure is "review", not "reject": one misread digit breaks the check digit, and the text came from OCR.
    """
    numbers = sorted(set(_CANDIDATE.findall(normalize_digits(text))))
    if not numbers:
        return []
    bad = [f"{n} ({civil_id_problem(n)})" for n in numbers if civil_id_problem(n)]
    if bad:
        return [Check(NAME, "fail", f"civil ID number invalid: {'; '.join(bad)}", "review")]
    return [Check(NAME, "pass", f"civil ID {', '.join(numbers)} valid")]
