"""A scanned PDF page that is one plain JPEG at the asked resolution is decoded, not rendered; any page
the shortcut could get wrong is rendered by pdfium as before."""

from pathlib import Path

import numpy as np
import pikepdf
import pypdfium2

from pipeline.ocr.images import POINTS_PER_INCH, render_pdf_page
from tests.fixtures.pages import ENGLISH_LINES, scanned_pdf, text_page

LIMIT = 10**9


def _rendered(path: Path, dpi: int) -> np.ndarray:
    with pypdfium2.PdfDocument(str(path)) as pdf:
        image = pdf[0].render(scale=dpi / POINTS_PER_INCH, grayscale=True).to_pil().convert("L")
    return np.asarray(image, dtype=np.int16)


def test_scanned_page_at_its_own_resolution_is_its_image(tmp_path: Path):
    page = text_page(ENGLISH_LINES, size=(1240, 1754), font_px=40)
    pdf = scanned_pdf(tmp_path / "scan.pdf", [page], dpi=150)
    image = render_pdf_page(pdf, 0, 150, LIMIT)
    assert image.mode == "L" and image.size == page.size  # the JPEG's own pixels, not resampled
    rendered = _rendered(pdf, 150)
    height, width = min(rendered.shape[0], image.height), min(rendered.shape[1], image.width)
    assert np.abs(np.asarray(image, dtype=np.int16)[:height, :width] - rendered[:height, :width]).mean() < 3


def test_other_resolution_is_rendered(tmp_path: Path):
    pdf = scanned_pdf(tmp_path / "scan.pdf", [text_page(ENGLISH_LINES, size=(1240, 1754), font_px=40)], dpi=150)
    width, height = render_pdf_page(pdf, 0, 300, LIMIT).size
    assert abs(width - 2480) <= 1 and abs(height - 3508) <= 1


def test_image_drawn_inverted_is_rendered(tmp_path: Path):
    pdf = scanned_pdf(tmp_path / "scan.pdf", [text_page(ENGLISH_LINES, size=(1240, 1754), font_px=40)], dpi=150)
    with pikepdf.open(pdf, allow_overwriting_input=True) as doc:
        (image,) = doc.pages[0].obj.Resources.XObject.values()
        image.Decode = pikepdf.Array([1, 0, 1, 0, 1, 0])  # drawn as a negative
        doc.save(pdf)
    image = np.asarray(render_pdf_page(pdf, 0, 150, LIMIT), dtype=np.int16)
    assert image.mean() < 128  # white paper drawn black: pdfium's rendering, not the JPEG's pixels
    assert np.abs(image - _rendered(pdf, 150)).mean() < 1


def test_page_with_an_annotation_is_rendered(tmp_path: Path):
    pdf = scanned_pdf(tmp_path / "scan.pdf", [text_page(ENGLISH_LINES, size=(1240, 1754), font_px=40)], dpi=150)
    with pikepdf.open(pdf, allow_overwriting_input=True) as doc:
        stamp = doc.make_stream(b"0 g 0 0 200 100 re f")
        stamp.BBox, stamp.Type, stamp.Subtype = [0, 0, 200, 100], pikepdf.Name.XObject, pikepdf.Name.Form
        doc.pages[0].Annots = doc.make_indirect(pikepdf.Array([doc.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Stamp, Rect=[0, 0, 200, 100],
            AP=pikepdf.Dictionary(N=stamp)))]))
        doc.save(pdf)
    image = np.asarray(render_pdf_page(pdf, 0, 150, LIMIT), dtype=np.int16)
    assert image[-100:, :200].mean() < 64  # the stamp, drawn over the bottom-left corner
