"""Every field the contract requires for the detected type must have been read, and a person's name whole."""

from __future__ import annotations

from typing import Any

from pipeline.models import Check

NAME = "required_fields"
FULL_NAMES = "full_names"
REQUIRED = {
    "passport": ("document_number", "surname", "nationality", "date_of_birth", "sex", "expiry_date",
                 "issuing_country"),
    "marriage_certificate": ("certificate_number", "husband_name", "wife_name", "marriage_date"),
    "birth_certificate": ("certificate_number", "child_name", "sex", "date_of_birth", "father_name", "mother_name"),
    "employment_contract": ("contract_number", "employer_name", "employee_name", "job_title", "start_date",
                            "end_date", "monthly_salary_kwd"),
}
# A certificate or contract names a person by at least a first and a family name; one word read where a
# name was printed may be the first of a line Tesseract cut in two ("ريم" over "محمد القحطاني").
PERSON_NAMES = ("husband_name", "wife_name", "child_name", "father_name", "mother_name", "employee_name")


def check_required_fields(doc_type: str, fields: dict[str, Any]) -> list[Check]:
    required = REQUIRED.get(doc_type)
    if required is None:
        return [Check(NAME, "fail", "the document type could not be recognised", "review")]
    missing = [f for f in required if fields.get(f) in (None, "")]
    if missing:
        return [Check(NAME, "fail", f"could not read: {', '.join(missing)}", "review")]
    return [Check(NAME, "pass", f"all {len(required)} required fields read")]


def check_full_names(fields: dict[str, Any]) -> list[Check]:
    short = [f for f in PERSON_NAMES if isinstance(fields.get(f), str) and len(fields[f].split()) == 1]
    if short:
        return [Check(FULL_NAMES, "warn", f"a name read as one word, perhaps cut short: {', '.join(short)}",
                      "review")]
    named = [f for f in PERSON_NAMES if fields.get(f)]
    return [Check(FULL_NAMES, "pass", f"{len(named)} names of two words or more")] if named else []
