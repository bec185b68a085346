"""Text folding used to compare what OCR read with labels, vocabularies and ground truth."""

from __future__ import annotations

import re
import unicodedata

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي",
                              "ـ": None, "٫": ".", "٬": ",", "،": ","})
_DIACRITICS = re.compile(r"[\u064B-\u065F\u0670\u06D6-\u06ED]")


def ascii_digits(text: str) -> str:
    """Arabic-Indic and Persian digits as ASCII digits."""
    return text.translate(_DIGITS)


def clean(text: str) -> str:
    """Presentation forms undone, digits ASCII, diacritics and tatweel removed, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = _DIACRITICS.sub("", ascii_digits(text)).replace("ـ", "")
    return re.sub(r"[ \t\u200e\u200f\u202a-\u202e]+", " ", text).strip()


def fold(text: str) -> str:
    """A comparison key: `clean`, lower case, Arabic letter variants folded, punctuation dropped."""
    text = clean(text).translate(_ARABIC_FOLD).casefold()
    text = text.replace("é", "e").replace("û", "u").replace("’", "'")
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s']", " ", text)).strip()


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions and substitutions cost one)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]
