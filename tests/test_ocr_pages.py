"""Scanned pages and photos through real Tesseract: reading order, orientation, skew, size, MRZ, limits."""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image

from pipeline.models import TextResult
from pipeline.ocr import OcrError, read_document
from pipeline.ocr.preprocess import line_height, skew_angle
from pipeline.settings import Settings, settings_with
from tests.fixtures.pages import (
    ARABIC_LINES,
    ENGLISH_LINES,
    SPECIMEN_MRZ,
    bomb_png,
    passport_page,
    phone_photo,
    rotated,
    save_png,
    scanned_pdf,
    security_printed,
    shrunk,
    text_page,
)
from tests.processes import tesseract_children

PAGE = (2480, 1300)  # a short page keeps each OCR run under a second


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_with(data_dir=tmp_path / "data", ocr_workers=2)


def _read(path: Path, settings: Settings, mime: str = "image/png") -> TextResult:
    return read_document(path, mime, hashlib.sha256(path.read_bytes()).hexdigest(), settings)


def _mixed_page() -> Image.Image:
    return text_page(ARABIC_LINES[:2] + ARABIC_LINES[3:] + ENGLISH_LINES[:3], size=PAGE)


def _assert_reads_mixed_page(text: str) -> None:
    lines = text.splitlines()
    # Arabic in logical order (first word first), English intact, lines top to bottom.
    assert lines[0].endswith(" ميلاد")  # "شهادة ميلاد": the first word read first
    assert "اسم المولود: فاطمة أحمد الكندري" in lines
    assert "اسم الأب: أحمد علي الكندري" in lines
    assert "Employer: Gulf Trading Company" in lines
    assert lines.index("اسم المولود: فاطمة أحمد الكندري") < lines.index("Employer: Gulf Trading Company")


def test_arabic_and_english_page_reads_in_logical_order(tmp_path: Path, settings: Settings):
    result = _read(save_png(_mixed_page(), tmp_path / "page.png"), settings)
    page = result.pages[0]
    _assert_reads_mixed_page(page.text)
    assert page.source == "ocr" and page.rotation == 0
    assert page.mean_confidence > 80
    assert result.engine.startswith("tesseract 5") and result.engine.endswith("ara+eng")
    word = next(w for w in page.words if w.text == "Gulf")
    assert word.confidence > 80 and word.box[2] > 0 and word.box[3] > 0


@pytest.mark.parametrize("degrees", [90, 180])
def test_sideways_and_upside_down_pages_are_turned_upright(tmp_path: Path, settings: Settings, degrees: int):
    result = _read(save_png(rotated(_mixed_page(), degrees), tmp_path / "turned.png"), settings)
    _assert_reads_mixed_page(result.pages[0].text)
    assert result.pages[0].rotation == degrees


def test_skewed_scan_is_straightened(tmp_path: Path, settings: Settings):
    skewed = rotated(_mixed_page(), 4)
    assert skew_angle(skewed) == pytest.approx(4, abs=0.3)
    _assert_reads_mixed_page(_read(save_png(skewed, tmp_path / "skewed.png"), settings).pages[0].text)


def test_small_low_resolution_image_is_upscaled_and_read(tmp_path: Path, settings: Settings):
    small = shrunk(text_page(ENGLISH_LINES, size=PAGE), 0.3)  # ~90 DPI, text lines ~20 px tall
    text = _read(save_png(small, tmp_path / "small.png", dpi=90), settings).pages[0].text
    assert "Employer: Gulf Trading Company" in text
    assert "Monthly salary: 450 KWD" in text


def test_phone_photo_with_a_shadow_and_noise_is_read(tmp_path: Path, settings: Settings):
    photo = phone_photo(_mixed_page(), tmp_path / "photo.jpg", seed=3)
    _assert_reads_mixed_page(_read(photo, settings, "image/jpeg").pages[0].text)


def test_ascii_digits_in_an_arabic_line_are_read(tmp_path: Path, settings: Settings):
    page = text_page(["رقم الشهادة 456789"], size=(2480, 400))
    assert "رقم الشهادة 456789" in _read(save_png(page, tmp_path / "digits.png"), settings).pages[0].text


def test_mrz_is_read_from_a_passport_like_page(tmp_path: Path, settings: Settings):
    page = _read(save_png(passport_page(), tmp_path / "passport.png"), settings).pages[0]
    assert page.mrz is not None and len(page.mrz) == 2
    for read, truth in zip(page.mrz, SPECIMEN_MRZ, strict=True):
        assert len(read) == 44
        # At most the OCR-B look-alike slips (O/0) that the extraction step repairs by position.
        assert sum(a != b for a, b in zip(read, truth, strict=True)) <= 2, read
    assert page.mrz[1].startswith("L898902C3")


