"""Ink the page read skipped is read again: two short lines close together come back as two lines."""

import itertools

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.models import OcrWord
from pipeline.ocr import coverage, engine, fold_for_matching, preprocess
from pipeline.ocr.document import PageJob, ocr_page
from pipeline.ocr.second_readings import TWO_LINES, RereadBudget, read_skipped_lines
from tests.fixtures.documents import make_document
from tests.fixtures.pages import AMIRI, DEJAVU, NASKH, NOTO_SANS_ARABIC

LINES = ["رقم القيد : 22463117", "اسم المولود : أحمد طارق المطيري", "النوع", "ذكر", "اسم الأب : طارق إبراهيم"]


def _form() -> Image.Image:
    """Right-aligned Arabic lines; the label "النوع" and its value "ذكر" set under it, close together."""
    image = Image.new("L", (1400, 700), 255)
    draw, font = ImageDraw.Draw(image), ImageFont.truetype(str(NASKH), 38)
    for top, text in zip((60, 160, 260, 298, 420), LINES, strict=True):
        draw.text((1340, top), text, font=font, fill=20, anchor="ra", direction="rtl")
    return image


def test_a_label_and_its_value_skipped_together_come_back_as_two_lines_in_place():
    image = _form()
    reading = engine.read(image, "ara+eng", engine.PSM_AUTO)
    kept = engine.Reading([line for line in reading.lines if not {"النوع", "ذكر"} & set(line.text.split())])
    assert len(kept.lines) == len(LINES) - 2  # as if layout analysis had dropped both
    restored = read_skipped_lines(image, kept, "ara+eng", RereadBudget(6))
    assert [_key(line.text) for line in restored.lines] == [_key(text) for text in LINES]


def _key(text: str) -> str:
    return fold_for_matching(text).replace(" ", "")


def test_the_two_lines_are_two_runs_of_skipped_ink_neither_reaching_into_the_other():
    # Each is read on its own: a margin over the other's ink read "ذكر" as "اذكر".
    image = _form()
    reading = engine.read(image, "ara+eng", engine.PSM_AUTO)
    kept = [w.box for line in reading.lines if not {"النوع", "ذكر"} & set(line.text.split()) for w in line.words]
    height = preprocess.line_height(image)
    label, value = coverage.unread_regions(image, kept, height)
    assert label[3] <= value[1]
    assert all(region[3] - region[1] < TWO_LINES * height for region in (label, value))


def test_a_line_skipped_on_a_framed_page_is_still_found():
    # A passport data page: its frame and the photo's inks every row, which must not merge the lines
    # there into one band too tall to be text.
    image = Image.new("L", (1500, 700), 255)
    draw, font = ImageDraw.Draw(image), ImageFont.truetype(str(DEJAVU), 26)
    draw.rectangle((10, 10, 1490, 690), outline=80, width=3)
    draw.rectangle((60, 40, 330, 520), fill=220, outline=80, width=3)
    labels = ["Passport No.", "W2335490", "Surname", "THOMAS", "Given names", "SAMUEL", "Sex", "F"]
    for i, text in enumerate(labels):
        draw.text((430, 50 + 60 * i), text, font=font, fill=20)
    reading = engine.read(image, "ara+eng", engine.PSM_AUTO)
    # The words read, but for "THOMAS" (as if layout analysis had dropped it) and the frame's strokes.
    kept = [w.box for w in reading.words if w.text in " ".join(labels).split() and w.text != "THOMAS"]
    assert len(kept) == len(" ".join(labels).split()) - 1
    (region,) = coverage.unread_regions(image, kept, 26)
    middle = 50 + 60 * 3 + 13  # of the line "THOMAS"
    assert region[0] <= 430 and region[1] < middle < region[3] < middle + 40


@pytest.mark.parametrize(("font_path", "size", "name"), [(NOTO_SANS_ARABIC, 34, "عمر حسن العنزي"),
                                                        (NASKH, 46, "علي حسن القحطاني")])
