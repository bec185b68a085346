"""The audit log: every access recorded with who, when, which request and what came of it; hash-chained
(tamper-evident) across blocks and writers; searchable; never holding names, numbers or document text."""

from __future__ import annotations

import threading
import uuid
from unittest import mock

import pytest

from archive_api.app import create_app as build_app
from archive_api.audit import AuditLog, AuditQuery
from pipeline.settings import settings_with
from tests.api_world import build_world


@pytest.fixture(scope="module")
def world(tmp_path_factory, live_settings, opensearch):
    tmp = tmp_path_factory.mktemp("audit")
    prefix = f"test-{uuid.uuid4().hex[:10]}"
    yield build_world(
        settings_with(data_dir=tmp, index_prefix=prefix), tmp, [("passport", "passport", "P-5001", "png")]
    )
    opensearch.indices.delete(index=f"{prefix}-*", ignore_unavailable=True)


def passport_id(world) -> str:
    return world.document_id(next(iter(world.files)))


def test_every_kind_of_access_is_recorded_with_who_when_and_what_came_of_it(world):
    doc = passport_id(world)
    world.call("GET", f"/v1/documents/{doc}", "archivist")
    world.call("GET", f"/v1/documents/{doc}/original", "archivist")
    world.call("GET", "/v1/search", "archivist", params={"q": "passport"})
    world.call("GET", "/v1/persons/P-5001/freshness", "renewal_service", params={"service": "residency_renewal.self"})
    trail = world.call("GET", "/v1/audit", "admin", params={"limit": 1000, "verify_chain": True}).json()
    assert trail["chain_problems"] == []
    actions = {e["action"] for e in trail["entries"]}
    assert {
        "upload",
        "upload_status",
        "read_record",
        "read_original",
        "search",
        "freshness:residency_renewal.self",
    } <= actions
    for entry in trail["entries"]:
        assert {"seq", "at", "prev", "hash", "key_id", "role", "request_id", "action", "target", "result"} <= set(entry)


def test_the_entry_names_the_request(world):
    response = world.call("GET", f"/v1/documents/{passport_id(world)}", "archivist")
    entries = world.call("GET", "/v1/audit", "archivist", params={"action": "read_record", "limit": 1}).json()[
        "entries"
    ]
    assert entries[0]["request_id"] == response.headers["x-request-id"]
    assert entries[0]["key_id"] == world.keys["archivist"].split("_")[1] and entries[0]["role"] == "archivist"


def test_archivists_search_the_trail_by_document_person_key_action_and_time(world):
    doc = passport_id(world)
    world.call("GET", f"/v1/documents/{doc}", "renewal_service")
    by_doc = world.call("GET", "/v1/audit", "archivist", params={"document_id": doc}).json()["entries"]
    assert by_doc and all(e["target"] == doc for e in by_doc)
    renewal_id = world.keys["renewal_service"].split("_")[1]
    by_key = world.call("GET", "/v1/audit", "archivist", params={"key_id": renewal_id}).json()["entries"]
    assert by_key and all(e["key_id"] == renewal_id for e in by_key)
    world.call("GET", "/v1/persons/P-5001/documents", "renewal_service")
    by_person = world.call("GET", "/v1/audit", "archivist", params={"person_id": "P-5001"}).json()["entries"]
    assert [e["action"] for e in by_person][:1] == ["list_documents"]
    later = world.call("GET", "/v1/audit", "archivist", params={"since": "2999-01-01T00:00:00Z"}).json()
    assert later["entries"] == [] and later["chain_problems"] is None
    assert world.call("GET", "/v1/audit", "archivist", params={"verify_chain": True}).status_code == 403


def test_no_names_numbers_or_person_ids_are_kept(world):
    record = world.call("GET", f"/v1/documents/{passport_id(world)}", "archivist").json()
    number, surname = record["fields"]["document_number"], record["fields"]["surname"]
    world.call("GET", "/v1/search", "archivist", params={"q": surname})
    world.call("GET", "/v1/search", "archivist", params={"q": number})
    world.call("GET", "/v1/persons/P-5001/documents", "archivist")
    stored = b"".join(world.store.get_bytes(k) for k in world.store.list("audit/")).decode()
    for secret in (number, surname, "P-5001"):
        assert secret not in stored


