"""The archive API's endpoints against the real services: an S3 blob store on the local S3 server, the
real OpenSearch node (own index prefix) and documents that went through the real pipeline."""

from __future__ import annotations

import hashlib
import io
import uuid

import pytest
from PIL import Image

from pipeline.inbox import Inbox
from pipeline.settings import settings_with
from tests.api_world import build_world
from tests.fixtures.hostile import make_hostile


@pytest.fixture(scope="module")
def world(tmp_path_factory, s3_client, opensearch):
    tmp = tmp_path_factory.mktemp("api")
    bucket, prefix = f"test-{uuid.uuid4().hex[:12]}", f"test-{uuid.uuid4().hex[:10]}"
    s3_client.create_bucket(Bucket=bucket)
    settings = settings_with(data_dir=tmp, blob_backend="s3", s3_bucket=bucket, index_prefix=prefix)
    yield build_world(
        settings, tmp, [("passport", "passport", "P-2001", "png"), ("birth", "birth_certificate", "P-2002", "pdf")]
    )
    for page in s3_client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for obj in page.get("Contents", []):
            s3_client.delete_object(Bucket=bucket, Key=obj["Key"])
    s3_client.delete_bucket(Bucket=bucket)
    opensearch.indices.delete(index=f"{prefix}-*", ignore_unavailable=True)


def ids(world) -> tuple[str, str]:
    """(passport document id, birth certificate document id)."""
    passport, birth = list(world.files)
    return world.document_id(passport), world.document_id(birth)


def test_health_and_readiness_need_no_key(world):
    assert world.client.get("/healthz").json() == {"status": "ok"}
    ready = world.client.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"ready": True, "opensearch": "ok", "blobstore": "ok"}


def test_readiness_fails_when_opensearch_is_unreachable(tmp_path):
    from fastapi.testclient import TestClient

    from archive_api.app import create_app

    ready = TestClient(create_app(settings_with(data_dir=tmp_path, opensearch_url="http://127.0.0.1:9"))).get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["opensearch"] != "ok" and ready.json()["blobstore"] == "ok"


def test_uploads_are_archived_and_leave_the_inbox(world):
    for upload_id in world.files:
        status = world.call("GET", f"/v1/uploads/{upload_id}", "uploader").json()
        assert status["state"] == "archived" and status["document_id"], status
        assert status["document_status"] in ("verified", "needs_review", "rejected")
    assert Inbox(world.store).pending() == []


def test_a_new_upload_is_waiting_until_the_pipeline_runs(world):
    path = next(iter(world.files.values()))
    response = world.upload(path, "P-2009", "passport", relation="spouse", sponsor_id="P-2001")
    assert response.status_code == 202
    body = response.json()
    assert body["status_url"] == f"/v1/uploads/{body['upload_id']}"
    assert world.call("GET", body["status_url"], "uploader").json()["state"] == "waiting"
    assert Inbox(world.store).get(body["upload_id"]).manifest.relation == "spouse"


def test_refused_types_get_415_and_oversized_files_413_with_the_reason(world):
    script = world.call(
        "POST",
        "/v1/uploads",
        "uploader",
        data={"person_id": "P-1001", "declared_type": "passport"},
        files={"file": ("scan.pdf", b"#!/bin/sh\necho hi\n", "application/pdf")},
    )
    assert script.status_code == 415 and "not allowed" in script.json()["detail"]
    big = b"\0" * (world.settings.max_upload_bytes + 1)
    oversized = world.call(
        "POST",
        "/v1/uploads",
        "uploader",
        data={"person_id": "P-1001", "declared_type": "passport"},
        files={"file": ("scan.png", big, "image/png")},
    )
    assert oversized.status_code == 413 and "limit" in oversized.json()["detail"]


