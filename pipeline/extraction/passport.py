"""Passports: fields from the MRZ, and what the printed (visual) page says, for the cross-check."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from pipeline.extraction.dates import find_dates
from pipeline.extraction.labels import labeled_values
from pipeline.extraction.mrz import Mrz, find_mrz_lines, normalise_line, parse_mrz
from pipeline.extraction.normalise import clean
from pipeline.extraction.values import date_value

_NUMBER_TOKEN = re.compile(r"(?<![A-Z0-9])(?=[A-Z0-9]*\d)[A-Z0-9]{6,10}(?![A-Z0-9])")


@dataclass
class PrintedPage:
    """What the visual zone says, read independently of the MRZ."""

    text: str  # page text without the MRZ lines
    number_tokens: list[str] = field(default_factory=list)
    labeled_number: str | None = None
    dates: list[date] = field(default_factory=list)


def _looks_like_mrz(line: str) -> bool:
    norm = normalise_line(line)
    return len(norm) >= 25 and norm.count("<") >= 3


def printed_page(text: str, today: date) -> PrintedPage:
    lines = [line for line in text.splitlines() if not _looks_like_mrz(line)]
    printed = "\n".join(lines)
    upper = clean(printed).upper()
    labeled = labeled_values(printed, "passport").get("document_number")
    labeled_token = _NUMBER_TOKEN.search(labeled.upper().replace(" ", "")) if labeled else None
    return PrintedPage(
        text=printed,
        number_tokens=_NUMBER_TOKEN.findall(upper),
        labeled_number=labeled_token.group(0) if labeled_token else None,
        dates=[d.value for d in find_dates(printed, pivot_year=today.year)],
    )


def read_mrz(page_mrz: list[str] | None, text: str, today: date) -> Mrz | None:
    """The MRZ the text stage marked, else one found in the page text."""
    for lines in (page_mrz, find_mrz_lines(text)):
        if lines:
            mrz = parse_mrz(lines, today=today)
            if mrz is not None:
                return mrz
    return None


def passport_fields(mrz: Mrz | None, page: PrintedPage) -> dict[str, object]:
    issue = date_value(labeled_values(page.text, "passport").get("date_of_issue"))
    if mrz is None:
        return {"document_number": page.labeled_number, "surname": None, "given_names": None, "nationality": None,
                "date_of_birth": None, "sex": None, "expiry_date": None, "issuing_country": None, "mrz": None,
                "date_of_issue": issue}
    return {
        "document_number": mrz.document_number or None,
        "surname": mrz.surname or None,
        "given_names": mrz.given_names or None,
        "nationality": mrz.nationality or None,
        "date_of_birth": mrz.date_of_birth.isoformat() if mrz.date_of_birth else None,
        "sex": mrz.sex,
        "expiry_date": mrz.expiry_date.isoformat() if mrz.expiry_date else None,
        "issuing_country": mrz.issuing_country or None,
        "mrz": mrz.lines,
        "date_of_issue": issue,
    }
