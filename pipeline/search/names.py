"""Name keys that let a Latin spelling find an Arabic name and back (MOHAMMED / MUHAMMAD / محمد).

The node has no ICU plugin, so both scripts are reduced here to one consonant skeleton: Arabic letters to
their usual Latin consonants, Latin spellings folded (kh, q, ph, double letters), vowels dropped. The
index stores the skeletons; queries match them with a one-edit fuzziness.
"""

from __future__ import annotations

import re
import unicodedata

from pipeline.ocr.arabic import strip_diacritics

ARABIC_CONSONANTS = {
    "ب": "b",
    "ت": "t",
    "ث": "t",
    "ج": "j",
    "ح": "h",
    "خ": "k",
    "د": "d",
    "ذ": "d",
    "ر": "r",
    "ز": "z",
    "س": "s",
    "ش": "s",
    "ص": "s",
    "ض": "d",
    "ط": "t",
    "ظ": "z",
    "غ": "g",
    "ف": "f",
    "ق": "k",
    "ك": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ه": "h",
    "ة": "",
    "پ": "b",
    "چ": "j",
    "گ": "g",
    "ڤ": "f",
}
# Letters that are vowels or carriers in Arabic script: dropped like Latin vowels.
ARABIC_VOWELS = set("اأإآءؤئوىيعٱ")
LATIN_FOLDS = [
    ("kh", "k"),
    ("gh", "g"),
    ("sh", "s"),
    ("th", "t"),
    ("dh", "d"),
    ("ph", "f"),
    ("q", "k"),
    ("c", "k"),
    ("x", "ks"),
    ("v", "f"),
    ("p", "b"),
    ("j", "j"),
    ("g", "j"),
]
LATIN_VOWELS = re.compile(r"[aeiouyw']")
SPLIT = re.compile(r"[\s\-_,./]+")


def _arabic_key(word: str) -> str:
    return "".join(ARABIC_CONSONANTS.get(ch, "") for ch in word if ch not in ARABIC_VOWELS)


def _latin_key(word: str) -> str:
    word = unicodedata.normalize("NFKD", word.lower())
    word = "".join(ch for ch in word if ch.isascii() and ch.isalpha())
    for src, dst in LATIN_FOLDS:
        word = word.replace(src, dst)
    return LATIN_VOWELS.sub("", word)


def _collapse(key: str) -> str:
    return re.sub(r"(.)\1+", r"\1", key)


def name_keys(name: str | None) -> list[str]:
    """One skeleton per word: 'Mohammed Al-Ali' and 'محمد العلي' give the same keys."""
    if not name:
        return []
    keys = []
    for word in SPLIT.split(strip_diacritics(name)):
        if not word:
            continue
        if any("\u0600" <= ch <= "\u06ff" for ch in word):
            if word.startswith("ال") and len(word) > 3:
                word = word[2:]  # the article: العلي and Al-Ali both key as "l"
            key = _arabic_key(word)
        else:
            if word.lower() in ("al", "el"):
                continue
            key = _latin_key(word)
        key = _collapse(key)
        if key:
            keys.append(key)
    return keys
