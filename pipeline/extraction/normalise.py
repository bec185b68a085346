"""Text folding used to compare what OCR read with labels, vocabularies and ground truth.

Built on the text stage's Arabic normalisation (pipeline.ocr.arabic) so both stages fold alike.
"""

from __future__ import annotations

import re

from pipeline.ocr.arabic import fold_for_matching, normalize_text, strip_diacritics

_PUNCTUATION = str.maketrans({"٫": ".", "٬": ",", "،": ",", "é": "e", "û": "u", "’": "'"})


def clean(text: str) -> str:
    """One line as printed: presentation forms undone, digits ASCII, no diacritics or bidi marks."""
    return " ".join(strip_diacritics(normalize_text(text)).split())


def fold(text: str) -> str:
    """A comparison key: letter variants folded, lower case, punctuation dropped."""
    text = fold_for_matching(text).translate(_PUNCTUATION).casefold().replace("ؤ", "و").replace("ئ", "ي")
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s']", " ", text)).strip()


def fold_keep_positions(text: str) -> str:
    """Lower-case with Arabic variants folded, one character per input character (positions kept)."""
    return "".join((fold(ch) or " ")[:1] if not ch.isspace() else " " for ch in text)


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Levenshtein distance (insertions, deletions and substitutions cost one); `limit` + 1 for any
    distance over `limit`, found without the whole table (labels are sought in every window of a page)."""
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if limit is not None and min(current) > limit:  # a row's least never falls in the rows below
            return limit + 1
        previous = current
    return previous[-1] if limit is None else min(previous[-1], limit + 1)
