"""Every field the contract requires for the detected type must have been read."""

from __future__ import annotations

from typing import Any

from pipeline.models import Check

NAME = "required_fields"
REQUIRED = {
    "passport": ("document_number", "surname", "nationality", "date_of_birth", "sex", "expiry_date",
                 "issuing_country"),
    "marriage_certificate": ("certificate_number", "husband_name", "wife_name", "marriage_date"),
    "birth_certificate": ("certificate_number", "child_name", "sex", "date_of_birth", "father_name", "mother_name"),
    "employment_contract": ("contract_number", "employer_name", "employee_name", "job_title", "start_date",
                            "end_date", "monthly_salary_kwd"),
}


def check_required_fields(doc_type: str, fields: dict[str, Any]) -> list[Check]:
    required = REQUIRED.get(doc_type)
    if required is None:
        return [Check(NAME, "fail", "the document type could not be recognised", "review")]
    missing = [f for f in required if fields.get(f) in (None, "")]
    if missing:
        return [Check(NAME, "fail", f"could not read: {', '.join(missing)}", "review")]
    return [Check(NAME, "pass", f"all {len(required)} required fields read")]
