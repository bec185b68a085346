"""Backend specifics: S3 checks every read against the SHA-256 stored at put time; the filesystem makes
every write durable, names included."""

from __future__ import annotations

import os
from unittest import mock

import pytest

from pipeline.blobstore import BlobCorrupt, FilesystemBlobStore, S3BlobStore


def test_bit_rot_on_the_s3_servers_disk_is_refused_on_read(live_settings, s3_client, s3_bucket):
    store = S3BlobStore(s3_client, s3_bucket)
    store.put_bytes("records/doc-1/000001.json", b'{"status": "verified"}')
    # The real server keeps objects as files under its root: change one byte there, checksum untouched.
    on_disk = live_settings.path("s3", "root") / s3_bucket / "records/doc-1/000001.json"
    on_disk.write_bytes(b'{"status": "verifieD"}')
    with pytest.raises(BlobCorrupt, match="checksum"):
        store.get_bytes("records/doc-1/000001.json")


def test_objects_written_by_the_store_read_back_whole_in_chunks(s3_client, s3_bucket):
    store = S3BlobStore(s3_client, s3_bucket)
    data = bytes(range(256)) * 10_000
    store.put_bytes("originals/ab/big", data)
    with store.open("originals/ab/big") as stream:
        parts = list(iter(lambda: stream.read(65_536), b""))
    assert b"".join(parts) == data and len(parts) > 1


def test_a_filesystem_write_makes_the_file_and_every_new_directory_durable(tmp_path):
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    store = FilesystemBlobStore(tmp_path / "blobs")
    with mock.patch("pipeline.blobstore.os.fsync", fsync):
        store.put_bytes("originals/ab/abcd", b"bytes")
    root = tmp_path / "blobs"
    # The data, then each directory entry that is new: without them a power cut can lose the file's path.
    for directory in (tmp_path, root, root / "originals", root / "originals" / "ab"):
        assert str(directory) in synced, directory
    assert synced.index(str(root / "originals" / "ab")) == len(synced) - 1  # the name last, after the data