def test_a_skipped_line_the_line_mode_reads_as_nothing_is_read_whole_without_layout_analysis(font_path, size, name):
    # Read in line mode, the name comes out as nothing; read raw with the usual white margin around it,
    # as nothing, "SHS] حسن pos" or "القحطائي".
    lines = ["رقم الشهادة", "14289468", "اسم الأب", name, "اسم الوالدة"]
    image = Image.new("L", (1400, 700), 255)
    draw, font = ImageDraw.Draw(image), ImageFont.truetype(str(font_path), size)
    for top, text in zip((60, 160, 260, 260 + int(size * 1.6), 420 + size), lines, strict=True):
        draw.text((1340, top), text, font=font, fill=20, anchor="ra", direction="rtl")
    reading = engine.read(image, "ara+eng", engine.PSM_AUTO)
    kept = engine.Reading([line for line in reading.lines if not set(name.split()) & set(line.text.split())])
    restored = read_skipped_lines(image, kept, "ara+eng", RereadBudget(6))
    assert [_key(line.text) for line in restored.lines] == [_key(text) for text in lines]



def test_a_skipped_line_the_line_mode_reads_unsurely_is_read_whole_without_layout_analysis(tmp_path):
    # A generated bilingual birth certificate (Noto Sans Arabic, JPEG): layout analysis skips the label
    # "الجنس"; read as a line it is "idl" (34%), in the Arabic model alone "الجنبس" (25%), both too unsure
    # to keep, and its value "أنثى" under it is then read as the Latin "Gil". Read raw: "الجنس" (56%).
    truth = make_document(tmp_path, "birth_certificate-04", "birth_certificate", seed=3030, fmt="jpg")
    assert truth.layout["layout"] == "bilingual" and truth.fields["sex"] == "F"
    page = ocr_page(PageJob(tmp_path / truth.file, "image", 0, 1, "ara+eng", 300, 80_000_000))
    lines = [_key(line) for line in page.text.splitlines()]
    assert "الجنس" in lines and lines[lines.index("الجنس") + 1] == _key("أنثى")


def test_a_skipped_run_is_read_with_the_words_of_its_row_the_page_read_only_guessed_at():
    # A Hijri date the page read as "109" (45%) and "هه" (47%) at its ends, its middle skipped.
    image = Image.new("L", (1400, 300), 255)
    draw, font = ImageDraw.Draw(image), ImageFont.truetype(str(DEJAVU), 38)
    draw.text((1340, 60), "تاريخ الزواج", font=ImageFont.truetype(str(NASKH), 38), fill=20, anchor="ra",
              direction="rtl")
    draw.text((1340, 160), "1427/11/29", font=font, fill=20, anchor="ra")
    label = engine.read(image.crop((0, 0, 1400, 140)), "ara+eng", engine.PSM_AUTO)
    assert label.text == "تاريخ الزواج"
    left, top, right, bottom = draw.textbbox((1340, 160), "1427/11/29", font=font, anchor="ra")
    fifth = (right - left) // 5
    guessed = engine.Line([OcrWord("109", 45.0, (right - fifth, top, fifth, bottom - top)),
                           OcrWord("14", 47.0, (left, top, fifth, bottom - top))])
    restored = read_skipped_lines(image, engine.Reading([*label.lines, guessed]), "ara+eng", RereadBudget(6))
    assert [line.text for line in restored.lines] == ["تاريخ الزواج", "1427/11/29"]
    # With a word of the row read surely, the row is a line the page read in part: the guess is left to
    # the passes that read a line again whole, and the run is read alone.
    partly = engine.Line([guessed.words[0], OcrWord("14", 92.0, guessed.words[1].box)])
    restored = read_skipped_lines(image, engine.Reading([*label.lines, partly]), "ara+eng", RereadBudget(6))
    assert "109" in restored.text.split()


def test_two_skipped_runs_around_one_guess_are_read_as_one_line():
    image = Image.new("L", (1400, 300), 255)
    draw, font = ImageDraw.Draw(image), ImageFont.truetype(str(DEJAVU), 38)
    draw.text((1340, 60), "Date of Marriage", font=font, fill=20, anchor="ra")
    draw.text((1340, 160), "1427/11/29 AH", font=font, fill=20, anchor="ra")
    label = engine.read(image.crop((0, 0, 1400, 140)), "ara+eng", engine.PSM_AUTO)
    assert label.text == "Date of Marriage"
    left, top, right, bottom = draw.textbbox((1340, 160), "1427/11/29 AH", font=font, anchor="ra")
    third = (right - left) // 3
    guess = engine.Line([OcrWord("ll", 30.0, (left + third, top, third, bottom - top))])
    restored = read_skipped_lines(image, engine.Reading([*label.lines, guess]), "ara+eng", RereadBudget(6))
    assert [line.text for line in restored.lines] == ["Date of Marriage", "1427/11/29 AH"]


