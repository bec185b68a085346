"""Which kind of document a text is: scored evidence from the MRZ, type words and field labels.

The declared type only breaks ties; it is checked (validators/declared_type.py), never trusted.
"""

from __future__ import annotations

import re

from pipeline.extraction.labels import label_count
from pipeline.extraction.mrz import Mrz
from pipeline.extraction.normalise import fold
from pipeline.extraction.vocabulary import vocabulary

_TYPES = ("passport", "marriage_certificate", "birth_certificate", "employment_contract")
_MRZ_WEIGHT = 10
_WORD_WEIGHT = 2
_MIN_SCORE = 3


def type_scores(text: str, mrz: Mrz | None) -> dict[str, int]:
    folded = " " + fold(text) + " "
    scores = {}
    for doc_type in _TYPES:
        words = {fold(w) for w in vocabulary()["type_words"][doc_type]}
        hits = sum(1 for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", folded))
        scores[doc_type] = _WORD_WEIGHT * hits + label_count(text, doc_type)
    if mrz is not None and mrz.document_code.startswith("P"):
        scores["passport"] += _MRZ_WEIGHT
    return scores


def classify(text: str, mrz: Mrz | None, declared_type: str | None = None) -> str:
    scores = type_scores(text, mrz)
    best = max(scores.values())
    if best < _MIN_SCORE:
        return "unknown"
    leaders = [t for t, s in scores.items() if s == best]
    return declared_type if declared_type in leaders else leaders[0]
