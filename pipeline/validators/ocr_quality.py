"""Text read with low confidence cannot be trusted without a person looking."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from pipeline.models import Check, TextResult
from pipeline.validators.fields import PERSON_NAMES

NAME = "ocr_confidence"
FIELD_NAME = "field_confidence"
_MARKS = ".:,;|،\"'“”«»"  # read around a value's words, not part of them
_ALEFS = ("ا", "أ", "إ", "آ")
_NUMBER_WORD = re.compile(r"\d[\d,.٫]*")
# People's names hold no numbers (a company's may: "شركة 2000 للتجارة").
_PERSON_NAMES = frozenset({"surname", "given_names", *PERSON_NAMES})


def check_ocr_confidence(text: TextResult, minimum: float) -> list[Check]:
    confidence = text.mean_confidence
    if not text.text.strip():
        return [Check(NAME, "fail", "no text could be read from the document", "review")]
    if confidence < minimum:
        return [Check(NAME, "fail", f"mean OCR confidence {confidence:.1f} is below {minimum:.1f}", "review")]
    return [Check(NAME, "pass", f"mean OCR confidence {confidence:.1f} (minimum {minimum:.1f})")]


@dataclass(frozen=True)
class FieldDoubt:
    """Why a person must look at one extracted value."""

    field: str
    reason: str


def field_doubts(text: TextResult, fields: dict[str, Any], minimum: float,
                 printed_dates: bool = True) -> list[FieldDoubt]:
    """The extracted values a person must look at, and why. Every word of every text value must have been
    read at least `minimum` surely. A page can read well on the whole while the one word that matters, a
    name, was a guess ("سامي" read "ساي" at 55%). A word is judged by its surest reading on the page (the
    same word read surely elsewhere vouches for it), and a word a value holds twice by its two surest
    ("كريم كريم" read "كيم" at 88% and "كيم" at 30%); words not read as such (values assembled from the
    MRZ) are not judged here. A date is judged by the words that print it (its day, its year, or the
    whole date as one word) when `printed_dates` says the dates were read from the print (a passport's
    come from its MRZ, checked by its check digits)."""
    readings: dict[str, list[float]] = {}
    for page in text.pages:
        for word in page.words:  # normalised as read (pipeline.ocr.engine), as the extracted values are
            # A value is cut from its line without the marks around its words ("السيد." ends a name).
            for text in {word.text, word.text.strip(_MARKS)}:
                readings.setdefault(text, []).append(word.confidence)
    # Imported here: the extraction package imports this module (it runs the checks it extracts for).
    from pipeline.extraction.contract import salary_kwd

    surest = {text: sorted(confidences, reverse=True) for text, confidences in readings.items()}
    amounts: dict[float, list[str]] = {}
    for text in surest:
        if _NUMBER_WORD.fullmatch(text) and (amount := salary_kwd(text)) is not None:
            amounts.setdefault(amount, []).append(text)
    unsure = [FieldDoubt(name, f"{name} word {word!r} at {confidence:.0f}%") for name, value in fields.items()
              for word, times in Counter(_words(value, amounts) + (_date_words(value) if printed_dates else [])).items()
              if word in surest and (confidence := surest[word][min(times, len(surest[word])) - 1]) < minimum]
    # A value is written in one script: a Latin word inside an Arabic name ("de عمر البدر", read at 94%)
    # is a look-alike of an Arabic word however surely it was read, and the other way round.
    mixed = [FieldDoubt(name, f"{name} word {word!r} in the other script") for name, value in fields.items()
             for word in _other_script_words(value)]
    # A number in a person's name is a word read as digits ("فهد" read "449", surely).
    numbered = [FieldDoubt(name, f"{name} word {word!r} is a number in a person's name")
                for name, value in fields.items() if name in _PERSON_NAMES and isinstance(value, str)
                for word in value.split() if any(c.isdigit() for c in word)]
    # A date the page shows only with a two-digit year has a guessed century, and a four-digit year
    # that lost its last digits reads so ("21/10/2006" read "21/10/20", surely: 2020-10-21).
    short = [FieldDoubt(name, f"{name} {word!r} printed with a two-digit year") for name, value in fields.items()
             if printed_dates for word in _two_digit_year_words(value) if word in surest
             and not any(w in surest for w in _date_words(value) if value[:4] in w)]
    # A bar inside a value before a word that does not begin with an alef is a letter read as a rule:
    # right-to-left lines lose an alef so, and the word it began is read without it ("رنا أحمد | لقحطاني",
    # surely). Before a whole word ("يوسف حسن | المطيري") it is a speck.
    barred = [FieldDoubt(name, f"{name} holds a bar where a letter was read as a rule")
              for name, value in fields.items() if isinstance(value, str)
              and any(a == "|" and not b.startswith(_ALEFS) for a, b in itertools.pairwise(value.split()))]
    return unsure + mixed + numbered + short + barred


def check_field_confidence(doubts: list[FieldDoubt], minimum: float) -> list[Check]:
    """Review when any extracted value is in doubt (`field_doubts`)."""
    if doubts:
        detail = ", ".join(doubt.reason for doubt in doubts)
        return [Check(FIELD_NAME, "fail", f"read unsurely (minimum {minimum:.0f}%): {detail}", "review")]
    return [Check(FIELD_NAME, "pass", f"every word of the extracted values read at {minimum:.0f}% or more")]


def _other_script_words(value: Any) -> list[str]:
    """The words of a text value written in the script fewer of its letters are in."""
    if not isinstance(value, str):
        return []
    def script(word: str) -> str | None:
        arabic = sum("\u0600" <= c <= "\u06ff" and c.isalpha() for c in word)
        latin = sum(c.isascii() and c.isalpha() for c in word)
        return None if arabic == latin == 0 else ("arabic" if arabic >= latin else "latin")
    scripts = {word: script(word) for word in value.split()}
    arabic = sum(len(w) for w, s in scripts.items() if s == "arabic")
    latin = sum(len(w) for w, s in scripts.items() if s == "latin")
    if not arabic or not latin:
        return []
    minority = "latin" if arabic >= latin else "arabic"
    return [w for w, s in scripts.items() if s == minority]


def _words(value: Any, amounts: dict[float, list[str]]) -> list[str]:
    """A value's words as the page printed them: a text's words; an amount's, each number on the page
    that spells it ("650", "650.000", "1,250", or "01": Arabic-Indic "٣٥٠" read as "٠١" at 0%, whose
    salary of 1 was verified when only "1" and "1.000" were looked for)."""
    if isinstance(value, str):
        return value.split()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return amounts.get(float(value), [])
    return []


def _two_digit_year_words(value: Any) -> list[str]:
    """The whole-date words of an ISO date value that print its year with two digits."""
    return sorted(_whole_dates(value, two_digit_year=True))


def _date_words(value: Any) -> list[str]:
    """The words that may print an ISO date value: its day and its year alone ("5 أغسطس 1998"), or the
    whole date in day-month-year or year-month-day order with any of the usual separators."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return []
    year, _, day = value.split("-")
    # Two-digit years too: a reading that lost the year's last digits ("13/04/20") is such a date.
    return sorted({day, day.lstrip("0"), year} | _whole_dates(value, False) | _whole_dates(value, True))


def _whole_dates(value: Any, two_digit_year: bool) -> set[str]:
    """An ISO date value printed whole, day-month-year or year-month-day, with the usual separators."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return set()
    year, month, day = value.split("-")
    year = year[2:] if two_digit_year else year
    return {sep.join(parts) for sep in "/-." for d in {day, day.lstrip("0")} for m in {month, month.lstrip("0")}
            for parts in ((d, m, year), (year, m, d))}
