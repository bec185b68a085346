"""Passports: fields from the MRZ, and what the printed (visual) page says, for the cross-check."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from datetime import date

from pipeline.extraction.dates import find_dates
from pipeline.extraction.labels import labeled_values
from pipeline.extraction.mrz import FILLER_LOOKALIKES, Mrz, find_mrz_lines, normalise_line, parse_mrz
from pipeline.extraction.normalise import clean
from pipeline.extraction.values import date_value, name_value, sex_value
from pipeline.extraction.vocabulary import country_code, icao_codes

_NUMBER_TOKEN = re.compile(r"(?<![A-Z0-9])(?=[A-Z0-9]*\d)[A-Z0-9]{6,10}(?![A-Z0-9])")


@dataclass
class PrintedPage:
    """What the visual zone says, read independently of the MRZ."""

    text: str  # page text without the MRZ lines
    number_tokens: list[str] = field(default_factory=list)
    labeled_number: str | None = None
    dates: list[date] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # field -> raw text printed after its label

    @functools.cached_property
    def words(self) -> set[str]:
        """The Latin words printed ("AL-KAABI" is two, as the MRZ's "AL<KAABI")."""
        return set(re.findall(r"[A-Z]+", clean(self.text).upper()))


def _looks_like_mrz(line: str) -> bool:
    norm = normalise_line(line)
    return len(norm) >= 25 and norm.count("<") >= 3


def printed_page(text: str, today: date) -> PrintedPage:
    lines = [line for line in text.splitlines() if not _looks_like_mrz(line)]
    printed = "\n".join(lines)
    upper = clean(printed).upper().replace("$", "S")  # OCR reads a serif S as a dollar sign
    labels = labeled_values(printed, "passport")
    labeled = labels.get("document_number")
    labeled_token = _NUMBER_TOKEN.search(labeled.upper().replace(" ", "")) if labeled else None
    return PrintedPage(
        text=printed,
        number_tokens=_NUMBER_TOKEN.findall(upper),
        labeled_number=labeled_token.group(0) if labeled_token else None,
        dates=[d.value for d in find_dates(printed, pivot_year=today.year)],
        labels=labels,
    )


def read_mrz(page_mrz: list[str] | None, text: str, today: date, page: PrintedPage) -> Mrz | None:
    """The MRZ the text stage marked or one found in the page text, whichever passes its check digits."""
    printed = [*page.number_tokens, *([page.labeled_number] if page.labeled_number else [])]
    parsed = [m for m in (parse_mrz(lines, today, printed) for lines in (page_mrz, find_mrz_lines(text)) if lines)
              if m]
    return next((m for m in parsed if m.valid), parsed[0] if parsed else None)


def _printed_fields(page: PrintedPage, today: date) -> dict[str, object]:
    """The visual zone's own reading, used where the MRZ is missing or unreadable."""
    raw = page.labels
    return {
        "document_number": page.labeled_number,
        "surname": name_value(raw.get("surname")),
        "given_names": name_value(raw.get("given_names")),
        "nationality": country_code(raw.get("nationality")),
        # Two-digit years: nobody is born in the future; passports expire within a few decades.
        "date_of_birth": date_value(raw.get("date_of_birth"), pivot_year=today.year),
        "sex": sex_value(raw.get("sex")),
        "expiry_date": date_value(raw.get("expiry_date"), pivot_year=today.year + 50),
        "issuing_country": country_code(raw.get("issuing_country", "").split(" ")[0]),
        "date_of_issue": date_value(raw.get("date_of_issue"), pivot_year=today.year),
    }


def _resolve_word(word: str, printed_words: set[str], depth: int = 2, misread: bool = True) -> list[str] | None:
    """`word` as printed-page words, once fillers read as letters at its ends or inside are dropped, or
    (with `misread`) the one printed word a single misread letter away."""
    if word in printed_words:
        return [word]
    # A filler letter at one end only ("SARAHC"): stripping both ends would also take a name's own S or K.
    for trimmed in (word.rstrip(FILLER_LOOKALIKES), word.lstrip(FILLER_LOOKALIKES), word.strip(FILLER_LOOKALIKES)):
        if trimmed != word and trimmed in printed_words:
            return [trimmed]
    if depth:
        for i, char in enumerate(word):
            if char in FILLER_LOOKALIKES and i:
                left = _resolve_word(word[:i], printed_words, 0, misread)
                right = _resolve_word(word[i + 1:], printed_words, depth - 1, misread) if left else None
                if left and right:
                    return left + right
    # No check digit covers the name line, and the printed name is the document's own: where the two
    # differ by one letter the MRZ reading is the likelier misread (OCR-B's M/N, I/L at low resolution),
    # but only likelier (the printed page is misread too: "PILLAI" read "PILLAT").
    if not misread:
        return None
    near = [p for p in printed_words
            if len(p) == len(word) >= 4 and sum(a != b for a, b in zip(p, word, strict=True)) == 1]
    return near if len(near) == 1 else None


def _reconcile_name(name: str, printed_words: set[str], misread: bool = True) -> str:
    """Undo fillers the OCR read as letters inside MRZ names ("ANNAXMARIA", "KMARIAK") where the printed
    page shows the words without them (and with `misread`, a letter read otherwise); otherwise the MRZ
    reading stands."""
    return " ".join(w for word in name.split()
                    for w in (_resolve_word(word, printed_words, misread=misread) or [word]))


def _split_names(name: str, printed_words: set[str]) -> tuple[str, str] | None:
    """A name line whose `<<` was read as two letters ("NARTINCCSARAH"): surname and given names, where
    the printed page shows both sides."""
    for pair in re.finditer(rf"(?=[{FILLER_LOOKALIKES}]{{2}})", name):
        surname = _resolve_word(name[:pair.start()], printed_words)
        given = _resolve_word(name[pair.start() + 2:], printed_words) if surname else None
        if surname and given:
            return " ".join(surname), " ".join(given)
    return None


def reconcile_names(mrz: Mrz, page: PrintedPage, misread: bool = True) -> Mrz:
    """The MRZ with filler letters in its names undone where the printed page shows the words (and with
    `misread`, a name word one letter from a printed one taken as printed: the fields' reading; the
    check compares the MRZ's own letters with the page's)."""
    words = page.words
    split = _split_names(mrz.surname, words) if not mrz.given_names and " " not in mrz.surname else None
    if split:
        return replace(mrz, surname=split[0], given_names=split[1])
    return replace(mrz, surname=_reconcile_name(mrz.surname, words, misread),
                   given_names=_reconcile_name(mrz.given_names, words, misread))


def passport_fields(mrz: Mrz | None, page: PrintedPage, today: date) -> dict[str, object]:
    printed = _printed_fields(page, today)
    if mrz is None:
        return {**printed, "mrz": None}
    fields: dict[str, object] = {
        "document_number": mrz.document_number or None,
        "surname": mrz.surname or None,
        "given_names": mrz.given_names or None,
        "nationality": mrz.nationality or None,
        "date_of_birth": mrz.date_of_birth.isoformat() if mrz.date_of_birth else None,
        "sex": mrz.sex,
        "expiry_date": mrz.expiry_date.isoformat() if mrz.expiry_date else None,
        "issuing_country": mrz.issuing_country or None,
        "mrz": mrz.lines,
        "date_of_issue": printed["date_of_issue"],
    }
    # Where the MRZ could not give a field, or its check digit failed, the printed page's reading (if
    # any) is reported instead; the failed check itself still decides the status.
    failed = set(mrz.failed)
    for name, value in fields.items():
        if (value is None or name in failed) and printed.get(name) is not None:
            fields[name] = printed[name]
    # Names and country codes carry no check digit. A code ICAO never assigned is a misread; MRZ name
    # words the printed page does not show are likely misread too (the name line is the one OCR garbles).
    # Either way the printed page's reading is reported, and the checks still flag the disagreement.
    for name in ("nationality", "issuing_country"):
        if fields[name] not in icao_codes() and printed[name]:
            fields[name] = printed[name]
    words = page.words
    for name in ("surname", "given_names"):
        mrz_name = fields[name]
        if isinstance(mrz_name, str) and printed[name] and not set(mrz_name.split()) <= words:
            fields[name] = printed[name]
    return fields