def _amiri_page(size: int, spacing: float, lines: list[str]) -> tuple[Image.Image, list[tuple[int, int, int, int]]]:
    """Right-aligned lines in Amiri, `spacing` font sizes apart, with the box each line's ink takes."""
    image = Image.new("L", (2400, 200 + int(size * spacing) * len(lines)), 255)
    draw, font = ImageDraw.Draw(image), ImageFont.truetype(str(AMIRI), size)
    boxes = []
    for row, text in enumerate(lines):
        anchor = (2340, 100 + int(size * spacing) * row)
        draw.text(anchor, text, font=font, fill=20, anchor="ra", direction="rtl")
        left, top, right, bottom = draw.textbbox(anchor, text, font=font, anchor="ra", direction="rtl")
        boxes.append((left, top, right - left, bottom - top))
    return image, boxes


SEX_ROWS = ["اسم المولود : أحمد طارق المطيري", "النوع", "أنثى", "تاريخ الميلاد : 12/05/2016",
            "اسم الأب : طارق إبراهيم", "اسم الأم : منى محمد"]


def _inside(box: tuple[int, int, int, int], region: tuple[int, int, int, int]) -> bool:
    left, top, width, height = box
    return region[0] <= left + width / 2 <= region[2] and region[1] <= top + height / 2 <= region[3]


def test_a_label_and_its_value_each_a_short_word_alone_in_thin_strokes_are_found():
    # Amiri's thin strokes put a few pixels of ink on most rows of a short word: rows are judged by
    # the line's height, not the page's width, or the two words are specks.
    image, boxes = _amiri_page(28, 1.6, SEX_ROWS)
    read = [box for row, box in enumerate(boxes) if row not in (1, 2)]
    regions = coverage.unread_regions(image, read, preprocess.line_height(image))
    assert regions and all(any(_inside(boxes[row], region) for region in regions) for row in (1, 2))


def test_skipped_lines_whose_tall_letters_touch_are_cut_apart_into_lines():
    # Set 1.25 sizes apart, the name's descenders, "النوع" and "أنثى" ink every row between them: one
    # band three lines tall, cut where its rows hold least ink.
    image, boxes = _amiri_page(28, 1.25, SEX_ROWS)
    read = [box for row, box in enumerate(boxes) if row > 2]
    regions = coverage.unread_regions(image, read, preprocess.line_height(image))
    assert len(regions) == 3
    assert all(_inside(box, region) for box, region in zip(boxes, regions, strict=False))
    assert all(above[3] <= below[1] for above, below in itertools.pairwise(regions))


def test_a_picture_a_few_lines_tall_is_not_cut_into_lines():
    # Its rows are all inked: no valley to cut at.
    image, boxes = _amiri_page(28, 1.6, SEX_ROWS)
    pixels = np.asarray(image).copy()
    pixels[300:480, 200:500] = 0
    pixels[300:480:7, 200:500] = 255  # a pattern, as a photo's rows vary
    image = Image.fromarray(pixels)
    assert coverage.unread_regions(image, boxes, preprocess.line_height(image)) == []


@pytest.mark.parametrize(("sure", "kept"), [({"أحمد"}, True), (set(), False)])
def test_a_skipped_line_read_unsurely_is_kept_only_when_a_word_of_it_is_read_surely(monkeypatch, sure, kept):
    # Tesseract reads a skipped line of stacked letters unsurely as a whole ("فاطمة مد الشمري", 50%)
    # while reading one of its words surely: text, not noise, kept for the passes after to read again.
    # Every read of the skipped ink is made unsure here but for the words in `sure`.
    image = _form()
    reading = engine.read(image, "ara+eng", engine.PSM_AUTO)
    kept_lines = engine.Reading([line for line in reading.lines if "المطيري" not in line.text])
    read_many = engine.read_many

    def unsure(images, *args, **kwargs):
        return [engine.Reading([engine.Line([OcrWord(w.text, w.confidence if w.text in sure else 20.0, w.box)
                                             for w in line.words]) for line in read.lines])
                for read in read_many(images, *args, **kwargs)]

    monkeypatch.setattr(engine, "read_many", unsure)
    restored = read_skipped_lines(image, kept_lines, "ara+eng", RereadBudget(6))
    assert ("أحمد" in restored.text.split()) is kept
