"""A document must still be valid on the date the decision is made for."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from pipeline.models import Check

NAME = "not_expired"
_EXPIRY_FIELD = {"passport": "expiry_date", "employment_contract": "end_date"}


def check_not_expired(doc_type: str, fields: dict[str, Any], as_of: date, unsure: Collection[str] = ()) -> list[Check]:
    """Rejected when expired, unless the expiry date was read `unsure`ly: then a person looks (a misread
    may put a valid contract's end in the past)."""
    key = _EXPIRY_FIELD.get(doc_type)
    if key is None:
        return []
    if not fields.get(key):
        return [Check(NAME, "skip", f"no {key.replace('_', ' ')} to compare with {as_of.isoformat()}")]
    expiry = date.fromisoformat(fields[key])
    if expiry < as_of:
        misread = key in unsure
        return [Check(NAME, "fail", f"expired on {expiry.isoformat()} (as of {as_of.isoformat()})"
                      + (", a date read unsurely" if misread else ""), "review" if misread else "reject")]
    return [Check(NAME, "pass", f"valid until {expiry.isoformat()} (as of {as_of.isoformat()})")]
