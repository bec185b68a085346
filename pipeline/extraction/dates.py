"""Dates as documents print them: several orders and separators, month names in English, French and
Arabic, Arabic-Indic digits, two-digit years, and Hijri dates (converted to Gregorian)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from hijridate import Hijri

from pipeline.extraction.normalise import clean, edit_distance, fold, fold_keep_positions
from pipeline.extraction.vocabulary import vocabulary

_HIJRI_YEAR_LIMIT = 1600  # a four-digit year below this on a modern document is Hijri


@dataclass(frozen=True)
class FoundDate:
    value: date
    start: int  # position in the cleaned text
    end: int
    hijri: bool = False


@cache
def _month_pattern() -> tuple[re.Pattern[str], dict[str, tuple[int, bool]]]:
    vocab = vocabulary()
    words: dict[str, tuple[int, bool]] = {}
    for key, hijri in (("months", False), ("hijri_months", True)):
        for month, names in vocab[key].items():
            for name in names:
                words[fold(name)] = (int(month), hijri)
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)({alternatives})(?!\w)"), words


@cache
def _arabic_month_words() -> dict[str, int]:
    """Single-word Arabic month names of five letters or more, folded, with their (Gregorian) month."""
    return {fold(name): int(month) for month, names in vocabulary()["months"].items() for name in names
            if " " not in name and len(fold(name)) >= 5 and re.fullmatch("[\u0621-\u064a]+", fold(name))}


_ARABIC_WORD = re.compile("[\u0621-\u064a]{4,}")


def _repair_month_words(text: str) -> str:
    """An Arabic word next to a number that is within OCR slips (a letter lost, added or misread; one
    per three letters) of exactly one month's name is taken as that month ("نوفير" -> "نوفمبر")."""
    months = _arabic_month_words()

    def repair(m: re.Match[str]) -> str:
        word = fold(m.group(0))
        near = text[max(0, m.start() - 6):m.start()] + text[m.end():m.end() + 6]
        if word in months or not re.search(r"\d", near):
            return m.group(0)
        close = {month for name, month in months.items() if edit_distance(word, name, len(name) // 3) <= len(name) // 3}
        if len(close) != 1:
            return m.group(0)
        (month,) = close
        return next(name for name, number in months.items() if number == month)

    return _ARABIC_WORD.sub(repair, text)


def _hijri_marker(after: str) -> bool:
    markers = [fold(m) for m in vocabulary()["hijri_markers"]]
    head = fold(after[:12])
    return any(head == m or head.startswith(m + " ") for m in markers)


def _year(text: str, *, two_digit_pivot: int) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year <= two_digit_pivot else 1900
    return year


def _make(year: int, month: int, day: int, hijri: bool) -> date | None:
    try:
        if hijri or year < _HIJRI_YEAR_LIMIT:
            g = Hijri(year, month, day).to_gregorian()
            return date(g.year, g.month, g.day)
        return date(year, month, day)
    except (ValueError, OverflowError):
        return None


_NUMERIC = re.compile(r"(?<!\d)(\d{1,4})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{2,4})(?!\d)")


def find_dates(text: str, *, pivot_year: int | None = None) -> list[FoundDate]:
    """Every date in `text`, in order of appearance. Day-first unless the first number is a year."""
    pivot = (pivot_year if pivot_year is not None else date.today().year) % 100
    # "12th March", "March 1st": ordinal suffixes say nothing the number does not.
    text = _repair_month_words(re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", clean(text), flags=re.IGNORECASE))
    found: list[FoundDate] = []
    for m in _NUMERIC.finditer(text):
        a, _, b, c = m.groups()
        hijri = _hijri_marker(text[m.end():])
        if len(a) == 4:
            value = _make(int(a), int(b), int(c), hijri)
        else:
            day, month = int(a), int(b)
            if month > 12 >= day:  # month-first printing (US style)
                day, month = month, day
            value = _make(_year(c, two_digit_pivot=pivot), month, day, hijri)
        if value:
            found.append(FoundDate(value, m.start(), m.end(), hijri or (len(c) == 4 and int(c) < _HIJRI_YEAR_LIMIT)))
    found.extend(_named_month_dates(text, pivot))
    return sorted(found, key=lambda d: d.start)


_MONTH_TAIL = r"\s*(?:[/\-]?\s*[^\W\d]+\s*)?[,.\-/]?\s*"  # a second month word, a separator


def _named_month_dates(text: str, pivot: int) -> list[FoundDate]:
    pattern, words = _month_pattern()
    folded = fold_keep_positions(text)
    out = []
    for m in pattern.finditer(folded):
        month, hijri_month = words[m.group(1)]
        before = re.search(r"(\d{1,2})[\s\-/.]*$", folded[max(0, m.start() - 6):m.start()])
        year_first = re.search(r"(\d{4})\s*$", folded[max(0, m.start() - 8):m.start()])
        if year_first:  # right-to-left text may come out as "2008 أبريل 3"
            day_after = re.match(r"\s*(\d{1,2})(?!\d)", folded[m.end():])
            if day_after:
                value = _make(int(year_first.group(1)), month, int(day_after.group(1)), hijri_month)
                if value:
                    out.append(FoundDate(value, m.start() - len(year_first.group(0)), m.end() + day_after.end(),
                                         hijri_month))
            continue
        # Bilingual month words ("AUG/AOUT") may sit between the month and the year. With the day before
        # the month, a year right after it is taken first: lines are joined, and a number on the next line
        # is no year ("09 SEP/SEP 33" above "1592" read "33" as a day and "1592" as the year).
        after = (before and re.match(_MONTH_TAIL + r"()(\d{4}|\d{2})(?!\d)", folded[m.end():])) or \
            re.match(_MONTH_TAIL + r"(?:(\d{1,2})\s*,?\s+)?(\d{4}|\d{2})(?!\d)", folded[m.end():])
        if not after:
            continue
        if before:
            day = int(before.group(1))
        elif after.group(1):
            day = int(after.group(1))
        else:
            continue
        year_text = after.group(2)
        end = m.end() + after.end()
        hijri = hijri_month or _hijri_marker(folded[end:])
        year = _year(year_text, two_digit_pivot=pivot)
        value = _make(year, month, day, hijri)
        start = m.start() - (len(before.group(0)) if before else 0)
        if value:
            out.append(FoundDate(value, start, end, hijri or year < _HIJRI_YEAR_LIMIT))
    return out


def parse_date(text: str, *, pivot_year: int | None = None) -> date | None:
    """The first date in `text`, or None."""
    dates = find_dates(text, pivot_year=pivot_year)
    return dates[0].value if dates else None
