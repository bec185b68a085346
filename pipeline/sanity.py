"""The consistency check behind `wathiqa check`: originals, records, inbox and index agree.

Like a document manager's sanity checker it reports, never repairs: every current record has its
original and the original still hashes to its name; every original belongs to a record or to an upload
still waiting; the index holds every current record at its current version and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pipeline.archive import Archive
from pipeline.blobstore import BlobCorrupt, BlobNotFound
from pipeline.inbox import Inbox
from pipeline.workstate import WorkState


@dataclass(frozen=True)
class Finding:
    kind: str  # missing_original, corrupt_original, orphan_original, not_indexed, stale_index, extra_index
    subject: str  # a document id or a content hash
    detail: str


@dataclass
class SanityReport:
    records: int = 0
    originals: int = 0
    indexed: int | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def check_consistency(
    archive: Archive,
    inbox: Inbox,
    index_versions: Callable[[], dict[str, int]] | None = None,
    rehash: bool = True,
) -> SanityReport:
    """`index_versions` returns {document_id: version} for everything in the search index."""
    report = SanityReport()
    current = {record.document_id: record for record in archive.iter_records()}
    report.records = len(current)
    for record in current.values():
        try:
            if rehash:
                archive.read_original(record.sha256)
            elif not archive.has_original(record.sha256):
                raise BlobNotFound(record.sha256)
        except BlobNotFound:
            report.findings.append(Finding("missing_original", record.document_id, f"no original {record.sha256}"))
        except BlobCorrupt as exc:
            report.findings.append(Finding("corrupt_original", record.document_id, str(exc)))

    referenced = {record.sha256 for record in current.values()}
    originals = list(archive.original_hashes())
    report.originals = len(originals)
    waiting = _waiting_hashes(inbox)
    for sha in originals:
        if sha not in referenced and sha not in waiting:
            report.findings.append(Finding("orphan_original", sha, "stored original with no record and no upload"))

    if index_versions is not None:
        indexed = index_versions()
        report.indexed = len(indexed)
        for document_id, record in current.items():
            if document_id not in indexed:
                report.findings.append(Finding("not_indexed", document_id, "current record missing from the index"))
            elif indexed[document_id] != record.version:
                report.findings.append(
                    Finding(
                        "stale_index", document_id, f"index has version {indexed[document_id]}, record {record.version}"
                    )
                )
        for document_id in sorted(set(indexed) - set(current)):
            report.findings.append(Finding("extra_index", document_id, "indexed document with no archive record"))
    return report


def _waiting_hashes(inbox: Inbox) -> set[str]:
    """Hashes of originals whose upload is still in flight (stored by intake, record not yet written)."""
    work = WorkState(inbox.blobstore)
    states = (work.load(item.upload_id, "intake") for item in inbox.pending())
    return {state["sha256"] for state in states if state and state.get("sha256")}


def format_findings(findings: Iterable[Finding]) -> list[str]:
    return [f"{f.kind:<17} {f.subject}  {f.detail}" for f in findings]
