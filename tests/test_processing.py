"""The processing library without Dagster: crash safety, de-duplication, superseding, bad input."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from botocore.exceptions import EndpointConnectionError

from pipeline.archive import Archive
from pipeline.blobstore import FilesystemBlobStore, S3BlobStore
from pipeline.inbox import Inbox, Manifest
from pipeline.processing import STAGES, Pipeline, TransientError
from pipeline.search import SearchIndex
from pipeline.settings import settings_with
from tests.fixtures.documents import make_document


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("docs")
    return {
        "passport": out / make_document(out, "passport-a", "passport", seed=21, fmt="png").file,
        "passport2": out / make_document(out, "passport-b", "passport", seed=22, fmt="png").file,
        "birth": out / make_document(out, "birth", "birth_certificate", seed=21, fmt="png").file,
    }


@pytest.fixture
def index(opensearch):
    prefix = f"test-{uuid.uuid4().hex[:10]}"
    yield SearchIndex(opensearch, settings_with(index_prefix=prefix))
    opensearch.indices.delete(index=f"{prefix}-*", ignore_unavailable=True)


class FailingStore:
    """Wraps a real store; the n-th write of a key under `prefix` fails as if S3 went away."""

    def __init__(self, inner, prefix: str, fail_on: int) -> None:
        self.inner, self.prefix, self.fail_on, self.writes = inner, prefix, fail_on, 0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def put_bytes(self, key, data, *, overwrite=False):
        if key.startswith(self.prefix):
            self.writes += 1
            if self.writes == self.fail_on:
                raise EndpointConnectionError(endpoint_url="http://127.0.0.1:7070")
        return self.inner.put_bytes(key, data, overwrite=overwrite)


def _run(pipeline: Pipeline, ids: list[str]) -> None:
    for stage in STAGES:
        getattr(pipeline, stage)(ids)


def _put(store, path: Path, person: str, declared: str, relation: str = "self") -> str:
    return Inbox(store).put(path, Manifest(person_id=person, declared_type=declared, relation=relation))


@pytest.fixture(params=["filesystem", "s3"])
def store(request, tmp_path):
    if request.param == "filesystem":
        return FilesystemBlobStore(tmp_path / "blobs")
    return S3BlobStore(request.getfixturevalue("s3_client"), request.getfixturevalue("s3_bucket"))


def test_a_store_failing_mid_write_loses_nothing_and_a_rerun_completes(store, docs, index):
    settings = settings_with()
    ids = [_put(store, docs["passport"], "P-1", "passport"), _put(store, docs["birth"], "P-1", "birth_certificate")]
    failing = FailingStore(store, "records/", fail_on=2)  # the second record write dies
    with pytest.raises(TransientError):
        _run(Pipeline(settings, failing, open_index=lambda: index), ids)
    assert len(Inbox(store).pending()) == 2  # nothing leaves the inbox before it is archived and indexed

    _run(Pipeline(settings, store, open_index=lambda: index), ids)  # the re-run, with the store healthy again
    archive = Archive(store)
    records = list(archive.iter_records())
    assert len(records) == 2 and all(r.version == 1 for r in records)
    assert sorted(archive.original_hashes()) == sorted(r.sha256 for r in records)
    assert Inbox(store).pending() == []
    assert all(Pipeline(settings, store, open_index=lambda: index).outcome(u).state == "archived" for u in ids)


def test_a_byte_identical_reupload_is_linked_not_reprocessed(tmp_path, docs, index):
    store = FilesystemBlobStore(tmp_path)
    pipeline = Pipeline(settings_with(), store, open_index=lambda: index)
    first = _put(store, docs["passport"], "P-2", "passport")
    _run(pipeline, [first])
    second = _put(store, docs["passport"], "P-2", "passport")
    report = pipeline.intake([second])
    assert report.done == [second]
    assert pipeline.text([second]).not_ready == [second]  # no OCR for the duplicate
    pipeline.search_index([second])  # the record's new version is indexed; then the upload leaves the inbox
    outcome = pipeline.outcome(second)
    assert outcome.state == "duplicate"
    record = Archive(store).get_record(outcome.document_id)
    assert record.upload_ids == [first, second] and record.version == 2
    assert Inbox(store).pending() == []


def test_the_same_certificate_for_two_people_is_kept_for_each_and_a_passport_is_flagged(tmp_path, docs, index):
    store = FilesystemBlobStore(tmp_path)
    pipeline = Pipeline(settings_with(), store, open_index=lambda: index)
    ids = [
        _put(store, docs["birth"], "P-3", "birth_certificate", "child"),
        _put(store, docs["birth"], "P-4", "birth_certificate", "self"),
        _put(store, docs["passport"], "P-3", "passport"),
        _put(store, docs["passport"], "P-5", "passport"),
    ]
    for upload_id in ids:  # one by one, as separate uploads arrive
        _run(pipeline, [upload_id])
    records = {(r.person_id, r.doc_type): r for r in Archive(store).iter_records()}
    assert {p for p, _ in records} == {"P-3", "P-4", "P-5"}
    assert not any(c["name"] == "content_reuse" for c in records[("P-4", "birth_certificate")].checks)
    reuse = [c for c in records[("P-5", "passport")].checks if c["name"] == "content_reuse"]
    assert reuse and reuse[0]["outcome"] == "warn"
    assert records[("P-5", "passport")].status in ("needs_review", "rejected")


def test_a_newer_passport_supersedes_the_older_one(tmp_path, docs, index):
    store = FilesystemBlobStore(tmp_path)
    pipeline = Pipeline(settings_with(), store, open_index=lambda: index)
    old = _put(store, docs["passport"], "P-6", "passport")
    _run(pipeline, [old])
    new = _put(store, docs["passport2"], "P-6", "passport")
    _run(pipeline, [new])
    archive = Archive(store)
    old_record = archive.get_record(pipeline.outcome(old).document_id)
    new_record = archive.get_record(pipeline.outcome(new).document_id)
    assert old_record.superseded_by == new_record.document_id and old_record.version == 2
    assert new_record.supersedes == old_record.document_id


def test_refused_uploads_are_quarantined_with_their_reason(tmp_path, index):
    store = FilesystemBlobStore(tmp_path / "blobs")
    script = tmp_path / "run.sh"
    script.write_text("#!/bin/sh\necho hello\n")
    upload_id = _put(store, script, "P-7", "passport")
    pipeline = Pipeline(settings_with(), store, open_index=lambda: index)
    _run(pipeline, [upload_id])
    outcome = pipeline.outcome(upload_id)
    assert outcome.state == "rejected" and "text/x-shellscript is not allowed" in outcome.reason
    assert store.get_bytes(f"quarantine/{upload_id}/original") == script.read_bytes()
    assert Inbox(store).pending() == [] and list(Archive(store).iter_records()) == []
