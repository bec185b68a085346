"""Blob store, archive and inbox: both backends pass the same specification (S3 on the real server)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from pipeline.archive import Archive
from pipeline.blobstore import BlobCorrupt, BlobNotFound, FilesystemBlobStore, S3BlobStore
from pipeline.inbox import Inbox, Manifest
from pipeline.models import ArchiveRecord


@pytest.fixture(params=["filesystem", "s3"])
def store(request, tmp_path):
    if request.param == "filesystem":
        return FilesystemBlobStore(tmp_path / "blobs")
    return S3BlobStore(request.getfixturevalue("s3_client"), request.getfixturevalue("s3_bucket"))


def _corrupt(store, key: str, data: bytes) -> None:
    """Damage a stored object behind the store's back (bit rot, a bad disk, an operator)."""
    if isinstance(store, FilesystemBlobStore):
        (store.root / key).write_bytes(data)
    else:
        store.client.put_object(Bucket=store.bucket, Key=key, Body=data)


def _record(document_id: str, version: int, person: str = "P-100", sha: str = "ab" * 32, **extra) -> ArchiveRecord:
    values = dict(
        document_id=document_id, version=version, person_id=person, sponsor_id=None, relation="self",
        sha256=sha, mime="image/png", size=3, pages=1, original_key=f"originals/{sha[:2]}/{sha}",
        declared_type="passport", doc_type="passport", fields={"document_number": "X1"}, checks=[],
        status="verified", text="", ocr={},
    )
    return ArchiveRecord(**(values | extra))


def test_put_get_list_delete_round_trip(store):
    assert store.put_bytes("a/b/one", b"1")
    assert store.put_bytes("a/b/two", "٢".encode())
    assert store.get_bytes("a/b/two").decode() == "٢"
    assert list(store.list("a/b/")) == ["a/b/one", "a/b/two"]
    assert store.exists("a/b/one")
    store.delete("a/b/one")
    assert not store.exists("a/b/one")
    with pytest.raises(BlobNotFound):
        store.get_bytes("a/b/one")


def test_create_only_writes_never_replace_an_object(store):
    assert store.put_bytes("originals/aa/x", b"first")
    assert store.put_bytes("originals/aa/x", b"second") is False
    assert store.get_bytes("originals/aa/x") == b"first"
    assert store.put_bytes("originals/aa/x", b"second", overwrite=True)
    assert store.get_bytes("originals/aa/x") == b"second"


def test_keys_cannot_escape_the_store(store):
    for key in ("../etc/passwd", "/abs", "a//b", "a/./b"):
        with pytest.raises(ValueError):
            store.put_bytes(key, b"x")


def test_originals_are_stored_once_and_verified_on_read(store, tmp_path):
    archive = Archive(store)
    path = tmp_path / "scan.png"
    path.write_bytes(b"original bytes")
    sha = hashlib.sha256(b"original bytes").hexdigest()
    key = archive.put_original(path, sha)
    assert archive.put_original(path, sha) == key
    assert archive.read_original(sha) == b"original bytes"
    assert b"".join(archive.iter_original(sha)) == b"original bytes"
    _corrupt(store, key, b"tampered bytes")
    with pytest.raises(BlobCorrupt):
        archive.read_original(sha)
    with pytest.raises(BlobCorrupt):
        b"".join(archive.iter_original(sha))


def test_records_are_versioned_and_found_by_hash_and_person(store):
    archive = Archive(store)
    archive.write_record(_record("doc-1", 1))
    archive.write_record(_record("doc-1", 2, status="needs_review"))
    archive.write_record(_record("doc-2", 1, person="P-200", sha="cd" * 32,
                                 linked_persons=[{"person_id": "P-100", "relation": "spouse", "upload_id": "u"}]))
    assert archive.versions("doc-1") == [1, 2]
    assert archive.get_record("doc-1").status == "needs_review"
    assert archive.get_record("doc-1", 1).status == "verified"
    assert [r.document_id for r in archive.find_by_sha("ab" * 32)] == ["doc-1"]
    assert [r.document_id for r in archive.records_for_person("P-100")] == ["doc-1", "doc-2"]
    assert [(r.document_id, r.version) for r in archive.iter_records()] == [("doc-1", 2), ("doc-2", 1)]
    assert len(list(archive.iter_records(current_only=False))) == 3