def test_the_mrz_of_a_small_photo_of_a_page_on_security_paper_is_read(tmp_path: Path, settings: Settings):
    # A wave pattern over the whole page and a stamp across the zone (like the Qatari specimen): the
    # pattern hid the text lines' height, so the photo was not enlarged; the page read then skipped the
    # zone, and the stamp broke its characters.
    photo = shrunk(security_printed(passport_page()), 0.3)
    assert line_height(photo) < 20
    page = _read(save_png(photo, tmp_path / "specimen.png"), settings).pages[0]
    assert page.mrz is not None and page.mrz[1].startswith("L898902C3")


def test_scanned_pdf_pages_are_read_in_parallel_and_kept_in_order(tmp_path: Path, settings: Settings):
    pdf = scanned_pdf(tmp_path / "scan.pdf", [text_page(ARABIC_LINES[:2], size=PAGE),
                                              text_page(ENGLISH_LINES, size=PAGE)])
    result = _read(pdf, settings, "application/pdf")
    assert [p.number for p in result.pages] == [1, 2]
    assert all(p.source == "ocr" for p in result.pages)
    assert "فاطمة أحمد الكندري" in result.pages[0].text
    assert "Gulf Trading Company" in result.pages[1].text


def test_second_read_of_the_same_bytes_is_a_cache_hit(tmp_path: Path, settings: Settings, monkeypatch):
    path = save_png(text_page(ENGLISH_LINES, size=PAGE), tmp_path / "page.png")
    first = _read(path, settings)

    def no_ocr(job):
        raise AssertionError("OCR ran although the result was cached")

    monkeypatch.setattr("pipeline.ocr.document.ocr_page", no_ocr)
    assert _read(path, settings) == first


def test_corrupt_cache_entry_is_ignored_and_rewritten(tmp_path: Path, settings: Settings):
    path = save_png(text_page(ENGLISH_LINES[:2], size=PAGE), tmp_path / "page.png")
    first = _read(path, settings)
    (entry,) = settings.path("cache", "ocr").rglob("*.json")
    entry.write_text('{"sha256": "trunc', encoding="utf-8")
    assert _read(path, settings).text == first.text
    assert TextResult.from_dict(json.loads(entry.read_text(encoding="utf-8"))).text == first.text


def test_decompression_bomb_is_refused_with_a_clear_reason(tmp_path: Path, settings: Settings):
    bomb = bomb_png(tmp_path / "bomb.png")
    assert bomb.stat().st_size < 100_000
    with pytest.raises(OcrError, match=r"12000x12000 pixels, over the limit of 80000000 pixels"):
        _read(bomb, settings)


def test_corrupt_truncated_and_unsupported_files_are_refused_in_one_line(tmp_path: Path, settings: Settings):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    with pytest.raises(OcrError, match="image cannot be decoded"):
        _read(broken, settings)
    with pytest.raises(OcrError, match="only PDF and images"):
        _read(broken, settings, "application/zip")
    truncated = tmp_path / "truncated.png"
    whole = save_png(text_page(ENGLISH_LINES[:1], size=(800, 300)), tmp_path / "whole.png").read_bytes()
    truncated.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(OcrError, match="truncated"):
        _read(truncated, settings)
    bad_pdf = tmp_path / "bad.pdf"
    bad_pdf.write_bytes(b"%PDF-1.4\n1 0 obj garbage\n")
    with pytest.raises(OcrError, match="PDF cannot be opened"):
        _read(bad_pdf, settings, "application/pdf")


def test_a_page_that_outlasts_its_time_budget_fails_with_a_reason_and_leaves_no_tesseract(tmp_path: Path):
    # Less than one Tesseract start-up (this page takes ~0.3 s): the engine is stopped, not waited for.
    settings = settings_with(data_dir=tmp_path / "data", ocr_workers=1, ocr_page_timeout_seconds=0.05)
    path = save_png(_mixed_page(), tmp_path / "page.png")
    before = tesseract_children()
    # In a thread of its own, whose Tesseract starts inside the budget (each thread has its own).
    with ThreadPoolExecutor(1) as pool, pytest.raises(
            OcrError, match=r"^page 1: OCR took longer than the 0.05 s allowed for a page$"):
        pool.submit(_read, path, settings).result()
    assert not list(settings.path("cache", "ocr").rglob("*.json"))  # a failure is not cached
    assert tesseract_children() <= before
