"""Understanding documents: which type a text is, its fields, and the checks on them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pipeline.extraction.certificates import extract_birth, extract_marriage
from pipeline.extraction.classify import classify
from pipeline.extraction.contract import extract_contract
from pipeline.extraction.passport import passport_fields, printed_page, read_mrz, reconcile_names
from pipeline.models import Check, TextResult
from pipeline.settings import Settings, get_settings
from pipeline.validators.civil_id import check_civil_ids
from pipeline.validators.consistency import check_mrz_matches_page
from pipeline.validators.dates import check_dates_plausible
from pipeline.validators.declared_type import check_declared_type
from pipeline.validators.expiry import check_not_expired
from pipeline.validators.fields import check_full_names, check_required_fields
from pipeline.validators.mrz import check_mrz
from pipeline.validators.ocr_quality import check_field_confidence, check_ocr_confidence, field_doubts

__all__ = ["Understanding", "understand"]

_EXTRACTORS = {
    "marriage_certificate": extract_marriage,
    "birth_certificate": extract_birth,
    "employment_contract": extract_contract,
}


@dataclass
class Understanding:
    doc_type: str
    fields: dict[str, Any]
    checks: list[Check] = field(default_factory=list)


def understand(text: TextResult, declared_type: str | None, as_of: date,
               settings: Settings | None = None) -> Understanding:
    """Classify the text, extract the type's fields and run every content check as of `as_of`."""
    settings = settings or get_settings()
    plain = text.text
    page = printed_page(plain, as_of)  # the visual zone also helps read the MRZ, so it comes first
    mrz = read_mrz(text.mrz, plain, as_of, page)
    doc_type = classify(plain, mrz, declared_type)
    checks: list[Check] = []
    if doc_type == "passport":
        fields = passport_fields(reconcile_names(mrz, page) if mrz else None, page, as_of)
        # The names are checked as the MRZ spells them, fillers read as letters undone: a letter read
        # otherwise on one side is a disagreement to look at, not a choice to make silently.
        mrz = reconcile_names(mrz, page, misread=False) if mrz else None
        checks += check_mrz(mrz, doc_type) + check_mrz_matches_page(mrz, page)
    elif doc_type in _EXTRACTORS:
        fields = _EXTRACTORS[doc_type](plain, [page.words for page in text.pages])
    else:
        fields = {}
    doubts = field_doubts(text, fields, settings.min_field_confidence, printed_dates=doc_type != "passport")
    unsure = {doubt.field for doubt in doubts}
    checks += check_required_fields(doc_type, fields) + check_full_names(fields)
    checks += check_not_expired(doc_type, fields, as_of, unsure)
    checks += check_dates_plausible(fields, as_of, unsure)
    checks += check_civil_ids(plain)
    checks += check_ocr_confidence(text, settings.min_ocr_confidence)
    checks += check_field_confidence(doubts, settings.min_field_confidence)
    checks += check_declared_type(declared_type, doc_type)
    return Understanding(doc_type, fields, checks)
