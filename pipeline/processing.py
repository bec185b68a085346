"""The pipeline's stages over a batch of inbox uploads, usable without Dagster.

intake -> text -> extraction -> validation -> archive_record -> search_index

Each stage takes upload ids, does its work for those whose previous stage finished, records its
result in the work state and returns a `StageReport`. One upload failing (a corrupt file, a bug in one
extractor) is recorded with its error and left in the inbox for a later run; it never fails the batch.
Failures of a shared service (S3 or OpenSearch unreachable) are raised as `TransientError` so the
orchestrator retries the step with backoff instead of marking every document failed.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, EndpointConnectionError
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
from opensearchpy.exceptions import ConnectionTimeout

from pipeline import extraction, ocr
from pipeline.archive import Archive
from pipeline.blobstore import BlobStore
from pipeline.inbox import Inbox
from pipeline.intake import inspect_file
from pipeline.models import ArchiveRecord, Check, TextResult, status_from_checks
from pipeline.settings import Settings
from pipeline.validators.expiry import check_not_expired
from pipeline.workstate import WorkState

if TYPE_CHECKING:
    from pipeline.search import SearchIndex

PIPELINE_VERSION = "1"
STAGES = ("intake", "text", "extraction", "validation", "archive_record", "search_index")

# Errors that mean "a shared service is down", not "this document is bad".
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    EndpointConnectionError,
    BotoCoreError,
    OpenSearchConnectionError,
    ConnectionTimeout,
    ConnectionError,
    TimeoutError,
)


class TransientError(RuntimeError):
    """A shared service failed; retry the stage later, nothing about the documents is known yet."""


@dataclass
class StageReport:
    stage: str
    done: list[str] = field(default_factory=list)  # finished this stage in this call
    already_done: list[str] = field(default_factory=list)  # finished by an earlier run
    not_ready: list[str] = field(default_factory=list)  # an earlier stage stopped or failed them
    failed: dict[str, str] = field(default_factory=dict)  # upload id -> one-line error
    metrics: dict[str, Any] = field(default_factory=dict)
    document_ids: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def summary(self) -> str:
        return (
            f"{self.stage}: {len(self.done)} done, {len(self.already_done)} already done, "
            f"{len(self.not_ready)} not ready, {len(self.failed)} failed"
        )


@dataclass(frozen=True)
class UploadOutcome:
    upload_id: str
    state: str  # waiting, rejected, duplicate, failed, archived
    document_id: str | None = None
    status: str | None = None  # the document's status once archived
    doc_type: str | None = None
    reason: str | None = None
    indexed: bool = False


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def document_id_for(person_id: str, sha256: str) -> str:
    """Deterministic, so a re-run after a crash finds the record it already wrote."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"wathiqa:{person_id}:{sha256}"))