def test_a_record_version_is_written_once(store):
    archive = Archive(store)
    archive.write_record(_record("doc-1", 1))
    archive.write_record(_record("doc-1", 1))  # the same content again (a re-run) is fine
    with pytest.raises(RuntimeError, match="already exists"):
        archive.write_record(_record("doc-1", 1, status="rejected"))


def test_inbox_keeps_uploads_until_completed_or_quarantined(store, tmp_path):
    inbox = Inbox(store, settle=timedelta(0))  # cursor reads see uploads at once (see test_inbox.py)
    files = []
    for n in range(3):
        files.append(tmp_path / f"f{n}.png")
        files[-1].write_bytes(f"upload {n}".encode())
    ids = [inbox.put(f, Manifest(person_id="P-100", declared_type="passport", filename=f.name)) for f in files]
    assert ids == sorted(ids)  # arrival order is id order: the sensor's cursor relies on it
    assert [i.upload_id for i in inbox.pending()] == ids
    assert [i.upload_id for i in inbox.pending(after=ids[0], limit=1)] == [ids[1]]
    with inbox.open_original(ids[0]) as f:
        assert f.read() == b"upload 0"
    inbox.complete(ids[0], document_id="doc-1")
    inbox.quarantine(ids[1], ["file type text/html is not allowed"])
    assert [i.upload_id for i in inbox.pending()] == [ids[2]]
    assert inbox.receipt(ids[0])["state"] == "done"
    assert inbox.receipt(ids[1]) == {
        "upload_id": ids[1],
        "manifest": inbox.get(ids[1]).manifest.__dict__,
        "state": "rejected",
        "reasons": ["file type text/html is not allowed"],
    }
    assert store.get_bytes(f"quarantine/{ids[1]}/original") == b"upload 1"


def test_manifests_refuse_bad_ids_and_relations():
    with pytest.raises(ValueError, match="person id"):
        Manifest(person_id="../../x")
    with pytest.raises(ValueError, match="relation"):
        Manifest(person_id="P-100", relation="cousin")


def test_a_write_that_dies_half_way_leaves_nothing_visible(tmp_path):
    store = FilesystemBlobStore(tmp_path / "blobs")

    def chunks():
        yield b"half of the "
        raise OSError("disk unplugged")

    with pytest.raises(OSError):
        store._write("originals/aa/x", chunks(), overwrite=False)
    assert not store.exists("originals/aa/x")
    assert list((tmp_path / "blobs").rglob("*.tmp*")) == [] and list(store.list("")) == []


def test_an_s3_put_that_fails_leaves_no_object_and_a_retry_succeeds(s3_client, s3_bucket, tmp_path):
    store = S3BlobStore(s3_client, s3_bucket)
    real_put = s3_client.put_object
    calls = {"n": 0}

    def flaky_put(**kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise EndpointConnectionError(endpoint_url="http://127.0.0.1:7070")
        return real_put(**kwargs)

    s3_client.put_object = flaky_put
    try:
        with pytest.raises(EndpointConnectionError):
            store.put_bytes("originals/aa/y", b"bytes")
        assert not store.exists("originals/aa/y")
        assert store.put_bytes("originals/aa/y", b"bytes")
    finally:
        s3_client.put_object = real_put
    assert store.get_bytes("originals/aa/y") == b"bytes"


def test_s3_refuses_bytes_that_do_not_match_their_checksum(s3_client, s3_bucket):
    store = S3BlobStore(s3_client, s3_bucket)
    with pytest.raises(ClientError, match=r"(?i)checksum|digest"):
        store._put("originals/aa/z", b"what arrived", hashlib.sha256(b"what was sent").digest(), overwrite=False)
    assert not store.exists("originals/aa/z")


def test_filesystem_store_lists_nothing_for_a_missing_prefix(tmp_path: Path):
    assert list(FilesystemBlobStore(tmp_path).list("records/")) == []
