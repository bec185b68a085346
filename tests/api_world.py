"""Building an archive for the API tests: documents uploaded through the API, run through the real pipeline
(real Tesseract, real OpenSearch, the chosen blob store), and a key for every role."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from pathlib import Path

from fastapi.testclient import TestClient

from archive_api.app import create_app
from archive_api.auth import KeyStore
from archive_api.roles import ROLES
from pipeline.blobstore import BlobStore, open_blobstore
from pipeline.processing import Pipeline
from pipeline.search import SearchIndex
from pipeline.search.client import open_search_client
from pipeline.settings import Settings
from tests.fixtures.documents import make_document


@dataclass
class World:
    settings: Settings
    client: TestClient
    store: BlobStore
    keys: dict[str, str]
    files: dict[str, Path] = field(default_factory=dict)  # upload id -> the file uploaded

    def call(self, method: str, path: str, role: str | None, **kwargs):
        headers = {"X-API-Key": self.keys[role]} if role else {}
        return self.client.request(method, path, headers=headers | kwargs.pop("headers", {}), **kwargs)

    def upload(self, path: Path, person_id: str, declared_type: str, role: str = "uploader", **form: str):
        return self.call(
            "POST",
            "/v1/uploads",
            role,
            data={"person_id": person_id, "declared_type": declared_type, **form},
            files={
                "file": (path.name, path.read_bytes(), mimetypes.guess_type(path.name)[0] or "application/octet-stream")
            },
        )

    def process(self, upload_ids: list[str]) -> None:
        index = SearchIndex(open_search_client(self.settings), self.settings)
        Pipeline(self.settings, self.store, open_index=lambda: index).run_all(upload_ids)

    def document_id(self, upload_id: str) -> str:
        return self.call("GET", f"/v1/uploads/{upload_id}", "admin").json()["document_id"]


def build_world(settings: Settings, tmp: Path, documents: list[tuple[str, str, str, str]]) -> World:
    """`documents` are (name, doc_type, person_id, format): generated, uploaded through the API as the
    uploader, processed; the app's client and a key per role are returned with them."""
    store = open_blobstore(settings)
    world = World(settings, TestClient(create_app(settings)), store, {r: KeyStore(store).create(r, r) for r in ROLES})
    for name, doc_type, person_id, fmt in documents:
        path = tmp / make_document(tmp, name, doc_type, seed=77, fmt=fmt).file
        response = world.upload(path, person_id, doc_type)
        assert response.status_code == 202, response.text
        world.files[response.json()["upload_id"]] = path
    world.process(list(world.files))
    return world
