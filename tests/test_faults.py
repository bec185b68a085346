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
