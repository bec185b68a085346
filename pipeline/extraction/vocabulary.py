"""Loading the word lists kept as data (labels, type words, months, sex words, countries)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from pipeline.extraction.normalise import fold

_HERE = Path(__file__).resolve().parent


@cache
def vocabulary() -> dict[str, Any]:
    return yaml.safe_load((_HERE / "vocabulary.yaml").read_text(encoding="utf-8"))


@cache
def country_words() -> dict[str, str]:
    """Folded country name or nationality word -> ICAO code."""
    data = yaml.safe_load((_HERE / "countries.yaml").read_text(encoding="utf-8"))
    return {fold(word): code for code, words in data.items() for word in words}


@cache
def icao_codes() -> frozenset[str]:
    """Every code an MRZ may carry as issuing state or nationality."""
    data = yaml.safe_load((_HERE / "icao_codes.yaml").read_text(encoding="utf-8"))
    return frozenset(code for codes in data.values() for code in codes)


def country_code(text: str | None) -> str | None:
    """The ICAO code for a country name, nationality word or code as printed; None when unknown."""
    if not text:
        return None
    words = country_words()
    folded = fold(text)
    if folded in words:
        return words[folded]
    if folded.startswith("ال") and folded[2:] in words:  # Arabic article
        return words[folded[2:]]
    upper = text.strip().upper()
    return upper if upper in set(words.values()) else None
