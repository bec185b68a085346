"""Who may do what: every route for every role, allowed and refused; keys stored hashed; rate limits; CORS."""

from __future__ import annotations

import time
import uuid

import pytest
from fastapi.testclient import TestClient

from archive_api.app import create_app
from archive_api.auth import KeyStore
from archive_api.roles import ROLES
from pipeline.blobstore import open_blobstore
from pipeline.settings import settings_with
from tests.api_world import build_world


@pytest.fixture(scope="module")
def world(tmp_path_factory, live_settings, opensearch):
    tmp = tmp_path_factory.mktemp("auth")
    prefix = f"test-{uuid.uuid4().hex[:10]}"
    yield build_world(
        settings_with(data_dir=tmp, index_prefix=prefix), tmp, [("passport", "passport", "P-4001", "png")]
    )
    opensearch.indices.delete(index=f"{prefix}-*", ignore_unavailable=True)


def soon(client: TestClient, path: str, key: str) -> int:
    """The status once a key made elsewhere has reached the server (keys reload within a second)."""
    deadline = time.monotonic() + 3
    while (code := client.get(path, headers={"X-API-Key": key}).status_code) == 401 and time.monotonic() < deadline:
        time.sleep(0.1)
    return code


READS = [
    ("/v1/documents/{doc}", {"renewal_service", "archivist", "admin"}),
    ("/v1/documents/{doc}/original", {"archivist", "admin"}),
    ("/v1/documents/{doc}/pages/1.png", {"archivist", "admin"}),
    ("/v1/persons/P-4001/documents", {"renewal_service", "archivist", "admin"}),
    ("/v1/persons/P-4001/freshness?service=residency_renewal.self", {"renewal_service", "archivist", "admin"}),
    ("/v1/search?q=passport", {"archivist", "admin"}),
    ("/v1/audit", {"archivist", "admin"}),
    ("/v1/uploads/{upload}", {"uploader", "archivist", "admin"}),
]


@pytest.mark.parametrize(("path", "allowed"), READS)
def test_every_read_admits_its_roles_and_refuses_the_rest(world, path, allowed):
    upload_id = next(iter(world.files))
    path = path.format(doc=world.document_id(upload_id), upload=upload_id)
    assert world.call("GET", path, None).status_code == 401
    assert world.client.get(path, headers={"X-API-Key": "wq_000000000000_forged"}).status_code == 401
    key_id = world.keys["archivist"].split("_")[1]
    assert world.client.get(path, headers={"X-API-Key": f"wq_{key_id}_wrong-secret"}).status_code == 401
    for role in ROLES:
        code = world.call("GET", path, role).status_code
        assert code == (200 if role in allowed else 403), (path, role, code)


def test_uploads_are_for_uploaders_and_admins(world):
    path = next(iter(world.files.values()))
    for role, expected in (("renewal_service", 403), ("archivist", 403), (None, 401), ("admin", 202)):
        assert world.upload(path, "P-4002", "passport", role=role).status_code == expected, role


def test_an_uploader_sees_only_its_own_uploads(world):
    other = KeyStore(world.store).create("uploader", "another front end")
    assert soon(world.client, f"/v1/uploads/{next(iter(world.files))}", other) == 404


def test_the_api_takes_keys_from_the_header_only(world):
    """The page's cookie opens the page, not the API (no ambient authority for cross-site requests)."""
    response = world.client.get("/v1/audit", headers={"Cookie": f"wathiqa_key={world.keys['archivist']}"})
    assert response.status_code == 401


def test_keys_are_stored_hashed_and_shown_once(world):
    stored = world.store.get_bytes("api/keys.json").decode()
    for key in world.keys.values():
        secret = key.split("_", 2)[2]
        assert len(secret) >= 40 and secret not in stored


def test_a_key_made_by_another_process_is_accepted_without_a_restart(world):
    fresh = KeyStore(open_blobstore(world.settings)).create("archivist", "made elsewhere")
    assert soon(world.client, "/v1/audit", fresh) == 200


def test_a_key_flooding_the_api_is_slowed_with_429(tmp_path, live_settings):
    tight = settings_with(data_dir=tmp_path, api_rate_per_second=1, api_rate_burst=3)
    client = TestClient(create_app(tight))
    key = KeyStore(open_blobstore(tight)).create("archivist", "flood")
    other = KeyStore(open_blobstore(tight)).create("archivist", "calm")
    codes = [client.get("/v1/audit", headers={"X-API-Key": key}).status_code for _ in range(6)]
    assert codes[:3] == [200, 200, 200] and 429 in codes[3:]
    assert soon(client, "/v1/audit", other) == 200  # limits are per key


def test_security_headers_everywhere_and_cors_closed_by_default(world):
    for path in ("/healthz", "/v1/audit", "/archivist"):
        response = world.client.get(path, headers={"Origin": "https://evil.example"})
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "access-control-allow-origin" not in response.headers
    preflight = world.client.options(
        "/v1/search", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    )
    assert "access-control-allow-origin" not in preflight.headers


def test_cors_opens_only_to_named_origins(tmp_path, live_settings):
    client = TestClient(create_app(settings_with(data_dir=tmp_path, api_cors_origins=["https://renewal.example"])))
    allowed = client.get("/healthz", headers={"Origin": "https://renewal.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://renewal.example"
    assert (
        "access-control-allow-origin" not in client.get("/healthz", headers={"Origin": "https://evil.example"}).headers
    )
