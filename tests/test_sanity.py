"""`wathiqa check` finds every kind of drift; daily revalidation retires expired documents."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date

import pytest

from pipeline.archive import Archive
from pipeline.blobstore import FilesystemBlobStore
from pipeline.cli import main as cli_main
from pipeline.inbox import Inbox
from pipeline.models import ArchiveRecord
from pipeline.processing import Pipeline
from pipeline.sanity import check_consistency
from pipeline.search import SearchIndex
from pipeline.settings import get_settings, settings_with


def _archive_with_two_documents(tmp_path) -> tuple[Archive, list[ArchiveRecord]]:
    archive = Archive(FilesystemBlobStore(tmp_path / "blobs"))
    records = []
    for n, expiry in enumerate(("2026-12-31", "2030-01-01")):
        data = f"original {n}".encode()
        path = tmp_path / f"o{n}"
        path.write_bytes(data)
        sha = hashlib.sha256(data).hexdigest()
        archive.put_original(path, sha)
        record = ArchiveRecord(
            document_id=f"doc-{n}", version=1, person_id=f"P-{n}00", sponsor_id=None, relation="self",
            sha256=sha, mime="image/png", size=len(data), pages=1, original_key=archive.original_key(sha),
            declared_type="passport", doc_type="passport", fields={"expiry_date": expiry},
            checks=[{"name": "not_expired", "outcome": "pass", "detail": f"valid until {expiry}"}],
            status="verified", text="", ocr={}, created_at="2026-01-01T00:00:00+00:00",
        )
        archive.write_record(record)
        records.append(record)
    return archive, records


@pytest.fixture
def index(opensearch):
    prefix = f"test-{uuid.uuid4().hex[:10]}"
    yield SearchIndex(opensearch, settings_with(index_prefix=prefix))
    opensearch.indices.delete(index=f"{prefix}-*", ignore_unavailable=True)


def _kinds(archive, index) -> list[tuple[str, str]]:
    report = check_consistency(archive, Inbox(archive.blobstore), index.versions)
    return sorted((f.kind, f.subject) for f in report.findings)


def test_a_consistent_archive_has_no_findings(tmp_path, index):
    archive, records = _archive_with_two_documents(tmp_path)
    index.index_records(records)
    report = check_consistency(archive, Inbox(archive.blobstore), index.versions)
    assert report.ok and (report.records, report.originals, report.indexed) == (2, 2, 2)


def test_every_kind_of_drift_is_reported(tmp_path, index):
    archive, records = _archive_with_two_documents(tmp_path)
    store = archive.blobstore
    index.index_records([records[0]])  # doc-1 never reaches the index
    (store.root / archive.original_key(records[0].sha256)).write_bytes(b"bit rot")
    orphan = tmp_path / "orphan"
    orphan.write_bytes(b"nobody's")
    archive.put_original(orphan, hashlib.sha256(b"nobody's").hexdigest())
    ghost = ArchiveRecord(**{**records[1].to_dict(), "document_id": "ghost", "version": 1})
    index.index_records([ghost])
    assert _kinds(archive, index) == sorted([
        ("corrupt_original", "doc-0"),
        ("not_indexed", "doc-1"),
        ("extra_index", "ghost"),
        ("orphan_original", hashlib.sha256(b"nobody's").hexdigest()),
    ])
    store.delete(archive.original_key(records[1].sha256))
    bumped = ArchiveRecord(**{**records[0].to_dict(), "version": 2})
    archive.write_record(bumped)
    assert ("missing_original", "doc-1") in _kinds(archive, index)
    assert ("stale_index", "doc-0") in _kinds(archive, index)


def test_revalidation_retires_a_document_the_day_after_it_expires(tmp_path, index):
    archive, records = _archive_with_two_documents(tmp_path)
    index.index_records(records)
    pipeline = Pipeline(settings_with(data_dir=tmp_path), archive.blobstore, open_index=lambda: index)
    assert pipeline.revalidate(date(2026, 12, 31)).metrics["expired"] == 0  # still valid on its last day
    report = pipeline.revalidate(date(2027, 1, 1))
    assert report.document_ids == ["doc-0"]
    retired = archive.get_record("doc-0")
    assert retired.status == "rejected" and retired.version == 2
    assert [c["outcome"] for c in retired.checks if c["name"] == "not_expired"] == ["fail"]
    assert index.get("doc-0")["status"] == "rejected"
    assert archive.get_record("doc-1").status == "verified"
    assert pipeline.revalidate(date(2027, 1, 2)).metrics["expired"] == 0  # idempotent


def test_check_command_exits_non_zero_on_drift(tmp_path, monkeypatch, capsys, opensearch):
    prefix = f"test-{uuid.uuid4().hex[:10]}"
    archive, records = _archive_with_two_documents(tmp_path)  # the data dir's blob store is tmp_path/blobs
    monkeypatch.setenv("WATHIQA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WATHIQA_INDEX_PREFIX", prefix)
    get_settings.cache_clear()
    try:
        SearchIndex(opensearch, get_settings()).index_records(records)
        assert cli_main(["check"]) == 0
        assert "2 records, 2 originals, 2 indexed: 0 problems" in capsys.readouterr().out
        archive.blobstore.delete(archive.original_key(records[1].sha256))
        assert cli_main(["check"]) == 1
        assert "missing_original  doc-1" in capsys.readouterr().out
    finally:
        get_settings.cache_clear()
        opensearch.indices.delete(index=f"{prefix}-*", ignore_unavailable=True)
