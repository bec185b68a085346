"""Turning the raw text printed after a label into a field value of the contract's form."""

from __future__ import annotations

import re
from datetime import date

from pipeline.extraction.dates import parse_date
from pipeline.extraction.normalise import clean, edit_distance, fold
from pipeline.extraction.vocabulary import vocabulary

_NAME_JUNK = re.compile(r"^[\s:|/\-–.]+|[\s:|/\-–.]+$")


def name_value(raw: str | None) -> str | None:
    """A name as printed (Arabic or Latin), without stray separators; None when nothing name-like."""
    if not raw:
        return None
    value = _NAME_JUNK.sub("", clean(raw))
    # A lone lower-case letter at either end is OCR speckle, not an initial.
    value = re.sub(r"^[a-z]\s+|\s+[a-z]$", "", value)
    return value if re.search(r"[^\W\d_]{2,}", value) else None


# A registration number has at least this many digits; one of one to three is a number OCR read
# only in part ("٦٤١٧١٤٧" read "64"), and reporting it would be reporting a wrong number.
MIN_NUMBER_DIGITS = 4


def number_value(raw: str | None) -> str | None:
    """The first token that carries a digit (certificate and contract numbers: 45678, KW-2019/123), if
    it has enough digits to be a whole registration number."""
    if not raw:
        return None
    for token in clean(raw).split():
        token = token.strip(":.,|")
        if re.search(r"\d", token) and re.fullmatch(r"[A-Za-z0-9/\-]+", token):
            return token if sum(c.isdigit() for c in token) >= MIN_NUMBER_DIGITS else None
    return None


def date_value(raw: str | None, pivot_year: int | None = None) -> str | None:
    found = parse_date(raw, pivot_year=pivot_year) if raw else None
    return found.isoformat() if isinstance(found, date) else None


def sex_value(raw: str | None) -> str | None:
    """The sex a value names: one of the vocabulary's words, or the start (two letters or more) of
    exactly one sex's Arabic words: OCR drops the stacked final letters of "أنثى" ("أن"); or, in a
    longer word, one letter misread or dropped."""
    words = fold(raw).split() if raw else []
    if not words:
        return None
    names = {code: {fold(n) for n in options} for code, options in vocabulary()["sex"].items()}
    exact = [code for code, folded in names.items() if words[0] in folded]
    if exact:
        return exact[0]
    if len(words[0]) < 2 or not re.fullmatch("[\u0621-\u064a]+", words[0]):
        return None
    starts = {code for code, folded in names.items() if any(n.startswith(words[0]) for n in folded)}
    # Or one letter misread in a word of four or more ("أنقى" for "أنثى"), or dropped from it ("أنى": the
    # Arabic model loses letters of stacked ligatures; a three-letter word misread, "ذكي", may be any
    # word), when no other sex's word is within two letters of it.
    if not starts and len(words[0]) >= 3:
        near = {code: min(edit_distance(words[0], n) for n in folded) for code, folded in names.items()}
        starts = {code for code, distance in near.items() if distance <= 1
                  and (len(words[0]) >= 4 or any(_one_dropped(words[0], n) for n in names[code]))}
        if any(distance <= 2 for code, distance in near.items() if code not in starts):
            return None
    return starts.pop() if len(starts) == 1 else None


def _one_dropped(read: str, word: str) -> bool:
    """`read` is `word` with one of its letters left out."""
    return len(word) == len(read) + 1 and any(word[:i] + word[i + 1:] == read for i in range(len(word)))


def sex_in_text(text: str) -> str | None:
    """A sex word anywhere in the text, when its label was misread: only whole words of three letters
    or more (never "M"/"F"), and only when the text names one sex."""
    words = set(fold(text).split())
    codes = {code for code, names in vocabulary()["sex"].items()
             for name in names if len(fold(name)) >= 3 and fold(name) in words}
    return codes.pop() if len(codes) == 1 else None
