"""Faults: the pipeline process killed mid-run, duplicate uploads at once. Afterwards every accepted
upload has exactly one original, one current record and one index entry (`wathiqa check` agrees)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pipeline.archive import Archive
from pipeline.blobstore import FilesystemBlobStore
from pipeline.inbox import Inbox, Manifest
from tests.fixtures.documents import make_document

ROOT = Path(__file__).resolve().parent.parent
WATHIQA = [sys.executable, "-m", "pipeline.cli"]


@pytest.fixture
def env(tmp_path, opensearch):
    prefix = f"test-{uuid.uuid4().hex[:10]}"
    environment = {**os.environ, "WATHIQA_DATA_DIR": str(tmp_path / "data"), "WATHIQA_INDEX_PREFIX": prefix}
    environment.pop("DAGSTER_HOME", None)
    yield environment
    opensearch.indices.delete(index=f"{prefix}-*", ignore_unavailable=True)


def _ingest(tmp_path: Path, count: int) -> tuple[FilesystemBlobStore, list[str]]:
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    kinds = ["passport", "birth_certificate", "employment_contract", "marriage_certificate"]
    store = FilesystemBlobStore(tmp_path / "data" / "blobs")
    ids = []
    for n in range(count):
        truth = make_document(docs, f"doc{n}", kinds[n % 4], seed=300 + n, fmt="png")
        ids.append(Inbox(store).put(docs / truth.file, Manifest(person_id=f"P-{n}00", declared_type=kinds[n % 4])))
    return store, ids


def _wait_for(predicate, timeout: float = 120.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def _check(env) -> str:
    result = subprocess.run([*WATHIQA, "check"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.parametrize("kill_after", ["intake", "text", "archive_record"])
def test_a_process_killed_mid_run_recovers_on_rerun(tmp_path, env, live_settings, kill_after):
    store, _ = _ingest(tmp_path, 4)
    work = tmp_path / "data" / "blobs" / "work"
    process = subprocess.Popen([*WATHIQA, "process"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    reached = _wait_for(lambda: any(work.glob(f"*/{kill_after}.json")) or process.poll() is not None)
    os.killpg(process.pid, signal.SIGKILL)  # no clean-up of any kind: as a power cut would
    process.wait()
    assert reached

    rerun = subprocess.run([*WATHIQA, "process"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert Inbox(store).pending() == []
    records = list(Archive(store).iter_records())
    assert len(records) == 4 and len({r.sha256 for r in records}) == 4
    assert len(list(Archive(store).original_hashes())) == 4
    assert "4 records, 4 originals, 4 indexed: 0 problems" in _check(env)


def test_the_same_file_uploaded_twice_at_once_is_archived_once(tmp_path, env, live_settings):
    store, _ = _ingest(tmp_path, 0)
    truth = make_document(tmp_path / "docs", "same", "passport", seed=400, fmt="png")
    path = tmp_path / "docs" / truth.file
    with ThreadPoolExecutor(4) as pool:
        ids = list(pool.map(lambda _: Inbox(store).put(path, Manifest(person_id="P-1", declared_type="passport")),
                            range(4)))
    assert len(set(ids)) == 4
    result = subprocess.run([*WATHIQA, "process"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    records = list(Archive(store).iter_records())
    assert len(records) == 1
    assert len(list(Archive(store).original_hashes())) == 1
    assert Inbox(store).pending() == []
    receipts = [json.loads((tmp_path / "data" / "blobs" / "uploads" / f"{u}.json").read_text()) for u in ids]
    assert {r["state"] for r in receipts} == {"done"}
    assert "1 records, 1 originals, 1 indexed: 0 problems" in _check(env)


def test_s3_outage_mid_run_is_retried_and_nothing_is_lost(tmp_path, live_settings, s3_bucket, env, opensearch):
    from dagster import DagsterInstance

    from pipeline.assets.batch import batch_run_config
    from pipeline.assets.resources import BlobStoreResource, OcrResource, SearchResource
    from pipeline.definitions import build_definitions
    from tests.outage_proxy import OutageProxy

    with OutageProxy("127.0.0.1", live_settings.s3_port) as proxy:
        blobstore = BlobStoreResource(backend="s3", s3_bucket=s3_bucket, s3_endpoint_url=proxy.url)
        store = blobstore.open()
        docs = tmp_path / "docs"
        docs.mkdir()
        ids = [Inbox(store).put(docs / make_document(docs, f"d{n}", "passport", seed=500 + n, fmt="png").file,
                                Manifest(person_id=f"P-{n}50", declared_type="passport")) for n in range(2)]
        proxy.down = True  # the S3 server goes away as the run starts
        healer = proxy.restore_after_first_refusal()
        search = SearchResource(index_prefix=env["WATHIQA_INDEX_PREFIX"])
        definitions = build_definitions(blobstore=blobstore, search=search, ocr=OcrResource())
        run = definitions.resolve_job_def("process_uploads").execute_in_process(
            run_config=batch_run_config(ids), instance=DagsterInstance.ephemeral()
        )
        healer.join(timeout=60)
        assert run.success and proxy.refused >= 1
        assert [e for e in run.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]
        assert Inbox(store).pending() == []
        records = list(Archive(store).iter_records())
        assert len(records) == 2 and len(list(Archive(store).original_hashes())) == 2


def test_a_full_disk_refuses_uploads_and_a_rerun_after_space_is_freed_completes(tmp_path, env, live_settings):
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], check=True)
    try:
        store = FilesystemBlobStore(disk / "blobs")
        docs = tmp_path / "docs"
        docs.mkdir()
        small = docs / make_document(docs, "small", "birth_certificate", seed=600, fmt="jpg").file
        first = Inbox(store).put(small, Manifest(person_id="P-600", declared_type="birth_certificate"))
        big = docs / "big.pdf"
        big.write_bytes(b"%PDF-1.7\n" + os.urandom(2 * 1024 * 1024))
        with pytest.raises(OSError, match="No space left"):
            Inbox(store).put(big, Manifest(person_id="P-601", declared_type="passport"))
        # The refused upload left nothing behind: no half-written object, no temporary file.
        assert [i.upload_id for i in Inbox(store).pending()] == [first]
        assert not list((disk / "blobs").rglob(".tmp-*"))
        # Fill the rest of the disk, so processing itself runs out of space.
        filler = disk / "filler"
        with open(filler, "wb") as out, pytest.raises(OSError):
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        failed = subprocess.run([*WATHIQA, "process"], env={**env, "WATHIQA_DATA_DIR": str(disk)}, cwd=ROOT,
                                capture_output=True, text=True, timeout=600)
        assert failed.returncode != 0
        assert [i.upload_id for i in Inbox(store).pending()] == [first]  # still waiting, not lost
        filler.unlink()
        subprocess.run(["mount", "-o", "remount,size=64m", str(disk)], check=True)
        done = subprocess.run([*WATHIQA, "process"], env={**env, "WATHIQA_DATA_DIR": str(disk)}, cwd=ROOT,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
        assert Inbox(store).pending() == [] and len(list(Archive(store).iter_records())) == 1
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
