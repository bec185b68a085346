"""Arabic text normalisation for matching and extraction (callers keep the original text too).

Two levels: `normalize_text` only repairs what OCR and PDF text layers get wrong (presentation
forms, digits, tatweel, broken lam-alef) and is safe for display; `fold_for_matching` also merges
letters that people and OCR use interchangeably (alef forms, taa marbuta, alef maqsura) and drops
diacritics, so two spellings of the same name compare equal.
"""

from __future__ import annotations

import re
import unicodedata

# Arabic-Indic (٠-٩) and Persian (۰-۹) digits.
EASTERN_DIGITS = "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"
_DIGITS = str.maketrans(EASTERN_DIGITS, "01234567890123456789")
TATWEEL = "\u0640"
# Harakat, Quranic marks and superscript alef: vowel signs that printed documents use inconsistently.
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]")
_ALEF_VARIANTS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا"})
# Bidi controls that OCR engines and PDF producers sprinkle around digits and punctuation.
_BIDI_MARKS = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
# A hamza or madda carrier split from its lam-alef: OCR reads "لإ" as "ل" + "ا" + hamza above, or the
# PDF layer emits the alef before the lam ("ال" read right-to-left from the ligature glyph "ﻻ").
_LAM_ALEF_SPLIT = re.compile("ل([اأإآ])([\u0654\u0655\u0653])")
_HAMZA_ON_ALEF = {("ا", "\u0654"): "أ", ("ا", "\u0655"): "إ", ("ا", "\u0653"): "آ"}
_ARABIC_PRESENTATION = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]+")
_SPACES = re.compile(r"[ \t\u00a0]+")


def normalize_digits(text: str) -> str:
    """Arabic-Indic (٠-٩) and Persian (۰-۹) digits to ASCII 0-9; everything else unchanged."""
    return text.translate(_DIGITS)


def has_eastern_digits(text: str) -> bool:
    return any(c in EASTERN_DIGITS for c in text)


def strip_diacritics(text: str) -> str:
    """Remove harakat, Quranic marks and tatweel (kashida), keeping the letters."""
    return _DIACRITICS.sub("", text).replace(TATWEEL, "")


def unshape(text: str) -> str:
    """Presentation forms (ﻻ, ﺍﻟ...) that PDF layers emit back to plain letters."""
    return _ARABIC_PRESENTATION.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def repair_lam_alef(text: str) -> str:
    """Recombine a lam-alef whose hamza or madda was split off as a separate combining mark."""
    return _LAM_ALEF_SPLIT.sub(lambda m: "ل" + _HAMZA_ON_ALEF.get((m.group(1), m.group(2)), m.group(1)), text)


def normalize_text(text: str) -> str:
    """Display-safe repair: presentation forms, digits, bidi marks, tatweel, lam-alef, runs of spaces."""
    text = unshape(text)
    text = _BIDI_MARKS.sub("", text)
    text = repair_lam_alef(text).replace(TATWEEL, "")
    text = normalize_digits(text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines())


def fold_for_matching(text: str) -> str:
    """A matching key: normalised, no diacritics, one alef, taa marbuta as haa, alef maqsura as yaa."""
    text = strip_diacritics(normalize_text(text))
    text = text.translate(_ALEF_VARIANTS).replace("ة", "ه").replace("ى", "ي")
    return " ".join(text.split())
