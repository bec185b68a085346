"""Marriage and birth certificates: label-based reading in Arabic, English or both."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.extraction.layout import field_texts
from pipeline.extraction.values import date_value, name_value, number_value, sex_in_text, sex_value
from pipeline.models import OcrWord


def extract_marriage(text: str, pages: Sequence[Sequence[OcrWord]] = ()) -> dict[str, object]:
    raw = field_texts(text, pages, "marriage_certificate")
    return {
        "certificate_number": number_value(raw.get("certificate_number")),
        "husband_name": name_value(raw.get("husband_name")),
        "wife_name": name_value(raw.get("wife_name")),
        "marriage_date": date_value(raw.get("marriage_date")),
    }


def extract_birth(text: str, pages: Sequence[Sequence[OcrWord]] = ()) -> dict[str, object]:
    raw = field_texts(text, pages, "birth_certificate")
    return {
        "certificate_number": number_value(raw.get("certificate_number")),
        "child_name": name_value(raw.get("child_name")),
        "sex": sex_value(raw.get("sex")) or sex_in_text(text),
        "date_of_birth": date_value(raw.get("date_of_birth")),
        "father_name": name_value(raw.get("father_name")),
        "mother_name": name_value(raw.get("mother_name")),
    }
