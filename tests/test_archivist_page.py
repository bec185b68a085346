"""The archivist's page in real headless Chromium: search in English and Arabic, open a document,
see its fields, checks, preview and audit trail. Screenshots go to test-artifacts/."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import expect, sync_playwright

from archive_api.app import create_app
from archive_api.auth import KeyStore
from pipeline.blobstore import open_blobstore
from pipeline.inbox import Inbox, Manifest
from pipeline.processing import Pipeline
from pipeline.search import SearchIndex
from pipeline.search.client import open_search_client
from pipeline.settings import settings_with
from tests.fixtures.documents import make_document

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def site(tmp_path_factory, live_settings, opensearch):
    tmp = tmp_path_factory.mktemp("page")
    prefix = f"test-{uuid.uuid4().hex[:10]}"
    settings = settings_with(data_dir=tmp, index_prefix=prefix)
    store = open_blobstore(settings)
    inbox = Inbox(store)
    ids = []
    for name, doc_type in (("passport", "passport"), ("birth", "birth_certificate")):
        truth = make_document(tmp, name, doc_type, seed=77, fmt="png")
        ids.append(inbox.put(tmp / truth.file, Manifest(person_id="P-3001", declared_type=doc_type)))
    Pipeline(settings, store, open_index=lambda: SearchIndex(open_search_client(settings), settings)).run_all(ids)
    key = KeyStore(store).create("archivist", "page test")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield {"url": f"http://127.0.0.1:{port}/archivist", "key": key}
    server.should_exit = True
    thread.join(timeout=10)
    opensearch.indices.delete(index=f"{prefix}-*", ignore_unavailable=True)


@pytest.fixture(scope="module")
def page(site):
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 1400})
        page.goto(site["url"])
        page.fill("#key", site["key"])
        yield page
        browser.close()


def test_search_in_english_then_open_a_document_with_checks_preview_and_audit(page):
    page.fill("#q", "passport")
    page.select_option("#type", "passport")
    page.click("button[type=submit]")
    expect(page.locator("#message")).to_contain_text("1 documents found")
    expect(page.locator("#results li mark").first).to_be_visible()
    page.locator("#results li").first.click()
    expect(page.locator("#doc-title")).to_contain_text("Passport")
    expect(page.locator("#fields")).to_contain_text("document_number")
    expect(page.locator("#checks")).to_contain_text("mrz_check_digits")
    expect(page.locator("#audit")).to_contain_text("read_record")
    page.wait_for_function("document.getElementById('preview').naturalWidth > 100")
    page.screenshot(path=str(ARTIFACTS / "archivist-english.png"), full_page=True)


def test_search_in_arabic_with_the_page_right_to_left(page):
    page.click("#lang")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    expect(page.locator("button[type=submit]")).to_have_text("بحث")
    page.select_option("#type", "")
    page.fill("#q", "شهادة ميلاد")
    page.click("button[type=submit]")
    expect(page.locator("#results li").first).to_contain_text("شهادة ميلاد")
    page.locator("#results li").first.click()
    expect(page.locator("#fields")).to_contain_text("child_name")
    arabic_cell = page.locator("#fields td[dir=auto]", has_text="ال").first
    assert arabic_cell.evaluate("el => getComputedStyle(el).direction") == "rtl"
    page.wait_for_function("document.getElementById('preview').naturalWidth > 100")
    page.screenshot(path=str(ARTIFACTS / "archivist-arabic.png"), full_page=True)


def test_a_wrong_key_shows_the_refusal(page):
    page.fill("#key", "wq_nope_nope")
    page.click("button[type=submit]")
    expect(page.locator("#message")).to_contain_text("401")
