"""The archivist's page in real headless Chromium (Debian's /usr/bin/chromium through Playwright): sign in,
search in English and Arabic, open a document, see its fields, checks, page preview and audit trail, in
either language. Screenshots go to test-artifacts/."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import expect, sync_playwright

from pipeline.settings import settings_with
from tests.api_world import build_world

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory, live_settings, opensearch):
    tmp = tmp_path_factory.mktemp("page")
    prefix = f"test-{uuid.uuid4().hex[:10]}"
    world = build_world(
        settings_with(data_dir=tmp, index_prefix=prefix),
        tmp,
        [("passport", "passport", "P-3001", "png"), ("birth", "birth_certificate", "P-3002", "pdf")],
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(world.client.app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield {"url": f"http://127.0.0.1:{port}/archivist", "world": world}
    server.should_exit = True
    thread.join(timeout=10)
    opensearch.indices.delete(index=f"{prefix}-*", ignore_unavailable=True)


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, site):
    context = browser.new_context(viewport={"width": 1200, "height": 1400})
    page = context.new_page()
    page.goto(site["url"])
    page.fill("#key", site["world"].keys["archivist"])
    page.click("#login button[type=submit]")
    expect(page.locator("#q")).to_be_visible()
    yield page
    context.close()


def wait_for_previews(page) -> None:
    # A function, not an expression: Playwright polls an expression with eval(), which the page's
    # Content-Security-Policy (script-src 'self') forbids whenever the first check is not yet true.
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.page')].every(i => i.complete && i.naturalWidth > 100)")


def test_search_in_english_then_open_a_document_with_fields_checks_preview_and_audit(page):
    page.fill("#q", "passport")
    page.select_option("#type", "passport")  # a filter change re-runs the search by itself
    expect(page.locator("#message")).to_contain_text("1 documents found")
    expect(page.locator("#results li mark").first).to_be_visible()
    page.locator("#results li a").first.click()
    expect(page.locator("#doc-title")).to_contain_text("Passport")
    expect(page.locator("#fields")).to_contain_text("document number")
    expect(page.locator("#checks")).to_contain_text("mrz_check_digits")
    expect(page.locator("#audit")).to_contain_text("read_record")
    wait_for_previews(page)
    page.screenshot(path=str(ARTIFACTS / "archivist-english.png"), full_page=True)


def test_search_in_arabic_with_the_page_right_to_left(page):
    page.click("#lang")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    expect(page.locator("#search-form button[type=submit]")).to_have_text("بحث")
    page.fill("#q", "شهادة ميلاد")
    page.press("#q", "Enter")
    expect(page.locator("#results li").first).to_contain_text("شهادة ميلاد")
    assert page.evaluate("document.documentElement.dir") == "rtl"  # the language stays with the search
    page.locator("#results li a").first.click()
    expect(page.locator("#fields")).to_contain_text("اسم المولود")
    arabic_value = page.locator("#fields td[dir=auto]", has_text="ال").first
    assert arabic_value.evaluate("el => getComputedStyle(el).direction") == "rtl"
    number_cell = page.locator("#checks td[dir=ltr]").first
    assert number_cell.evaluate("el => getComputedStyle(el).direction") == "ltr"
    wait_for_previews(page)
    page.screenshot(path=str(ARTIFACTS / "archivist-arabic.png"), full_page=True)
    page.click("#lang")
    assert page.evaluate("document.documentElement.dir") == "ltr"
    expect(page.locator("#fields")).to_contain_text("child name")


def test_the_key_lives_in_an_http_only_cookie_the_page_cannot_read(page):
    assert "wq_" not in page.evaluate("document.cookie")
    cookie = next(c for c in page.context.cookies() if c["name"] == "wathiqa_key")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/archivist"


def test_a_wrong_key_or_role_is_refused_on_the_sign_in_page(browser, site):
    page = browser.new_page()
    page.goto(site["url"])
    page.fill("#key", "wq_nope_nope")
    page.click("#login button[type=submit]")
    expect(page.locator("#message")).to_contain_text("not valid")
    page.fill("#key", site["world"].keys["renewal_service"])
    page.click("#login button[type=submit]")
    expect(page.locator("#message")).to_contain_text("role may not")
    assert page.request.get(site["url"].replace("/archivist", "/archivist/documents/x/pages/1.png")).status in (
        401,
        422,
    )
    page.close()


def test_signing_out_ends_access(page, site):
    page.click("#logout")
    expect(page.locator("#key")).to_be_visible()
    response = page.request.get(f"{site['url']}?q=passport")
    assert "passport" not in response.text().lower().split("<main>")[1]


def test_highlights_keep_only_their_mark_tags():
    from archive_api.page import highlighted

    fragment = "&lt;b&gt; <script>alert(1)</script> <mark>AL-HARBI</mark> <img src=x onerror=alert(1)>"
    shown = str(highlighted(fragment))
    assert "<mark>AL-HARBI</mark>" in shown
    assert "<script>" not in shown and "<img" not in shown and "&lt;b&gt;" in shown