def test_hostile_files_are_refused_at_once_or_rejected_by_the_pipeline_with_the_reason(world, tmp_path):
    passport, birth = world.files.values()
    expected = make_hostile(tmp_path, birth, passport, world.settings.max_pages)
    later = {}
    for name, check in expected.items():
        response = world.upload(tmp_path / name, "P-2003", "passport")
        if check in ("file_type", "extension_matches", "polyglot", "file_size"):
            assert response.status_code == (422 if check == "file_size" else 415), name
            assert response.json()["detail"], name
        else:
            assert response.status_code == 202, (name, response.text)
            later[response.json()["upload_id"]] = name
    world.process(list(later))
    for upload_id, name in later.items():
        status = world.call("GET", f"/v1/uploads/{upload_id}", "uploader").json()
        assert status["state"] == "rejected" and status["reasons"], (name, status)
        assert status["document_id"] is None


def test_a_streamed_body_over_the_limit_is_cut_off_with_413(world):
    """No Content-Length to refuse up front: the body is counted as it arrives."""

    def chunks():
        yield b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n'
        for _ in range(world.settings.max_upload_bytes // (1 << 20) + 2):
            yield b"\0" * (1 << 20)

    response = world.call(
        "POST", "/v1/uploads", "uploader", content=chunks(), headers={"Content-Type": "multipart/form-data; boundary=x"}
    )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/persons/P-2001/freshness", {"service": "residency_renewal.cousin"}),
        ("/v1/persons/P-2001/freshness", {"service": "residency_renewal.self", "as_of": "28/11/2026"}),
        ("/v1/persons/P-2001/freshness", {}),
        ("/v1/persons/x/documents", {}),
        ("/v1/persons/P%20OR%201=1/documents", {}),
        ("/v1/documents/not-a-document", {}),
        ("/v1/uploads/../../etc", {}),
        ("/v1/search", {"q": "x", "type": "invoice"}),
        ("/v1/search", {"q": "x", "status": "fine"}),
        ("/v1/search", {"q": "x", "nationality": "kuwait"}),
        ("/v1/search", {"q": "x" * 201}),
        ("/v1/audit", {"since": "yesterday"}),
    ],
)
def test_bad_input_is_refused_with_a_reason(world, path, params):
    response = world.call("GET", path, "admin", params=params)
    assert response.status_code in (404, 422), (path, response.status_code)
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "form",
    [
        {"person_id": "P-1001", "declared_type": "invoice"},
        {"person_id": "P-1001", "declared_type": "passport", "relation": "cousin"},
        {"person_id": "../x", "declared_type": "passport"},
        {"declared_type": "passport"},
    ],
)
def test_bad_upload_forms_are_refused_with_422(world, form):
    path = next(iter(world.files.values()))
    response = world.call(
        "POST", "/v1/uploads", "uploader", data=form, files={"file": (path.name, path.read_bytes(), "image/png")}
    )
    assert response.status_code == 422


def test_records_in_full_for_archivists_and_status_only_for_renewal_services(world):
    passport, _ = ids(world)
    full = world.call("GET", f"/v1/documents/{passport}", "archivist").json()
    assert full["doc_type"] == "passport" and full["fields"]["document_number"] and full["checks"]
    view = world.call("GET", f"/v1/documents/{passport}", "renewal_service").json()
    assert set(view) == {"document_id", "version", "person_id", "doc_type", "status", "superseded_by", "supersedes"}
    assert world.call("GET", f"/v1/documents/{uuid.uuid4()}", "archivist").status_code == 404


def test_the_original_streams_byte_for_byte_and_hash_verified(world):
    passport, _ = ids(world)
    response = world.call("GET", f"/v1/documents/{passport}/original", "archivist")
    original = world.files[next(iter(world.files))].read_bytes()
    assert response.content == original and response.headers["content-type"] == "image/png"
    assert response.headers["etag"].strip('"') == hashlib.sha256(original).hexdigest()


def test_page_previews_render_images_and_pdfs(world):
    for document_id in ids(world):
        response = world.call("GET", f"/v1/documents/{document_id}/pages/1.png", "archivist")
        assert response.status_code == 200 and response.headers["content-type"] == "image/png"
        assert min(Image.open(io.BytesIO(response.content)).size) > 100
        assert world.call("GET", f"/v1/documents/{document_id}/pages/9.png", "archivist").status_code == 404


