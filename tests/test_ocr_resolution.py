"""The resolution Tesseract is told: none (it estimates it), and another when a page read cuts lines at a
column of strokes."""

from PIL import Image

from pipeline.ocr import engine, fold_for_matching
from pipeline.ocr.document import read_page, stroke_words
from tests.fixtures.documents import make_document


def test_right_aligned_arabic_lines_starting_with_alef_keep_their_first_letters(tmp_path):
    # A generated birth certificate (Noto Sans Arabic, every line right-aligned, most starting with
    # an alef). Told 96 dpi, Tesseract took the column of aligned alefs for a ruled line and cut every
    # such line in two: "اسم المولود : ..." came out as "سم |" and, elsewhere, "لمولود : ...".
    truth = make_document(tmp_path, "birth_certificate-05", "birth_certificate", seed=2027)
    assert truth.layout["arabic"] == "NotoSansArabic-Regular"
    image = Image.open(tmp_path / truth.file).convert("L")
    lines = [fold_for_matching(line).replace(" ", "") for line in engine.read(image, "ara+eng", 3).text.splitlines()]
    for label, value in (("اسم المولود", truth.fields["child_name"]), ("اسم الأب", truth.fields["father_name"])):
        assert fold_for_matching(f"{label}:{value}").replace(" ", "") in lines


def test_a_page_cut_at_a_column_of_alefs_is_read_again_told_another_resolution(tmp_path):
    # The demo's sponsor contract: left to estimate the resolution (323 dpi), Tesseract took the aligned
    # alefs for a ruled line and cut the lines ("||", "لطرف الأول"); told 300 dpi it reads them whole.
    truth = make_document(tmp_path, "sponsor-contract", "employment_contract", seed=2026)
    image = Image.open(tmp_path / truth.file).convert("L")
    first = engine.read(image, "ara+eng", engine.PSM_AUTO)
    assert stroke_words(first)  # the symptom: words that are only strokes
    page = read_page(image, "ara+eng")
    assert not stroke_words(page)
    assert any(fold_for_matching(line).startswith(fold_for_matching("الطرف الأول")) for line in page.text.splitlines())
