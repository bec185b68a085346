"""Property-based fuzzing of the published OpenAPI schema (schemathesis): no input makes a server error.

schemathesis collects operations from the schema at import time, so the app is built here (on a
throwaway data folder and index prefix; fuzzing never creates an index) rather than in a fixture.
"""

from __future__ import annotations

import tempfile
import uuid

import schemathesis
from hypothesis import HealthCheck, settings

from archive_api.app import create_app
from archive_api.auth import KeyStore
from pipeline.blobstore import open_blobstore
from pipeline.settings import settings_with

APP_SETTINGS = settings_with(
    data_dir=tempfile.mkdtemp(prefix="wathiqa-fuzz-"), index_prefix=f"fuzz-{uuid.uuid4().hex[:8]}"
)
APP = create_app(APP_SETTINGS)
ADMIN_KEY = KeyStore(open_blobstore(APP_SETTINGS)).create("admin", "fuzz")
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_causes_a_server_error(case, live_settings):
    response = case.call(headers={"X-API-Key": ADMIN_KEY})
    assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:300])
    assert response.headers.get("x-content-type-options") == ["nosniff"]
