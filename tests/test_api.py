"""The archive API, every endpoint and role, allowed and refused, against the real services."""

from __future__ import annotations

import hashlib
import uuid

import pytest
from fastapi.testclient import TestClient

from archive_api.app import create_app
from archive_api.audit import AuditLog
from archive_api.auth import KeyStore
from pipeline.blobstore import open_blobstore
from pipeline.inbox import Inbox
from pipeline.processing import Pipeline
from pipeline.search import SearchIndex
from pipeline.search.client import open_search_client
from pipeline.settings import settings_with
from tests.fixtures.documents import make_document

ROLES = ("uploader", "renewal_service", "archivist", "admin")


@pytest.fixture(scope="module")
def world(tmp_path_factory, live_settings, opensearch):
    """An S3-backed archive holding one processed passport, and a key for every role."""
    tmp = tmp_path_factory.mktemp("api")
    bucket = f"test-{uuid.uuid4().hex[:12]}"
    prefix = f"test-{uuid.uuid4().hex[:10]}"
    settings = settings_with(data_dir=tmp, blob_backend="s3", s3_bucket=bucket, index_prefix=prefix)
    client = TestClient(create_app(settings))
    store = open_blobstore(settings)
    keys = {role: KeyStore(store).create(role, f"test {role}") for role in ROLES}
    other_uploader = KeyStore(store).create("uploader", "another front end")
    doc = tmp / make_document(tmp, "passport", "passport", seed=5, fmt="png").file
    response = client.post("/v1/uploads", headers={"X-API-Key": keys["uploader"]},
                           data={"person_id": "P-2001", "declared_type": "passport"},
                           files={"file": (doc.name, doc.read_bytes(), "image/png")})
    assert response.status_code == 202, response.text
    upload_id = response.json()["upload_id"]
    Pipeline(settings, store, open_index=lambda: SearchIndex(open_search_client(settings), settings)).run_all(
        [upload_id])
    yield {"client": client, "keys": keys, "other": other_uploader, "upload_id": upload_id, "doc": doc,
           "store": store, "settings": settings}
    for key in store.list(""):
        store.delete(key)
    store.client.delete_bucket(Bucket=bucket)
    opensearch.indices.delete(index=f"{prefix}-*", ignore_unavailable=True)


def call(world, method: str, path: str, role: str | None, **kwargs):
    headers = {"X-API-Key": world["keys"][role]} if role else {}
    return world["client"].request(method, path, headers=headers, **kwargs)


def document_id(world) -> str:
    return call(world, "GET", f"/v1/uploads/{world['upload_id']}", "uploader").json()["document_id"]


def test_health_and_readiness_need_no_key(world):
    assert world["client"].get("/healthz").json() == {"status": "ok"}
    ready = world["client"].get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"ready": True, "opensearch": "ok", "blobstore": "ok"}


def test_the_upload_is_archived_and_its_status_says_so(world):
    status = call(world, "GET", f"/v1/uploads/{world['upload_id']}", "uploader").json()
    assert status["state"] == "archived" and status["document_id"]
    assert status["document_status"] in ("verified", "needs_review", "rejected")


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/v1/documents/{doc}", {"renewal_service", "archivist", "admin"}),
        ("/v1/documents/{doc}/original", {"archivist", "admin"}),
        ("/v1/persons/P-2001/documents", {"renewal_service", "archivist", "admin"}),
        ("/v1/persons/P-2001/freshness?service=residency_renewal.self", {"renewal_service", "archivist", "admin"}),
        ("/v1/search?q=passport", {"archivist", "admin"}),
        ("/v1/audit", {"archivist", "admin"}),
        ("/v1/uploads/{upload}", {"uploader", "archivist", "admin"}),
    ],
)
def test_every_route_admits_its_roles_and_refuses_the_rest(world, path, allowed):
    path = path.format(doc=document_id(world), upload=world["upload_id"])
    assert call(world, "GET", path, None).status_code == 401
    assert world["client"].get(path, headers={"X-API-Key": "wq_000000000000_forged"}).status_code == 401
    for role in ROLES:
        code = call(world, "GET", path, role).status_code
        assert (code == 200) == (role in allowed), (path, role, code)
        if role not in allowed:
            assert code == 403


def test_uploads_are_for_uploaders(world):
    doc = world["doc"]
    for role, expected in (("renewal_service", 403), ("archivist", 403), (None, 401)):
        response = call(world, "POST", "/v1/uploads", role, data={"person_id": "P-1", "declared_type": "passport"},
                        files={"file": (doc.name, doc.read_bytes(), "image/png")})
        assert response.status_code == expected


def test_an_uploader_sees_only_its_own_uploads(world):
    response = world["client"].get(f"/v1/uploads/{world['upload_id']}", headers={"X-API-Key": world["other"]})
    assert response.status_code == 404


