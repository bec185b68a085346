"""Lines the page read skips are found in the ink no word covers, read, and put back in reading order."""

from __future__ import annotations

import numpy as np
from PIL import Image

from pipeline.ocr import coverage, engine
from pipeline.ocr.document import RereadBudget, read_skipped_lines
from tests.fixtures.pages import ARABIC_LINES, ENGLISH_LINES, text_page

PAGE = (2480, 1500)
LINES = [ARABIC_LINES[0], ARABIC_LINES[1], ARABIC_LINES[3], ENGLISH_LINES[1]]


def _page_read() -> tuple[Image.Image, engine.Reading]:
    image = text_page(LINES, size=PAGE)
    reading = engine.read(image, "ara+eng", engine.PSM_AUTO)
    assert [line.text for line in reading.lines] == LINES  # the page as Tesseract reads it whole
    return image, reading


def test_ink_outside_every_read_word_is_found_as_one_region_per_line():
    image, reading = _page_read()
    kept = [reading.lines[0], reading.lines[2], reading.lines[3]]  # as if layout analysis dropped line 2
    regions = coverage.unread_regions(image, [w.box for line in kept for w in line.words], 64 * 1.3)
    (left, top, right, bottom), = regions
    left_, top_, width, height = reading.lines[1].box
    assert left <= left_ and top <= top_ and right >= left_ + width and bottom >= top_ + height
    assert bottom - top < 2 * height  # the skipped line alone, not its neighbours


def test_a_fully_read_page_and_scanner_specks_leave_nothing_to_read():
    image, reading = _page_read()
    boxes = [w.box for w in reading.words]
    assert coverage.unread_regions(image, boxes, 64 * 1.3) == []
    specked = np.asarray(image).copy()
    rng = np.random.default_rng(1)
    ys, xs = rng.integers(0, PAGE[1], 400), rng.integers(0, PAGE[0], 400)
    specked[ys, xs] = 0
    assert coverage.unread_regions(Image.fromarray(specked), boxes, 64 * 1.3) == []


def test_a_skipped_line_is_read_and_put_back_after_the_line_above_it_in_its_column():
    image, reading = _page_read()
    dropped = engine.Reading([reading.lines[0], reading.lines[2], reading.lines[3]])
    restored = read_skipped_lines(image, dropped, "ara+eng", RereadBudget(6))
    assert [line.text for line in restored.lines] == LINES
