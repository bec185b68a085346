"""The text layer is read without pdfplumber's full per-object parse, yet gives exactly its text."""

from pathlib import Path

import pdfplumber

from pipeline.ocr.textlayer import page_layer, read_layers
from tests.fixtures.pages import ARABIC_LINES, ENGLISH_LINES, arabic_pdf, scanned_pdf, text_page


def test_layer_text_is_pdfplumbers_own(tmp_path: Path):
    pdf = arabic_pdf(tmp_path / "mixed.pdf", (ARABIC_LINES + ENGLISH_LINES) * 2)
    with pdfplumber.open(pdf) as plumbed:
        expected = [page_layer(page.extract_text() or "") for page in plumbed.pages]
    assert read_layers(pdf) == expected
    assert expected[0].usable


def test_page_without_layer_is_unusable(tmp_path: Path):
    pdf = scanned_pdf(tmp_path / "scan.pdf", [text_page(ENGLISH_LINES)])
    assert read_layers(pdf) == [page_layer("")]
