"""Tesseract is not told a wrong resolution: it estimates the page's from its text."""

from PIL import Image

from pipeline.ocr import engine, fold_for_matching
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