def test_a_changed_or_removed_entry_breaks_the_chain(world):
    log = AuditLog(world.store)
    first, second = sorted(world.store.list("audit/"))[:2]
    original = world.store.get_bytes(first)
    world.store.put_bytes(first, original.replace(b'"result": "202"', b'"result": "500"', 1), overwrite=True)
    try:
        assert any("does not match its hash" in p for p in log.verify())
    finally:
        world.store.put_bytes(first, original, overwrite=True)
    removed = world.store.get_bytes(second)
    world.store.delete(second)
    try:
        assert any("missing" in p for p in log.verify())
    finally:
        world.store.put_bytes(second, removed)
    assert log.verify() == []


def test_concurrent_writers_in_two_replicas_keep_one_unbroken_chain(tmp_path):
    from pipeline.blobstore import open_blobstore

    store = open_blobstore(settings_with(data_dir=tmp_path))
    replicas = [AuditLog(store), AuditLog(store)]

    def write(log: AuditLog, n: int) -> None:
        for i in range(25):
            log.append(key_id="k", role="admin", request_id=f"{n}-{i}", action="test", target=None, result="200")

    threads = [threading.Thread(target=write, args=(replicas[n % 2], n)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    entries = replicas[0].entries(AuditQuery(action="test"), limit=1000)
    assert len(entries) == 200 and len({e["seq"] for e in entries}) == 200
    assert len(list(store.list("audit/"))) < 200  # batched: fewer writes than entries
    assert replicas[1].verify() == []


def test_when_the_audit_cannot_be_written_the_access_is_refused(world):
    audit, doc = world.client.app.state.context.audit, passport_id(world)
    with mock.patch.object(audit, "_write_block", side_effect=OSError("disk full")):
        response = world.call("GET", f"/v1/documents/{doc}", "archivist")
    assert response.status_code == 503 and "audit log cannot be written" in response.json()["detail"]


def test_freshness_answers_do_not_wait_for_the_audit_but_their_entries_arrive(world):
    audit = world.client.app.state.context.audit
    real_write, failures = audit._write_block, []

    def failing_once(batch):
        if not failures:
            failures.append(len(batch))
            raise OSError("storage briefly down")
        return real_write(batch)

    with mock.patch.object(audit, "_write_block", side_effect=failing_once):
        response = world.call(
            "GET", "/v1/persons/P-5001/freshness", "renewal_service", params={"service": "visit_permit.spouse"}
        )
        assert response.status_code == 200
        assert audit.flush(timeout=10)
    assert failures  # the first write failed and was retried
    entries = world.call(
        "GET", "/v1/audit", "admin", params={"action": "freshness:visit_permit.spouse", "verify_chain": True}
    ).json()
    assert [e["request_id"] for e in entries["entries"]] == [response.headers["x-request-id"]]
    decided = " ".join(f"{r['requirement']}:{r['decision']}" for r in response.json()["requirements"])
    assert entries["entries"][0]["decisions"] == decided  # what was decided, not about whom
    assert entries["chain_problems"] == []


def test_the_search_index_answers_like_the_blocks_and_is_rebuilt_from_them(world, opensearch):
    world.call("GET", f"/v1/documents/{passport_id(world)}", "archivist")
    from_index = world.client.app.state.context.audit.entries(limit=1000)
    from_blocks = AuditLog(world.store).entries(limit=1000)
    assert from_index == from_blocks and len(from_index) > 10
    name = f"{world.settings.index_prefix}-audit"
    opensearch.indices.refresh(index=name)
    assert opensearch.count(index=name)["count"] == len(from_blocks)  # the answer came from the index
    opensearch.indices.delete(index=name)  # lost while the API runs
    assert world.client.app.state.context.audit.entries(limit=1000) == AuditLog(world.store).entries(limit=1000)
    assert opensearch.count(index=name)["count"] == len(from_blocks)  # rebuilt from the blocks
    mapping = opensearch.indices.get_mapping(index=name)[name]["mappings"]["properties"]
    assert mapping["target"]["type"] == "keyword" and mapping["at"]["type"] == "date"
    opensearch.indices.delete(index=name)  # lost, then found missing by a freshly started API
    fresh_app = build_app(world.settings)
    assert fresh_app.state.context.audit.entries(limit=1000) == AuditLog(world.store).entries(limit=1000)


def test_without_opensearch_the_trail_is_read_from_the_blocks(world, tmp_path):
    dead = settings_with(data_dir=world.settings.data_dir, opensearch_url="http://127.0.0.1:9")
    audit = build_app(dead).state.context.audit
    assert audit.entries(AuditQuery(action="upload"), limit=5) == AuditLog(world.store).entries(
        AuditQuery(action="upload"), limit=5
    )
