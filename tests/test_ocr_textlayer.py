"""Born-digital PDFs: the text layer is used, and Arabic comes out in logical order."""

from pathlib import Path

from pipeline.ocr import read_document
from pipeline.ocr.textlayer import is_visual_order, page_layer, visual_to_logical
from pipeline.settings import settings_with
from tests.fixtures.pages import ARABIC_LINES, arabic_pdf


def test_visual_order_is_detected_from_arabic_spelling():
    logical = "شهادة الميلاد للطفلة فاطمة"
    assert not is_visual_order(logical)
    assert is_visual_order(logical[::-1])


def test_visual_line_is_turned_to_logical_keeping_numbers_and_latin_runs():
    assert visual_to_logical("ةداهش 12345 مقر") == "رقم 12345 شهادة"
    assert visual_to_logical("A1234567 زاوج مقر") == "رقم جواز A1234567"
    assert visual_to_logical("(ىلوأ) ةخسن") == "نسخة (أولى)"


def test_broken_layer_is_not_usable():
    assert not page_layer("(cid:3)(cid:4)(cid:5)(cid:6) ab").usable
    assert not page_layer("short").usable


def test_born_digital_arabic_pdf_reads_in_logical_order_with_ascii_digits(tmp_path: Path):
    pdf = arabic_pdf(tmp_path / "birth.pdf", ARABIC_LINES)
    result = read_document(pdf, "application/pdf", "a" * 64, settings_with(data_dir=tmp_path / "data"))
    page = result.pages[0]
    assert page.source == "text_layer"
    assert result.engine == "pdfplumber"
    assert page.text.splitlines()[:2] == ["شهادة ميلاد", "اسم المولود: فاطمة أحمد الكندري"]
    assert "15/03/2019" in page.text  # written as ١٥/٠٣/٢٠١٩
    assert "الكندري" in page.text.splitlines()[3]
