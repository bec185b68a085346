"""The pipeline as Dagster runs it: sensor -> batch run -> records, index, empty inbox, checks passing."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import pytest
from dagster import DagsterInstance, build_sensor_context

from pipeline.archive import Archive
from pipeline.assets.batch import batch_run_config
from pipeline.assets.resources import BlobStoreResource, OcrResource, SearchResource
from pipeline.assets.sensors import inbox_sensor
from pipeline.definitions import build_definitions, defs
from pipeline.inbox import Inbox, Manifest
from pipeline.processing import Pipeline
from pipeline.settings import get_settings
from tests.fixtures.documents import make_document
from tests.outage_proxy import OutageProxy

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("docs")
    bad = out / "invoice.html"
    bad.write_text("<html><body>not a document</body></html>")
    return {
        "passport": out / make_document(out, "passport", "passport", seed=11, fmt="png").file,
        "marriage": out / make_document(out, "marriage", "marriage_certificate", seed=11, fmt="png").file,
        "contract": out / make_document(out, "contract", "employment_contract", seed=11, fmt="pdf").file,
        "bad": bad,
    }


@pytest.fixture
def prefix(opensearch):
    name = f"test-{uuid.uuid4().hex[:10]}"
    yield name
    opensearch.indices.delete(index=f"{name}-*", ignore_unavailable=True)


def _fill_inbox(blobstore, documents, count: int = 4) -> list[str]:
    inbox = Inbox(blobstore)
    plan = [("passport", "passport", "self"), ("marriage", "marriage_certificate", "spouse"),
            ("contract", "employment_contract", "self"), ("bad", "passport", "self")][:count]
    return [
        inbox.put(documents[k], Manifest(person_id="P-1001", declared_type=t, relation=r, filename=documents[k].name))
        for k, t, r in plan
    ]


def test_definitions_load_and_validate():
    assert {a.key.to_user_string() for a in defs.resolve_all_asset_specs()} >= {
        "intake", "text", "extraction", "validation", "archive_record", "search_index", "expiry_revalidation"
    }
    assert defs.get_sensor_def("inbox_sensor").job_name == "process_uploads"
    assert defs.get_schedule_def("daily_revalidation").cron_schedule == "5 0 * * *"
    env = {**os.environ, "DAGSTER_HOME": str(ROOT)}
    result = subprocess.run(
        [str(ROOT / ".venv/bin/dagster"), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "All code locations passed validation" in result.stderr + result.stdout


def test_inbox_to_index_through_sensor_and_job(live_settings, s3_bucket, prefix, documents, opensearch, monkeypatch):
    monkeypatch.setenv("WATHIQA_INBOX_SETTLE_SECONDS", "0")  # the uploads below are complete at once
    get_settings.cache_clear()
    blobstore = BlobStoreResource(backend="s3", s3_bucket=s3_bucket)
    search = SearchResource(index_prefix=prefix)
    upload_ids = _fill_inbox(blobstore.open(), documents)

    context = build_sensor_context(resources={"blobstore": blobstore}, definitions=defs)
    result = inbox_sensor(context)
    assert len(result.run_requests) == 1 and result.cursor == upload_ids[-1]
    request = result.run_requests[0]
    assert request.run_config["ops"]["intake"]["config"]["upload_ids"] == upload_ids
    # The cursor moves on: the same uploads never make a second run.
    later = build_sensor_context(resources={"blobstore": blobstore}, cursor=result.cursor, definitions=defs)
    again = inbox_sensor(later)
    assert not getattr(again, "run_requests", None)

    test_defs = build_definitions(blobstore=blobstore, search=search, ocr=OcrResource())
    run = test_defs.resolve_job_def("process_uploads").execute_in_process(
        run_config=request.run_config, instance=DagsterInstance.ephemeral()
    )
    assert run.success
    checks = {e.asset_check_evaluation_data.check_name: e.asset_check_evaluation_data.passed
              for e in run.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"}
    assert checks == {"rejection_ratio": True, "mean_ocr_confidence": True, "records_have_originals": True,
                      "records_are_indexed": True, "inbox_not_stale": True}

    store = blobstore.open()
    pipeline = Pipeline(blobstore.settings(), store)
    outcomes = [pipeline.outcome(u) for u in upload_ids]
    assert [o.state for o in outcomes] == ["archived", "archived", "archived", "rejected"]
    assert "text/html is not allowed" in outcomes[3].reason
    assert Inbox(store).pending() == []
    records = list(Archive(store).iter_records())
    assert sorted(r.doc_type for r in records) == ["employment_contract", "marriage_certificate", "passport"]
    index = search.open()
    opensearch.indices.refresh(index=f"{prefix}-*")
    assert index.count() == 3
    for record in records:
        assert index.get(record.document_id) is not None
    metadata = run.asset_materializations_for_node("text")[0].metadata
    assert metadata["pages"].value == 3 and metadata["documents"].value == 3


def test_opensearch_outage_mid_run_is_retried_and_nothing_is_lost(live_settings, tmp_path, prefix, documents,
                                                                  opensearch):
    blobstore = BlobStoreResource(data_dir=str(tmp_path))
    upload_ids = _fill_inbox(blobstore.open(), documents, count=2)
    with OutageProxy("127.0.0.1", live_settings.opensearch_port) as proxy:
        proxy.down = True  # OpenSearch unreachable from the start of the run
        search = SearchResource(opensearch_url=proxy.url, index_prefix=prefix)
        test_defs = build_definitions(blobstore=blobstore, search=search, ocr=OcrResource())

        healer = proxy.restore_after_first_refusal()
        run = test_defs.resolve_job_def("process_uploads").execute_in_process(
            run_config=batch_run_config(upload_ids),
            instance=DagsterInstance.ephemeral(),
        )
        healer.join(timeout=60)
    assert run.success
    retries = [e for e in run.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]
    assert retries and {e.step_key for e in retries} == {"search_index"}
    assert proxy.refused >= 1
    store = blobstore.open()
    assert Inbox(store).pending() == []
    index = SearchResource(index_prefix=prefix).open()
    opensearch.indices.refresh(index=f"{prefix}-*")
    assert index.count() == 2
    for record in Archive(store).iter_records():
        assert index.get(record.document_id) is not None