def test_refused_types_and_sizes_get_415_and_413_with_the_reason(world):
    script = call(world, "POST", "/v1/uploads", "uploader", data={"person_id": "P-1", "declared_type": "passport"},
                  files={"file": ("scan.pdf", b"#!/bin/sh\necho hi\n", "application/pdf")})
    assert script.status_code == 415 and "text/x-shellscript is not allowed" in script.json()["detail"]
    big = b"\0" * (world["settings"].max_upload_bytes + 1)
    oversized = call(world, "POST", "/v1/uploads", "uploader", data={"person_id": "P-1", "declared_type": "passport"},
                     files={"file": ("scan.png", big, "image/png")})
    assert oversized.status_code == 413


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/persons/P-2001/freshness", {"service": "residency_renewal.cousin"}),
        ("/v1/persons/P-2001/freshness", {"service": "residency_renewal.self", "as_of": "28/11/2026"}),
        ("/v1/persons/..%2F..%2Fetc/documents", {}),
        ("/v1/search", {"q": "x", "type": "invoice"}),
        ("/v1/search", {"q": "x", "nationality": "kuwait"}),
    ],
)
def test_bad_input_is_refused_with_422_or_404(world, path, params):
    assert call(world, "GET", path, "admin", params=params).status_code in (404, 422)


def test_renewal_services_see_status_not_contents(world):
    doc_id = document_id(world)
    view = call(world, "GET", f"/v1/documents/{doc_id}", "renewal_service").json()
    assert set(view) == {"document_id", "version", "person_id", "doc_type", "status", "superseded_by", "supersedes"}
    full = call(world, "GET", f"/v1/documents/{doc_id}", "archivist").json()
    assert full["fields"] and full["sha256"]


def test_the_original_streams_byte_for_byte(world):
    response = call(world, "GET", f"/v1/documents/{document_id(world)}/original", "archivist")
    assert response.content == world["doc"].read_bytes()
    assert response.headers["etag"].strip('"') == hashlib.sha256(response.content).hexdigest()


def test_freshness_answers_in_designs_shape(world):
    answer = call(world, "GET", "/v1/persons/P-2001/freshness", "renewal_service",
                  params={"service": "residency_renewal.self", "as_of": "2026-12-01"}).json()
    assert set(answer) == {"person_id", "service", "as_of", "rules_version", "requirements"}
    passport, contract = answer["requirements"]
    assert passport["requirement"] == "passport" and passport["document_id"] == document_id(world)
    assert contract == {"requirement": "employment_contract", "decision": "upload", "document_id": None,
                        "reasons": [contract["reasons"][0]]}
    assert contract["reasons"][0]["code"] == "missing" and contract["reasons"][0]["ar"]


def test_search_finds_the_document(world):
    page = call(world, "GET", "/v1/search", "archivist", params={"q": "passport", "type": "passport"}).json()
    assert [h["document_id"] for h in page["hits"]] == [document_id(world)]


def test_every_access_is_audited_in_an_intact_chain_without_identity_data(world):
    call(world, "GET", "/v1/search", "archivist", params={"q": "AL-HARBI"})
    call(world, "GET", f"/v1/documents/{document_id(world)}", "archivist")
    trail = call(world, "GET", "/v1/audit", "admin", params={"limit": 1000}).json()
    assert trail["chain_problems"] == []
    actions = {e["action"] for e in trail["entries"]}
    assert {"upload", "upload_status", "read_record", "search", "read_original"} <= actions
    entry = trail["entries"][0]
    assert {"key_id", "role", "request_id", "at", "prev", "hash", "result"} <= set(entry)
    assert "AL-HARBI" not in str(trail["entries"])  # search terms are kept as a fingerprint only


def test_a_tampered_audit_entry_breaks_the_chain(world):
    log = AuditLog(world["store"])
    first = sorted(world["store"].list("audit/"))[0]
    original = world["store"].get_bytes(first)
    world["store"].put_bytes(first, original.replace(b'"result": "202"', b'"result": "500"'), overwrite=True)
    try:
        assert any("does not match its hash" in p for p in log.verify())
    finally:
        world["store"].put_bytes(first, original, overwrite=True)
    assert log.verify() == []


def test_security_headers_and_no_cors(world):
    response = world["client"].get("/healthz", headers={"Origin": "https://evil.example"})
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "access-control-allow-origin" not in response.headers


def test_keys_are_stored_hashed(world):
    stored = world["store"].get_bytes("api/keys.json").decode()
    for key in world["keys"].values():
        assert key.split("_", 2)[2] not in stored
    assert Inbox(world["store"]).pending() == []


def test_readiness_fails_when_opensearch_is_unreachable(tmp_path):
    dead = settings_with(data_dir=tmp_path, opensearch_url="http://127.0.0.1:9")
    ready = TestClient(create_app(dead)).get("/readyz")
    assert ready.status_code == 503 and ready.json()["opensearch"] != "ok" and ready.json()["blobstore"] == "ok"


def test_a_key_flooding_the_api_is_slowed_with_429(tmp_path, live_settings):
    tight = settings_with(data_dir=tmp_path, api_rate_per_second=1, api_rate_burst=3)
    client = TestClient(create_app(tight))
    key = KeyStore(open_blobstore(tight)).create("archivist", "flood")
    codes = [client.get("/v1/audit", headers={"X-API-Key": key}).status_code for _ in range(6)]
    assert codes[:3] == [200, 200, 200] and 429 in codes[3:]
