"""A glyph Tesseract dropped inside a line puts the numbers beside it in doubt."""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFont

from pipeline.models import OcrWord
from pipeline.ocr import engine, lost_ink
from tests.fixtures.pages import NOTO_SANS, NOTO_SANS_ARABIC


def _date_line(words: list[str]) -> tuple[Image.Image, list[tuple[str, tuple[int, int, int, int]]]]:
    """A date line set right to left ("21 أكتوبر 2005"), each word with its box."""
    image = Image.new("L", (900, 200), 255)
    draw = ImageDraw.Draw(image)
    latin, arabic = ImageFont.truetype(str(NOTO_SANS), 40), ImageFont.truetype(str(NOTO_SANS_ARABIC), 40)
    right, boxes = 850, []
    for word in words:
        font = latin if word[0].isdigit() else arabic
        width = draw.textlength(word, font=font, direction="rtl" if font is arabic else None)
        draw.text((right - width, 70), word, font=font, fill=0, direction="rtl" if font is arabic else None)
        left, top, box_right, bottom = draw.textbbox((right - width, 70), word, font=font,
                                                     direction="rtl" if font is arabic else None)
        boxes.append((word, (int(left), int(top), int(box_right - left), int(bottom - top))))
        right -= width + 30
    return image, boxes


def test_a_number_beside_a_digit_in_no_words_box_is_doubted():
    # 4242's certificate: "21 أكتوبر 2005" read "1" at 95% (the "2" in no box) and verified as 2005-10-01.
    image, boxes = _date_line(["21", "أكتوبر", "2005"])
    (_, (left, top, width, height)), month, year = boxes
    one = OcrWord("1", 95.0, (left + width // 2, top, width - width // 2, height))
    reading = engine.Reading([engine.Line([one, OcrWord(month[0], 92.0, month[1]), OcrWord(year[0], 96.0, year[1])])])
    doubted = lost_ink.doubt_beside_lost_ink(image, reading)
    assert [w.confidence for w in doubted.words] == [lost_ink.LOST_CONFIDENCE, 92.0, 96.0]


def test_a_line_whose_ink_is_all_in_its_words_boxes_is_left_as_read():
    image, boxes = _date_line(["21", "أكتوبر", "2005"])
    reading = engine.Reading([engine.Line([OcrWord(word, 95.0, box) for word, box in boxes])])
    assert lost_ink.doubt_beside_lost_ink(image, reading) == reading


def test_marks_and_specks_outside_the_boxes_are_no_lost_glyph():
    image, boxes = _date_line(["21", "أكتوبر", "2005"])
    draw = ImageDraw.Draw(image)
    (_, (_, top, _, height)), month, _ = boxes
    gap = month[1][0] + month[1][2]
    draw.ellipse((gap + 8, top + height - 8, gap + 13, top + height - 3), fill=0)  # a full stop
    draw.line((gap + 4, top + height // 2, gap + 20, top + height // 2), fill=0, width=3)  # a dash
    reading = engine.Reading([engine.Line([OcrWord(word, 95.0, box) for word, box in boxes])])
    assert lost_ink.doubt_beside_lost_ink(image, reading) == reading


def test_a_word_of_letters_beside_ink_its_box_left_out_is_left_as_read():
    # "JOHN" boxed without its "J" (a piece of its own): no letter was lost.
    image = Image.new("L", (600, 120), 255)
    draw, font = ImageDraw.Draw(image), ImageFont.truetype(str(NOTO_SANS), 40)
    draw.text((40, 30), "Given names: JOHN", font=font, fill=0)
    words = []
    for word in ("Given", "names:", "JOHN"):
        start = draw.textlength("Given names: JOHN"[:"Given names: JOHN".index(word)], font=font)
        left, top, right, bottom = draw.textbbox((40 + start, 30), word, font=font)
        words.append(OcrWord(word, 95.0, (int(left), int(top), int(right - left), int(bottom - top))))
    j_left, _, j_right, _ = draw.textbbox((0, 0), "J", font=font)
    j_width = int(j_right - j_left) + 1
    left, top, width, height = words[-1].box
    words[-1] = OcrWord("JOHN", 95.0, (left + j_width, top, width - j_width, height))
    reading = engine.Reading([engine.Line(words)])
    assert lost_ink.doubt_beside_lost_ink(image, reading) == reading
