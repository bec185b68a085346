"""`wathiqa ingest`: every file is stored durably in the inbox before its id is printed; bad files get a
one-line reason and a non-zero exit, and end in quarantine with that reason once the pipeline runs."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pipeline.blobstore import FilesystemBlobStore, S3BlobStore
from pipeline.inbox import Inbox
from pipeline.processing import Pipeline
from pipeline.settings import settings_with
from tests.fixtures.documents import make_document

ROOT = Path(__file__).resolve().parent.parent


def _ingest(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "pipeline.cli", "ingest", *args]
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.fixture(params=["filesystem", "s3"])
def backend(request, tmp_path):
    env = {**os.environ, "WATHIQA_DATA_DIR": str(tmp_path / "data")}
    if request.param == "filesystem":
        return env, FilesystemBlobStore(tmp_path / "data" / "blobs")
    bucket = request.getfixturevalue("s3_bucket")
    store = S3BlobStore(request.getfixturevalue("s3_client"), bucket)
    return {**env, "WATHIQA_BLOB_BACKEND": "s3", "WATHIQA_S3_BUCKET": bucket}, store


def test_good_and_bad_files_are_stored_and_the_bad_ones_named_in_one_line(backend, tmp_path):
    env, store = backend
    good = tmp_path / make_document(tmp_path, "cert", "marriage_certificate", seed=41, fmt="png").file
    bad = tmp_path / "scan.pdf"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("x.txt", "not a document")
    result = _ingest(env, "--person", "P-41", "--declared-type", "marriage_certificate", "--relation", "spouse",
                     "--sponsor", "P-40", str(good), str(bad), str(tmp_path / "missing.pdf"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = result.stderr.splitlines()
    assert errors == [
        f"wathiqa ingest: {bad}: will be refused: file type application/zip is not allowed "
        "(PDF, JPEG, PNG, TIFF, HEIC or WebP only)",
        f"wathiqa ingest: {tmp_path / 'missing.pdf'}: no such file",
    ]
    printed = dict(reversed(line.split("  ", 1)) for line in result.stdout.splitlines())
    assert set(printed) == {str(good), str(bad)}

    inbox = Inbox(store)
    items = {item.upload_id: item.manifest for item in inbox.pending()}
    assert set(items) == set(printed.values())  # acknowledged means durably in the inbox
    manifest = items[printed[str(good)]]
    assert (manifest.person_id, manifest.declared_type, manifest.relation, manifest.sponsor_id, manifest.filename) \
        == ("P-41", "marriage_certificate", "spouse", "P-40", good.name)
    with inbox.open_original(printed[str(good)]) as stream:
        assert stream.read() == good.read_bytes()

    Pipeline(settings_with(), store).intake(list(items))
    rejected = inbox.receipt(printed[str(bad)])
    assert rejected["state"] == "rejected" and "application/zip is not allowed" in rejected["reasons"][0]
    assert [item.upload_id for item in inbox.pending()] == [printed[str(good)]]


def test_a_bad_person_id_is_one_line_and_nothing_is_stored(tmp_path):
    env = {**os.environ, "WATHIQA_DATA_DIR": str(tmp_path / "data")}
    good = tmp_path / make_document(tmp_path, "passport", "passport", seed=42, fmt="png").file
    result = _ingest(env, "--person", "../../etc", "--declared-type", "passport", str(good))
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and "person id" in result.stderr
    assert Inbox(FilesystemBlobStore(tmp_path / "data" / "blobs")).pending() == []
