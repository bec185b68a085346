"""Property-based fuzzing of the published OpenAPI schema (schemathesis, bounded examples) against the real
services and an archive holding a processed document: no input makes a server error and every answer
carries the security headers.

schemathesis collects operations when this module is imported, so the schema is read here from an app that
is only built, never called (building touches no service); requests go to the fixture's app.
"""

from __future__ import annotations

import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from archive_api.app import create_app
from pipeline.settings import get_settings, settings_with
from tests.api_world import build_world

schema = schemathesis.openapi.from_dict(create_app(get_settings()).openapi())


@pytest.fixture(scope="module")
def world(tmp_path_factory, live_settings, opensearch):
    tmp = tmp_path_factory.mktemp("fuzz")
    prefix = f"fuzz-{uuid.uuid4().hex[:8]}"
    yield build_world(
        settings_with(data_dir=tmp, index_prefix=prefix), tmp, [("passport", "passport", "P-6001", "png")]
    )
    opensearch.indices.delete(index=f"{prefix}-*", ignore_unavailable=True)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_causes_a_server_error(case, world):
    for role in ("admin", None):
        headers = {"X-API-Key": world.keys[role]} if role else {}
        request = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
        cookies = request.pop("cookies", None) or {}
        if cookies:  # per-request cookies are deprecated in the test client: send them as a header
            request["headers"]["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        response = world.client.request(**request)
        assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:300])
        assert response.headers["x-content-type-options"] == "nosniff"
        if role is None and case.path not in ("/healthz", "/readyz"):
            assert response.status_code >= 400, (case.path, response.status_code)  # nothing succeeds keyless
