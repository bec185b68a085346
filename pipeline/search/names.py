"""Name keys that let a Latin spelling find an Arabic name and back (MOHAMMED / MUHAMMAD / محمد).

The node has no ICU plugin, so this is done here, at index and at query time alike: an Arabic word is
first transliterated letter by letter into Latin, then every Latin word (typed or transliterated) is
reduced to a consonant skeleton (digraphs folded, vowels and weak letters dropped, doubles collapsed).
The index stores the skeletons; queries match them with a small fuzziness.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import pairwise

from pipeline.ocr.arabic import normalize_text, strip_diacritics

# One common Latin rendering per Arabic letter; vowels and carriers become vowels (dropped later).
TRANSLITERATION = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a", "ء": "'", "ؤ": "u", "ئ": "i", "ى": "a", "ع": "'",
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z",
    "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "غ": "gh", "ف": "f", "ق": "q", "ك": "k",
    "ل": "l", "م": "m", "ن": "n", "ه": "h", "ة": "h", "و": "w", "ي": "y",
    # Persian and Urdu letters in names of residents from Iran, Pakistan and Afghanistan.
    "پ": "p", "چ": "ch", "ژ": "zh", "گ": "g", "ک": "k", "ی": "y", "ۃ": "h", "ڤ": "v",
}  # fmt: skip
# Spellings of one sound folded to one letter, applied in order (digraphs before single letters).
LATIN_FOLDS = (
    ("kh", "k"), ("gh", "g"), ("sh", "s"), ("ch", "s"), ("zh", "z"), ("th", "t"), ("dh", "d"), ("ph", "f"),
    ("q", "k"), ("c", "k"), ("x", "ks"), ("v", "f"), ("p", "b"), ("g", "j"),
)  # fmt: skip
WEAK_LETTERS = re.compile(r"[aeiouyw']")
ARTICLES = ("al", "el")
SPLIT = re.compile(r"[\s\-_,./()]+")


def is_arabic(word: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in word)


def transliterate(word: str) -> str:
    """An Arabic word in Latin letters (a rough, consistent rendering, not a standard romanisation)."""
    return "".join(TRANSLITERATION.get(ch, "") for ch in word)


def skeleton(latin: str) -> str:
    """The consonant skeleton of a Latin word: what survives the many ways one name is spelt."""
    word = unicodedata.normalize("NFKD", latin.lower())
    word = "".join(ch for ch in word if (ch.isascii() and ch.isalpha()) or ch == "'")
    for src, dst in LATIN_FOLDS:
        word = word.replace(src, dst)
    word = re.sub(r"(.)\1+", r"\1", WEAK_LETTERS.sub("", word))
    # A final h is often the taa marbuta (Fatimah, فاطمه) and often left out: never part of the key.
    return word[:-1] if len(word) > 1 and word.endswith("h") else word


@lru_cache(maxsize=65_536)
def _word_key(word: str) -> str:
    # Given names repeat across millions of records: each distinct word is keyed once per process.
    if is_arabic(word):
        if word.startswith("ال") and len(word) > 3:
            word = word[2:]  # the article, written joined in Arabic and apart (Al-) in Latin
        return skeleton(transliterate(word))
    return "" if word.lower() in ARTICLES else skeleton(word)


def word_keys(name: str | None) -> list[str]:
    """One skeleton per word of a name: 'Mohammed Al-Harbi' and 'محمد الحربي' give the same keys."""
    if not name:
        return []
    words = SPLIT.split(strip_diacritics(normalize_text(name)))
    return [key for word in words if word and (key := _word_key(word))]


def name_keys(name: str | None) -> list[str]:
    """The keys indexed for a name: each word's skeleton, and each pair of neighbouring words joined,
    so 'Abdullah' finds 'عبد الله' and 'Abd Allah' finds 'عبدالله'."""
    words = word_keys(name)
    return words + [a + b for a, b in pairwise(words)]