class Pipeline:
    def __init__(
        self,
        settings: Settings,
        blobstore: BlobStore,
        open_index: Callable[[], SearchIndex] | None = None,
        as_of: date | None = None,
    ) -> None:
        self.settings = settings
        self.archive = Archive(blobstore)
        self.inbox = Inbox(blobstore)
        self.work = WorkState(blobstore)
        self._open_index = open_index
        self.as_of = as_of

    @functools.cached_property
    def index(self) -> SearchIndex | None:
        """Opened on first use, so stages that never touch the index never need OpenSearch."""
        return self._open_index() if self._open_index else None

    # -- helpers --
    def _today(self) -> date:
        return self.as_of or self.settings.today()

    @contextlib.contextmanager
    def _local_original(self, upload_id: str) -> Iterator[Path]:
        """The inbox item's bytes as a local file (libmagic, pdfplumber and Tesseract need a path)."""
        with tempfile.TemporaryDirectory(prefix="wathiqa-") as tmp:
            path = Path(tmp) / "original"
            self._copy_original(upload_id, path)
            yield path

    def _copy_original(self, upload_id: str, path: Path) -> None:
        with open(path, "wb") as out, self.inbox.open_original(upload_id) as src:
            while chunk := src.read(1 << 20):
                out.write(chunk)

    def _run(
        self,
        stage: str,
        upload_ids: list[str],
        requires: str | None,
        work: Callable[[str, dict[str, Any] | None, StageReport], dict[str, Any]],
    ) -> StageReport:
        report = StageReport(stage)
        started = time.perf_counter()
        for upload_id in upload_ids:
            if self.work.load(upload_id, stage) is not None:
                report.already_done.append(upload_id)
                continue
            previous = self.work.load(upload_id, requires) if requires else None
            if requires and (previous is None or previous.get("stop")):
                report.not_ready.append(upload_id)
                continue
            try:
                result = work(upload_id, previous, report)
            except TRANSIENT_ERRORS as exc:
                raise TransientError(f"{stage}: {type(exc).__name__}: {exc}") from exc
            except Exception as exc:  # one bad document must not fail the batch
                report.failed[upload_id] = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
                self.work.save(upload_id, f"{stage}.error", {"error": report.failed[upload_id], "at": _now()})
                continue
            self.work.save(upload_id, stage, result)
            report.done.append(upload_id)
        report.seconds = round(time.perf_counter() - started, 3)
        return report

    # -- stages --
    def intake(self, upload_ids: list[str]) -> StageReport:
        reasons: Counter[str] = Counter()

        def work(upload_id: str, _: dict | None, report: StageReport) -> dict[str, Any]:
            item = self.inbox.get(upload_id)
            with self._local_original(upload_id) as path:
                intake = inspect_file(path, self.settings, filename=item.manifest.filename)
                checks = [_check_state(c) for c in intake.checks]
                base = {"sha256": intake.sha256, "mime": intake.mime, "size": intake.size, "pages": intake.pages}
                if not intake.accepted:
                    self.inbox.quarantine(upload_id, [intake.reason or "rejected at intake"])
                    reasons[_reason_name(intake.checks)] += 1
                    return {**base, "checks": checks, "stop": "rejected", "reason": intake.reason}
                existing = self.archive.find_by_sha(intake.sha256)
                same_person = [r for r in existing if r.person_id == item.manifest.person_id]
                if same_person:
                    # Byte-identical re-upload: link the upload, do not reprocess.
                    record = same_person[0]
                    if upload_id not in record.upload_ids:
                        record.upload_ids.append(upload_id)
                        record.version += 1
                        record.updated_at = _now()
                        self.archive.write_record(record)
                    report.document_ids.append(record.document_id)
                    return {**base, "checks": checks, "stop": "duplicate", "document_id": record.document_id}
                self.archive.put_original(path, intake.sha256)
            return {**base, "checks": checks, "other_holders": [r.document_id for r in existing]}

        report = self._run("intake", upload_ids, None, work)
        report.metrics["rejected_by_reason"] = dict(reasons)
        return report

    def text(self, upload_ids: list[str]) -> StageReport:
        """All of the batch's documents in one OCR call, so their pages share one pool of workers."""
        started = time.perf_counter()
        pages = 0
        confidences: list[float] = []
        ready = []
        for upload_id in upload_ids:
            intake = self.work.load(upload_id, "intake")
            if intake and not intake.get("stop") and self.work.load(upload_id, "text") is None:
                ready.append((upload_id, intake))
        with tempfile.TemporaryDirectory(prefix="wathiqa-text-") as tmp:
            requests = []
            try:
                for upload_id, intake in ready:
                    path = Path(tmp) / upload_id
                    self._copy_original(upload_id, path)
                    requests.append(ocr.DocumentRequest(path, intake["mime"], intake["sha256"]))
            except TRANSIENT_ERRORS as exc:
                raise TransientError(f"text: {type(exc).__name__}: {exc}") from exc
            outcomes = dict(zip([u for u, _ in ready], ocr.read_documents(requests, self.settings), strict=True))

        def work(upload_id: str, intake: dict | None, _: StageReport) -> dict[str, Any]:
            nonlocal pages
            result = outcomes[upload_id]
            if isinstance(result, ocr.OcrError):
                # Passed intake yet cannot be rendered or read: bad input, refused with its reason.
                reason = f"could not read the document's text: {result}".splitlines()[0]
                self.inbox.quarantine(upload_id, [reason])
                return {"stop": "rejected", "reason": reason}
            pages += len(result.pages)
            confidences.append(result.mean_confidence)
            return result.to_dict()

        report = self._run("text", upload_ids, "intake", work)
        report.seconds = round(time.perf_counter() - started, 3)  # the OCR itself ran before _run
        report.metrics.update(pages=pages, mean_confidence=_mean(confidences))
        report.metrics["seconds_per_page"] = round(report.seconds / pages, 3) if pages else 0.0
        return report

    def extraction(self, upload_ids: list[str]) -> StageReport:
        types: Counter[str] = Counter()

        def work(upload_id: str, text: dict | None, _: StageReport) -> dict[str, Any]:
            assert text is not None
            item = self.inbox.get(upload_id)
            understanding = extraction.understand(
                TextResult.from_dict(text), item.manifest.declared_type, self._today(), self.settings
            )
            types[understanding.doc_type] += 1
            return {
                "doc_type": understanding.doc_type,
                "fields": understanding.fields,
                "checks": [_check_state(c) for c in understanding.checks],
            }

        report = self._run("extraction", upload_ids, "text", work)
        report.metrics["doc_types"] = dict(types)
        return report

    def validation(self, upload_ids: list[str]) -> StageReport:
        statuses: Counter[str] = Counter()

        def work(upload_id: str, extracted: dict | None, _: StageReport) -> dict[str, Any]:
            assert extracted is not None
            item = self.inbox.get(upload_id)
            intake = self.work.load(upload_id, "intake") or {}
            checks = [Check(**c) for c in intake.get("checks", [])]
            checks += [Check(**c) for c in extracted["checks"]]
            if intake.get("other_holders") and not _may_share(extracted["doc_type"], item.manifest.relation):
                checks.append(
                    Check(
                        "content_reuse",
                        "warn",
                        "the same file is on record for another person and this document type is not shared",
                        severity="review",
                    )
                )
            status = status_from_checks(checks)
            statuses[status] += 1
            return {"checks": [_check_state(c) for c in checks], "status": status}

        report = self._run("validation", upload_ids, "extraction", work)
        report.metrics["statuses"] = dict(statuses)
        return report

    def archive_record(self, upload_ids: list[str]) -> StageReport:
        def work(upload_id: str, validated: dict | None, report: StageReport) -> dict[str, Any]:
            assert validated is not None
            item = self.inbox.get(upload_id)
            manifest = item.manifest
            intake = self.work.load(upload_id, "intake") or {}
            text = self.work.load(upload_id, "text") or {}
            extracted = self.work.load(upload_id, "extraction") or {}
            document_id = document_id_for(manifest.person_id, intake["sha256"])
            existing = self.archive.get_record(document_id)
            if existing is not None:
                self.archive.write_record(existing)  # a re-run after a crash: make sure its markers exist
            else:
                text_result = TextResult.from_dict(text)
                record = ArchiveRecord(
                    document_id=document_id,
                    version=1,
                    person_id=manifest.person_id,
                    sponsor_id=manifest.sponsor_id,
                    relation=manifest.relation,
                    sha256=intake["sha256"],
                    mime=intake["mime"],
                    size=intake["size"],
                    pages=intake["pages"],
                    original_key=self.archive.original_key(intake["sha256"]),
                    declared_type=manifest.declared_type,
                    doc_type=extracted["doc_type"],
                    fields=extracted["fields"],
                    checks=[{k: c[k] for k in ("name", "outcome", "detail")} for c in validated["checks"]],
                    status=validated["status"],
                    text=text_result.text,
                    ocr={
                        "engine": text_result.engine,
                        "mean_confidence": text_result.mean_confidence,
                        "seconds": text_result.seconds,
                    },
                    upload_ids=[upload_id],
                    uploader=manifest.uploader,
                    created_at=_now(),
                    updated_at=_now(),
                    pipeline_version=PIPELINE_VERSION,
                )
                superseded = self._supersede_older(record)
                self.archive.write_record(record)
                report.document_ids.extend(superseded)
            report.document_ids.append(document_id)
            return {"document_id": document_id}

        return self._run("archive_record", upload_ids, "validation", work)

    def _supersede_older(self, record: ArchiveRecord) -> list[str]:
        """A newer document of the same type for the same person replaces the older ones."""
        changed = []
        for older in self.archive.records_for_person(record.person_id):
            if older.doc_type != record.doc_type or older.superseded_by or older.document_id == record.document_id:
                continue
            if record.doc_type == "unknown":
                continue
            older.superseded_by = record.document_id
            older.version += 1
            older.updated_at = _now()
            self.archive.write_record(older)
            record.supersedes = older.document_id
            changed.append(older.document_id)
        return changed

    def search_index(self, upload_ids: list[str]) -> StageReport:
        """One bulk request for the batch's records (and the older records they superseded)."""
        if self.index is None:
            raise TransientError("search_index: no search index configured")
        report = StageReport("search_index")
        started = time.perf_counter()
        wanted: dict[str, str] = {}  # upload id -> document id
        for upload_id in upload_ids:
            if self.work.load(upload_id, "search_index") is not None:
                report.already_done.append(upload_id)
                continue
            archived = self.work.load(upload_id, "archive_record")
            intake = self.work.load(upload_id, "intake") or {}
            if archived is not None:
                wanted[upload_id] = archived["document_id"]
            elif intake.get("stop") == "duplicate":
                wanted[upload_id] = intake["document_id"]
            else:
                report.not_ready.append(upload_id)
        records = [r for doc_id in sorted(set(wanted.values())) if (r := self.archive.get_record(doc_id))]
        records += [older for r in records if r.supersedes and (older := self.archive.get_record(r.supersedes))]
        try:
            report.metrics["indexed"] = self.index.index_records(records) if records else 0
        except TRANSIENT_ERRORS as exc:
            raise TransientError(f"search_index: {type(exc).__name__}: {exc}") from exc
        for upload_id, document_id in wanted.items():
            # Only now, with the record durable and indexed, may the upload leave the inbox: a run killed
            # any earlier leaves it pending, so the next run finishes the job.
            self.inbox.complete(upload_id, document_id=document_id)
            self.work.save(upload_id, "search_index", {"document_id": document_id})
            report.done.append(upload_id)
        report.document_ids = sorted({r.document_id for r in records})
        report.seconds = round(time.perf_counter() - started, 3)
        return report

    def outcome(self, upload_id: str) -> UploadOutcome:
        """Where one upload stands, from its work state (what `wathiqa process` and the API report)."""
        intake = self.work.load(upload_id, "intake")
        for stage in ("intake", "text"):
            state = self.work.load(upload_id, stage)
            if state and state.get("stop") == "rejected":
                return UploadOutcome(upload_id, "rejected", reason=state.get("reason"))
        if intake and intake.get("stop") == "duplicate":
            return UploadOutcome(upload_id, "duplicate", document_id=intake["document_id"])
        for stage in STAGES:
            error = self.work.load(upload_id, f"{stage}.error")
            if error and self.work.load(upload_id, stage) is None:
                return UploadOutcome(upload_id, "failed", reason=f"{stage}: {error['error']}")
        archived = self.work.load(upload_id, "archive_record")
        if archived:
            validated = self.work.load(upload_id, "validation") or {}
            extracted = self.work.load(upload_id, "extraction") or {}
            return UploadOutcome(
                upload_id,
                "archived",
                document_id=archived["document_id"],
                status=validated.get("status"),
                doc_type=extracted.get("doc_type"),
                indexed=self.work.load(upload_id, "search_index") is not None,
            )
        return UploadOutcome(upload_id, "waiting")

    def revalidate(self, as_of: date) -> StageReport:
        """Documents whose validity ended before `as_of` stop being usable: new record version, reindexed.

        Freshness answers already compare expiry dates with the request's date; this keeps each record's
        own status (what archivists see and filter on) true as time passes.
        """
        report = StageReport("revalidation")
        started = time.perf_counter()
        changed: list[ArchiveRecord] = []
        for record in self.archive.iter_records():
            if record.status == "rejected" or record.superseded_by:
                continue
            expiry = check_not_expired(record.doc_type, record.fields, as_of)
            if not expiry or expiry[0].outcome != "fail":
                continue
            record.checks = [c for c in record.checks if c["name"] != expiry[0].name] + [expiry[0].to_dict()]
            record.status = "rejected"
            record.version += 1
            record.updated_at = _now()
            self.archive.write_record(record)
            changed.append(record)
            report.document_ids.append(record.document_id)
        if changed and self.index is not None:
            try:
                report.metrics["indexed"] = self.index.index_records(changed)
            except TRANSIENT_ERRORS as exc:
                raise TransientError(f"revalidation: {type(exc).__name__}: {exc}") from exc
        report.metrics["expired"] = len(changed)
        report.seconds = round(time.perf_counter() - started, 3)
        return report

    def run_all(self, upload_ids: list[str]) -> list[StageReport]:
        return [getattr(self, stage)(upload_ids) for stage in STAGES]


def _check_state(check: Check) -> dict[str, str]:
    """A check as work state keeps it: the contract's three keys plus its severity."""
    return check.to_dict() | {"severity": check.severity}


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 2) if values else 0.0


def _reason_name(checks: list[Check]) -> str:
    return next((c.name for c in checks if c.outcome == "fail"), "unknown")


def _may_share(doc_type: str, relation: str | None) -> bool:
    """Certificates legitimately belong to several people (spouses; a child and its parents)."""
    return doc_type in ("marriage_certificate", "birth_certificate")


def batch_key(upload_ids: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(upload_ids)).encode()).hexdigest()[:16]
