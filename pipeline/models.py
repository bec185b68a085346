"""Records and results that flow between stages: DESIGN's extraction contract in types.

Everything here is plain data (dataclasses) with `to_dict()` for JSON, so the processing library,
the Dagster assets, the API and the CLI all speak the same shapes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Outcome = Literal["pass", "fail", "warn", "skip"]
Status = Literal["verified", "needs_review", "rejected"]
DocType = Literal["passport", "marriage_certificate", "birth_certificate", "employment_contract", "unknown"]

DOC_TYPES: tuple[str, ...] = (
    "passport",
    "marriage_certificate",
    "birth_certificate",
    "employment_contract",
    "unknown",
)
# Whom an upload is about, relative to the sponsoring resident.
RELATIONS: tuple[str, ...] = ("self", "spouse", "child", "parent", "domestic_worker")


@dataclass(frozen=True)
class Check:
    """One named check and its explained outcome."""

    name: str
    outcome: Outcome
    detail: str
    # A failed check is `rejected` (certainly wrong) unless it only says "a person must look".
    severity: Literal["reject", "review"] = "reject"

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "outcome": self.outcome, "detail": self.detail}


def status_from_checks(checks: list[Check]) -> Status:
    """DESIGN's rule: rejected if anything is certainly wrong, needs_review if anything is unsure."""
    if any(c.outcome == "fail" and c.severity == "reject" for c in checks):
        return "rejected"
    if any(c.outcome in ("fail", "warn") for c in checks):
        return "needs_review"
    return "verified"


@dataclass(frozen=True)
class OcrWord:
    text: str
    confidence: float  # 0..100, Tesseract's word confidence
    box: tuple[int, int, int, int]  # left, top, width, height in page pixels


@dataclass
class PageText:
    """The text of one page, in logical reading order."""

    number: int  # 1-based
    text: str
    source: Literal["text_layer", "ocr"]
    mean_confidence: float  # 100.0 for a usable text layer
    seconds: float
    words: list[OcrWord] = field(default_factory=list)
    rotation: int = 0  # degrees the page was turned to read upright
    mrz: list[str] | None = None  # raw MRZ lines when the page carries a machine-readable zone


@dataclass
class TextResult:
    """The text stage's output for one document."""

    sha256: str
    pages: list[PageText]
    engine: str  # e.g. "tesseract 5.3.0 ara+eng" or "pdfplumber"
    seconds: float

    @property
    def text(self) -> str:
        return "\n\f\n".join(p.text for p in self.pages)

    @property
    def mean_confidence(self) -> float:
        scored = [p.mean_confidence for p in self.pages if p.text.strip()]
        return round(sum(scored) / len(scored), 2) if scored else 0.0

    @property
    def mrz(self) -> list[str] | None:
        return next((p.mrz for p in self.pages if p.mrz), None)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TextResult:
        pages = [
            PageText(**{**p, "words": [OcrWord(w["text"], w["confidence"], tuple(w["box"])) for w in p["words"]]})
            for p in data["pages"]
        ]
        return cls(sha256=data["sha256"], pages=pages, engine=data["engine"], seconds=data["seconds"])


@dataclass
class ExtractionResult:
    """DESIGN's extraction JSON for one document."""

    file: str
    sha256: str
    mime: str
    pages: int
    doc_type: str
    declared_type: str | None
    fields: dict[str, Any]
    checks: list[Check]
    status: Status
    ocr: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["checks"] = [c.to_dict() for c in self.checks]
        return data


Relation = Literal["self", "spouse", "child", "parent", "domestic_worker"]


@dataclass
class ArchiveRecord:
    """The system of record for one document version (stored as JSON beside the original).

    `document_id` names the logical document; each reprocessing or newer upload of the same document
    is a new `version`. The search index is derived from these records and can always be rebuilt.
    """

    document_id: str
    version: int
    person_id: str  # civil ID (or applicant id) of the person the document is about
    sponsor_id: str | None  # the resident who sponsors this person (None for the resident himself)
    relation: str  # the person's relation to the sponsor: self, spouse, child, parent, domestic_worker
    sha256: str
    mime: str
    size: int
    pages: int
    original_key: str  # blob-store key of the immutable original
    declared_type: str | None
    doc_type: str
    fields: dict[str, Any]
    checks: list[dict[str, str]]
    status: Status
    text: str
    ocr: dict[str, Any]
    # Other people this same document legitimately concerns (spouse on a marriage certificate,
    # parents on a birth certificate), each {"person_id", "relation", "upload_id"}.
    linked_persons: list[dict[str, str]] = field(default_factory=list)
    upload_ids: list[str] = field(default_factory=list)
    supersedes: str | None = None  # document_id of an older document this one replaces
    superseded_by: str | None = None
    uploader: str | None = None
    created_at: str = ""  # ISO 8601 UTC
    updated_at: str = ""
    pipeline_version: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ArchiveRecord:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})
