"""The API's input vocabulary: id patterns and enums, so bad input is refused (422) before any route runs
and the OpenAPI schema says exactly what is accepted."""

from __future__ import annotations

from enum import Enum
from typing import Literal

from pipeline.freshness import SERVICES
from pipeline.models import DocType, Relation, Status

PERSON_ID = r"^[A-Za-z0-9-]{3,32}$"  # pipeline.inbox.PERSON_ID, spelled as an OpenAPI pattern
DOCUMENT_ID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
UPLOAD_ID = r"^u\d{8}T\d{12}-[0-9a-f]{8}$"  # pipeline.inbox.UPLOAD_ID
COUNTRY = r"^[A-Z]{3}$"

DeclaredType = Literal["passport", "marriage_certificate", "birth_certificate", "employment_contract"]
# Service ids come from the rules module's list, so the schema follows it.
Service = Enum("Service", {s.replace(".", "__"): s for s in SERVICES}, type=str)

__all__ = [
    "COUNTRY",
    "DOCUMENT_ID",
    "PERSON_ID",
    "UPLOAD_ID",
    "DeclaredType",
    "DocType",
    "Relation",
    "Service",
    "Status",
]
