"""An archive record as the index holds it: searchable fields plus the record itself."""

from __future__ import annotations

import dataclasses
from typing import Any

from pipeline.models import ArchiveRecord
from pipeline.search.names import name_keys

NAME_FIELDS = (
    "surname",
    "given_names",
    "husband_name",
    "wife_name",
    "child_name",
    "father_name",
    "mother_name",
    "employer_name",
    "employee_name",
)
NUMBER_FIELDS = ("document_number", "certificate_number", "contract_number", "civil_id")
EXPIRY_FIELDS = ("expiry_date", "end_date")
ISSUE_FIELDS = ("date_of_issue", "marriage_date", "start_date")


def _first(fields: dict[str, Any], names: tuple[str, ...]) -> Any:
    return next((fields[n] for n in names if fields.get(n)), None)


def to_index_document(record: ArchiveRecord) -> dict[str, Any]:
    fields = record.fields or {}
    names = [str(fields[n]) for n in NAME_FIELDS if fields.get(n)]
    return {
        "document_id": record.document_id,
        "version": record.version,
        "person_id": record.person_id,
        "sponsor_id": record.sponsor_id,
        "relation": record.relation,
        "persons": sorted({record.person_id, *(p["person_id"] for p in record.linked_persons)}),
        "doc_type": record.doc_type,
        "declared_type": record.declared_type,
        "status": record.status,
        "failed_checks": [c["name"] for c in record.checks if c.get("outcome") == "fail"],
        "superseded_by": record.superseded_by,
        "supersedes": record.supersedes,
        "nationality": fields.get("nationality"),
        "sha256": record.sha256,
        "numbers": [str(fields[n]) for n in NUMBER_FIELDS if fields.get(n)],
        "names": names,
        "name_keys": " ".join(key for name in names for key in name_keys(name)),
        "text": record.text,
        "expiry_date": _first(fields, EXPIRY_FIELDS),
        "date_of_birth": fields.get("date_of_birth"),
        "issue_date": _first(fields, ISSUE_FIELDS),
        "created_at": record.created_at or None,
        "updated_at": record.updated_at or None,
        # A shallow copy (serialised at once), not to_dict()'s deep one: indexing speed is CPU-bound here.
        "record": {f.name: getattr(record, f.name) for f in dataclasses.fields(ArchiveRecord) if f.name != "text"},
    }


def from_index_document(source: dict[str, Any]) -> ArchiveRecord:
    """The archive record back from an indexed document (the text only if the source included it)."""
    return ArchiveRecord.from_dict({**source["record"], "text": source.get("text", "")})
