"""Originals in the archive: stored only under their true hash, read back verified, and never lost or
half-written when the store fails mid-write or the writing process is killed (both backends, S3 real)."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from unittest import mock

import pytest

from pipeline.archive import Archive
from pipeline.blobstore import BlobCorrupt, FilesystemBlobStore, S3BlobStore
from pipeline.inbox import Inbox, Manifest
from pipeline.processing import STAGES, Pipeline, TransientError
from pipeline.search import SearchIndex
from pipeline.settings import settings_with
from tests.fixtures.documents import make_document

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(params=["filesystem", "s3"])
def store(request, tmp_path):
    if request.param == "filesystem":
        return FilesystemBlobStore(tmp_path / "blobs")
    return S3BlobStore(request.getfixturevalue("s3_client"), request.getfixturevalue("s3_bucket"))


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_an_original_from_a_stream_is_stored_under_its_hash_and_read_back_verified(store):
    archive = Archive(store)
    data = os.urandom(3 * (1 << 20) + 7)  # several chunks, not a multiple of the chunk size
    key = archive.put_original(io.BytesIO(data), _sha(data))
    assert key == f"originals/{_sha(data)[:2]}/{_sha(data)}"
    with archive.open_original(_sha(data)) as stream:
        assert stream.read(10) == data[:10]
        assert stream.read() == data[10:]


def test_bytes_that_do_not_match_the_given_hash_are_never_stored(store, tmp_path):
    archive = Archive(store)
    path = tmp_path / "scan.png"
    path.write_bytes(b"what arrived")
    with pytest.raises(BlobCorrupt, match="hash"):
        archive.put_original(path, _sha(b"what the caller thought"))
    assert list(store.list("originals/")) == []


def test_a_changed_original_is_refused_when_read_to_the_end(store):
    archive = Archive(store)
    sha = archive.put_original(io.BytesIO(b"as uploaded"), _sha(b"as uploaded")).rsplit("/", 1)[1]
    key = archive.original_key(sha)
    if isinstance(store, FilesystemBlobStore):
        (store.root / key).write_bytes(b"as altered!")
    else:
        store.client.put_object(Bucket=store.bucket, Key=key, Body=b"as altered!")
    with pytest.raises(BlobCorrupt), archive.open_original(sha) as stream:
        stream.read()


# -- faults --------------------------------------------------------------------------------------------


@contextlib.contextmanager
def original_writes_die(store):
    """Writes of originals die half-way (the disk fills up, the S3 connection drops); yields the failures."""
    failures: list[str] = []
    if isinstance(store, FilesystemBlobStore):
        real_fsync = os.fsync

        def fsync(fd: int) -> None:
            # fsync is where a full or failing disk reports itself for data already written.
            if "/originals/" in os.readlink(f"/proc/self/fd/{fd}"):
                failures.append("ENOSPC")
                raise OSError(errno.ENOSPC, "No space left on device")
            real_fsync(fd)

        with mock.patch("pipeline.blobstore.os.fsync", fsync):
            yield failures
        return

    real_put = store.client.put_object

    class Dropped(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            if self.tell() >= 4096:  # the first few kilobytes reach the server, then the line drops
                failures.append("reset")
                raise ConnectionResetError("connection reset by peer")
            return super().read(size if size is None or size < 0 else min(size, 4096))

    def put_object(**kwargs):
        if kwargs["Key"].startswith("originals/"):
            kwargs["Body"] = Dropped(kwargs["Body"].read())
        return real_put(**kwargs)

    store.client.put_object = put_object
    try:
        yield failures
    finally:
        store.client.put_object = real_put


@pytest.fixture
def index(opensearch):
    prefix = f"test-{uuid.uuid4().hex[:10]}"
    yield SearchIndex(opensearch, settings_with(index_prefix=prefix))
    opensearch.indices.delete(index=f"{prefix}-*", ignore_unavailable=True)


def _run_all(pipeline: Pipeline, ids: list[str]) -> None:
    for stage in STAGES:
        getattr(pipeline, stage)(ids)


def test_a_store_dying_mid_original_loses_nothing_and_a_rerun_stores_each_once(store, index, tmp_path):
    passport = make_document(tmp_path, "passport", "passport", seed=31, fmt="png")
    birth = make_document(tmp_path, "birth", "birth_certificate", seed=31, fmt="png")
    broken = tmp_path / "broken.png"
    broken.write_bytes((tmp_path / birth.file).read_bytes()[:300])
    inbox = Inbox(store)
    accepted = [
        inbox.put(tmp_path / passport.file, Manifest(person_id="P-31", declared_type="passport")),
        inbox.put(tmp_path / birth.file, Manifest(person_id="P-32", declared_type="birth_certificate")),
    ]
    refused = inbox.put(broken, Manifest(person_id="P-31", declared_type="passport", filename="broken.png"))
    ids = [*accepted, refused]
    settings = settings_with()

    with original_writes_die(store) as failures, contextlib.suppress(TransientError):
        # A lost S3 connection stops the batch for a retry; a full disk is recorded against each upload.
        _run_all(Pipeline(settings, store, open_index=lambda: index), ids)
    assert failures
    archive = Archive(store)
    assert list(archive.original_hashes()) == []  # nothing half-written is visible
    assert set(accepted) <= {i.upload_id for i in inbox.pending()}  # nothing lost, all still waiting

    _run_all(Pipeline(settings, store, open_index=lambda: index), ids)  # the re-run, store healthy
    records = list(archive.iter_records())
    assert sorted(r.upload_ids[0] for r in records) == sorted(accepted)
    assert sorted(archive.original_hashes()) == sorted(r.sha256 for r in records)
    for record in records:
        assert b"".join(archive.iter_original(record.sha256))  # complete, and verified against its name
    assert inbox.pending() == []
    assert inbox.receipt(refused)["state"] == "rejected"
    if isinstance(store, FilesystemBlobStore):
        assert not [p for p in store.root.rglob(".tmp-*")]


WRITER = """
import sys
from pathlib import Path
from pipeline.blobstore import FilesystemBlobStore
FilesystemBlobStore(Path(sys.argv[1])).put_file(sys.argv[2], Path(sys.argv[3]))
"""


def test_a_writer_killed_mid_original_leaves_nothing_visible_and_a_rerun_stores_it(tmp_path):
    data = os.urandom(4 << 20)
    sha = _sha(data)
    store = FilesystemBlobStore(tmp_path / "blobs")
    key = Archive.original_key(sha)
    fifo = tmp_path / "upload"
    os.mkfifo(fifo)  # the test decides how many bytes the writer gets before it is killed
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(store.root), key, str(fifo)], cwd=ROOT)
    with open(fifo, "wb") as feed:
        feed.write(data[: 2 << 20])
        feed.flush()
        deadline = time.monotonic() + 30
        while not list(store.root.rglob(".tmp-*")) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert list(store.root.rglob(".tmp-*")), "the writer never started writing"
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    assert writer.returncode == -signal.SIGKILL
    assert not store.exists(key) and list(store.list("")) == []  # the half-written temp file is not an object

    source = tmp_path / "original"
    source.write_bytes(data)
    Archive(store).put_original(source, sha)
    assert Archive(store).read_original(sha) == data
    assert list(store.list("originals/")) == [key]