def test_a_persons_documents(world):
    passport, birth = ids(world)
    listed = world.call("GET", "/v1/persons/P-2001/documents", "archivist").json()
    assert [d["document_id"] for d in listed] == [passport] and "text" not in listed[0]
    assert [d["document_id"] for d in world.call("GET", "/v1/persons/P-2002/documents", "archivist").json()] == [birth]
    assert world.call("GET", "/v1/persons/P-9999/documents", "renewal_service").json() == []


def test_freshness_answers_in_designs_shape(world):
    passport, _ = ids(world)
    answer = world.call(
        "GET",
        "/v1/persons/P-2001/freshness",
        "renewal_service",
        params={"service": "residency_renewal.self", "as_of": "2026-12-01"},
    ).json()
    assert set(answer) == {"person_id", "service", "as_of", "rules_version", "requirements"}
    assert (answer["person_id"], answer["service"], answer["as_of"]) == (
        "P-2001",
        "residency_renewal.self",
        "2026-12-01",
    )
    by_type = {r["requirement"]: r for r in answer["requirements"]}
    assert by_type["passport"]["document_id"] == passport
    assert by_type["passport"]["decision"] in ("reuse", "upload", "pending")
    contract = by_type["employment_contract"]
    assert (contract["decision"], contract["document_id"]) == ("upload", None)
    assert contract["reasons"][0]["code"] == "missing" and contract["reasons"][0]["ar"] and contract["reasons"][0]["en"]


def test_freshness_for_a_person_with_nothing_on_file_asks_for_everything(world):
    answer = world.call(
        "GET", "/v1/persons/P-0000/freshness", "renewal_service", params={"service": "visit_permit.parent"}
    ).json()
    assert answer["requirements"] and all(r["decision"] == "upload" for r in answer["requirements"])


def test_search_in_english_and_arabic_with_filters_and_highlights(world):
    passport, birth = ids(world)
    page = world.call("GET", "/v1/search", "archivist", params={"q": "passport", "type": "passport"}).json()
    assert [h["document_id"] for h in page["hits"]] == [passport]
    arabic = world.call("GET", "/v1/search", "archivist", params={"q": "شهادة ميلاد"}).json()
    assert birth in [h["document_id"] for h in arabic["hits"]]
    assert any("<mark>" in f for h in arabic["hits"] for f in h["highlights"])
    none = world.call("GET", "/v1/search", "archivist", params={"q": "passport", "type": "employment_contract"}).json()
    assert none["total"] == 0


def test_search_pages_with_a_cursor(world):
    first = world.call("GET", "/v1/search", "archivist", params={"size": 1}).json()
    assert first["total"] >= 2 and len(first["hits"]) == 1 and first["next_cursor"]
    second = world.call("GET", "/v1/search", "archivist", params={"size": 1, "cursor": first["next_cursor"]}).json()
    assert second["hits"] and second["hits"][0]["document_id"] != first["hits"][0]["document_id"]
    # not JSON; wrong shape; not base64url; an infinite score
    for forged in ("bm90LWpzb24=", "WyJhIiwgMV0=", "!!", "WzFlNDAwLCAiYSJd"):
        assert world.call("GET", "/v1/search", "archivist", params={"cursor": forged}).status_code == 422


def test_a_search_index_outage_is_a_503_with_a_reason(world):
    from fastapi.testclient import TestClient

    from archive_api.app import create_app

    dead = settings_with(
        data_dir=world.settings.data_dir,
        blob_backend="s3",
        s3_bucket=world.settings.s3_bucket,
        opensearch_url="http://127.0.0.1:9",
    )
    client = TestClient(create_app(dead))
    response = client.get(
        "/v1/persons/P-2001/freshness",
        params={"service": "residency_renewal.self"},
        headers={"X-API-Key": world.keys["renewal_service"]},
    )
    assert (
        response.status_code == 503 and response.json()["detail"] == "the search index is unavailable; try again later"
    )
