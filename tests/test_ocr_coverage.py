"""Second readings: lines the page read skipped, numbers cut short, other-script words, Arabic-Indic digits."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.models import OcrWord
from pipeline.ocr import OcrError, coverage, engine, read_document
from pipeline.ocr.crops import CropReader
from pipeline.ocr.second_readings import (
    RereadBudget,
    _unread_ink,
    _unsure_groups,
    attach_row_values,
    join_number_pieces,
    read_indic_numbers,
    read_skipped_lines,
    reread_digit_words,
    reread_foreign_words,
)
from pipeline.settings import settings_with
from tests.fixtures.documents import make_document
from tests.fixtures.pages import AMIRI, ARABIC_LINES, DEJAVU, ENGLISH_LINES, NASKH, security_printed, text_page
from tests.processes import tesseract_children

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


def _with_word(reading: engine.Reading, old: str, new: str) -> engine.Reading:
    return engine.Reading([engine.Line([OcrWord(new, w.confidence, w.box) if w.text == old else w
                                        for w in line.words]) for line in reading.lines])


def test_a_number_the_arabic_model_cut_short_is_read_again_with_latin_digits():
    image = _arabic_line_with_latin_digits(["تاريخ الميلاد :", "13", "فبراير", "2022"])
    reading = engine.read(image, "ara+eng", engine.PSM_AUTO)
    assert "13" in reading.text.split()
    cut = _with_word(reading, "13", "3")  # as the Arabic model reads some fonts' "13"
    assert read_digits(image, cut).text == reading.text
    # A reading that would drop a digit the first one had is not taken: "4" is not in "13".
    assert read_digits(image, _with_word(reading, "13", "4")).text == _with_word(reading, "13", "4").text


def read_digits(image: Image.Image, reading: engine.Reading) -> engine.Reading:
    return reread_digit_words(image, reading, "ara+eng", RereadBudget(6))


def _arabic_line_with_latin_digits(runs: list[str], arabic_font: Path = NASKH) -> Image.Image:
    """One right-to-left line as Arabic documents set it: words in an Arabic font, numbers in a Latin one."""
    image = Image.new("L", (2480, 300), 255)
    draw = ImageDraw.Draw(image)
    x = 2300
    for run in runs:
        arabic = any("\u0600" <= c <= "\u06ff" for c in run)
        font = ImageFont.truetype(str(arabic_font if arabic else DEJAVU), 64)
        options = {"direction": "rtl"} if arabic else {}
        x -= draw.textlength(run, font=font, **options)
        draw.text((x, 200), run, font=font, fill=0, anchor="ls", **options)
        x -= 40
    return image


def test_latin_names_codes_and_numbers_in_an_arabic_line_stay_as_read():
    for runs in (["الطرف الثاني :", "John Smith"], ["الراتب الشهري :", "650", "KWD"]):
        image = _arabic_line_with_latin_digits(runs)
        reading = engine.read(image, "ara+eng", engine.PSM_AUTO)
        assert runs[-1].split()[-1] in reading.text.split()  # the page read has the Latin word right
        again = reread_foreign_words(image, reading, "ara+eng", RereadBudget(6))
        assert again.text == reading.text
        assert read_indic_numbers(image, reading).text == reading.text


def test_arabic_indic_numbers_tesseract_cannot_read_come_out_as_digits(tmp_path):
    # The Arabic model knows only ٠ and ١: without our own reader this line reads "رقم الوثيقة: عه".
    image = text_page(["رقم الوثيقة: ٦٤١٧١٤٧", "الراتب الشهري: ٨٠٠ دينار"], size=(2480, 600))
    reading = engine.read(image, "ara+eng", engine.PSM_AUTO)
    assert "6417147" not in reading.text and "800" not in reading.text
    text = read_indic_numbers(image, reading).text
    assert "6417147" in text.split() and "800" in text.split()
    assert "رقم الوثيقة:" in text and "دينار" in text  # the words around the numbers are kept


def test_an_arabic_indic_number_read_as_a_latin_word_in_mixed_case_is_read_by_the_digit_reader():
    # Tesseract reads "١٢٠٠" set in Naskh as "Wer" at 74%, which looks like a Latin word, not a number in
    # disguise; the digit reader is the judge (it refuses Latin letters: the names test above).
    image = _arabic_line_with_latin_digits(["الراتب الشهري :", "١٢٠٠", "دينار"])
    reading = engine.read(image, "ara+eng", engine.PSM_AUTO)
    assert "Wer" in reading.text.split()
    assert read_indic_numbers(image, reading).text.split()[-2:] == ["1200", "دينار"]


def test_an_arabic_indic_date_comes_out_whole():
    image = _arabic_line_with_latin_digits(["تاريخ الولادة :", "٠٧/٠٤/٢٠١٦"], AMIRI)
    text = read_indic_numbers(image, engine.read(image, "ara+eng", engine.PSM_AUTO)).text
    assert "07/04/2016" in text.split()


def test_a_number_whose_font_spaces_its_digits_wide_is_read_whole():
    # Amiri sets "٦٤١٧١٤٧" with gaps wider than a word gap at this size; Tesseract reads it as one unsure
    # word ("VENVIVEYV"). Cut at the gaps, the lone "١" strokes were refused and only "٦٤" and "٤٧" read.
    image = _arabic_line_with_latin_digits(["٦٤١٧١٤٧"], AMIRI).reduce(2)
    ink = np.flatnonzero((np.asarray(image) < 128).any(axis=0))
    left, right = int(ink[0]), int(ink[-1])
    rows = np.flatnonzero((np.asarray(image) < 128).any(axis=1))
    word = OcrWord("VENVIVEYV", 17.0, (left, int(rows[0]), right - left + 1, int(rows[-1] - rows[0]) + 1))
    text = read_indic_numbers(image, engine.Reading([engine.Line([word])])).text
    assert text == "6417147"


@pytest.mark.parametrize(("part", "side"), [(0.33, "left"), (0.33, "right"), (0.5, "left"), (0.5, "right")])
def test_a_date_boxed_on_a_part_of_it_is_read_whole(part, side):
    # A bilingual form's date under its label, in Amiri (whose "٠" stands in gaps wider than a word gap):
    # the page read one word boxed on a third of it, and the digit reader read "23/1", "2020" or "0/2020".
    image = _arabic_line_with_latin_digits(["٢٣/١٠/٢٠٢٠"], AMIRI)
    dark = np.asarray(image) < 128
    columns, rows = np.flatnonzero(dark.any(axis=0)), np.flatnonzero(dark.any(axis=1))
    width = int((columns[-1] - columns[0]) * part)
    left = int(columns[0]) if side == "left" else int(columns[-1]) - width
    word = OcrWord("رض", 40.0, (left, int(rows[0]), width, int(rows[-1] - rows[0]) + 1))
    assert read_indic_numbers(image, engine.Reading([engine.Line([word])])).text == "23/10/2020"


def _label_and_number(number_boxes: list[tuple[float, float]],
                      readings: tuple[tuple[str, float], ...] = (("450", 53.0), ("8«اغ", 21.0)),
                      gap: int = 14) -> tuple[Image.Image, engine.Reading]:
    """"رقم القيد : ٤٣٢٤٦٠٩" in Amiri (its "٠" set wide), the label read surely and close enough to the
    number to be one run of ink with it, and the number boxed as unsure words over the given shares of
    its width."""
    image = Image.new("L", (1400, 200), 255)
    draw, font = ImageDraw.Draw(image), ImageFont.truetype(str(AMIRI), 48)
    label, number = [], None
    x = 1300
    for text in ("رقم", "القيد", ":", "٤٣٢٤٦٠٩"):
        x -= draw.textlength(text, font=font, direction="rtl")
        draw.text((x, 120), text, font=font, fill=0, anchor="ls", direction="rtl")
        left, top, right, bottom = draw.textbbox((x, 120), text, font=font, anchor="ls", direction="rtl")
        word = OcrWord(text, 95.0, (round(left), round(top), round(right - left), round(bottom - top)))
        label, number = ([*label, word], None) if text != "٤٣٢٤٦٠٩" else (label, word)
        x -= gap
    assert number is not None
    left, top, width, height = number.box
    pieces = [OcrWord(text, confidence, (left + round(a * width), top, round((b - a) * width), height))
              for (a, b), (text, confidence) in zip(number_boxes, readings, strict=False)]
    return image, engine.Reading([engine.Line(label + sorted(pieces, key=lambda w: -w.box[0]))])


def test_a_number_read_in_pieces_beside_its_label_is_read_whole_between_the_label_and_the_lines_end():
    # 4242's "٤٣٢٤٦٠٩" read "450" "8«اغ": each piece's box cut a digit, the last "٩" was in neither, and
    # the run of ink went on into the label: each read alone gave "4324" and nothing.
    image, reading = _label_and_number([(0.55, 0.8), (0.0, 0.45)])
    assert read_indic_numbers(image, reading).text.split()[-1] == "4324609"


def test_a_mark_read_unsurely_where_a_digit_is_printed_is_no_edge_of_the_number():
    # 2929's "٦٤٧١٣٣٧" read "لالم" "لاغ" ">": its "٦" read ">" at 27%, taken for a sure mark, bounded
    # the number, which was read "471337" surely and verified.
    image, reading = _label_and_number([(0.3, 0.62), (0.7, 1.0), (0.0, 0.13)],
                                       (("لالم", 57.0), ("لاغ", 27.0), (">", 27.0)))
    assert read_indic_numbers(image, reading).text.split()[-1] == "4324609"


def test_a_number_read_as_latin_letters_none_of_them_near_surely_is_read_by_the_digit_reader():
    # 3131's "٢٥٥٥٦٧٢" under its label read "Yooo Vy" at 77% and 65%: a line of Latin letters, once left
    # as English.
    image = _arabic_line_with_latin_digits(["٢٥٥٥٦٧٢"], AMIRI)
    dark = np.asarray(image) < 128
    columns, rows = np.flatnonzero(dark.any(axis=0)), np.flatnonzero(dark.any(axis=1))
    left, right, top, height = int(columns[0]), int(columns[-1]) + 1, int(rows[0]), int(rows[-1] - rows[0]) + 1
    middle = (left + right) // 2
    reading = engine.Reading([engine.Line([OcrWord("Yooo", 77.0, (left, top, middle - left, height)),
                                           OcrWord("Vy", 65.0, (middle, top, right - middle, height))])])
    assert read_indic_numbers(image, reading).text == "2555672"


def test_unsure_words_side_by_side_read_alone_do_not_both_take_the_ink_between_them():
    # Each reaching to the other's box, "Yooo" and "Vy" both read the "٦" between them: "2555" "6672".
    first, second = OcrWord("Yooo", 77.0, (100, 0, 100, 30)), OcrWord("Vy", 65.0, (240, 0, 60, 30))
    colon = OcrWord(":", 90.0, (330, 0, 5, 30))
    spans = {tuple(w.text for w in words): span for span, words in _unsure_groups([colon, second, first], (90, 400), 0)}
    assert spans[("Yooo", "Vy")] == (90, 329)  # together, from the run's start to the colon
    assert spans[("Yooo",)] == (90, 200) and spans[("Vy",)] == (240, 329)


def test_a_labels_colon_read_unsurely_is_still_punctuation_beside_the_number():
    # 7's "تاريخ الزواج : ٢١/٠٩/٢٠١٧": its colon read at 32% was taken for noise the number might go on
    # into, and the date read surely was made as unsure as the colon.
    image, reading = _label_and_number([(0.0, 1.0)], (("W/AV/YW", 8.0),), gap=40)  # each a run of its own
    *label, colon, number = reading.lines[0].words
    reading = engine.Reading([engine.Line([*label, OcrWord(":", 32.0, colon.box), number])])
    (read,) = [w for w in read_indic_numbers(image, reading).words if w.text == "4324609"]
    assert read.confidence >= 90


def test_a_number_boxed_over_its_whole_line_is_read_up_to_the_labels_colon():
    # 2929's "٦٩١١٩٤" read "91194" at 0% in a box over the whole line, label and all.
    image, reading = _label_and_number([(0.0, 1.0)])
    *label, number = reading.lines[0].words
    whole = OcrWord(number.text, number.confidence, (number.box[0], number.box[1], 1300 - number.box[0], number.box[3]))
    reading = engine.Reading([engine.Line([*label, whole])])
    assert read_indic_numbers(image, reading).text.split()[-1] == "4324609"


def test_ink_beside_a_number_that_no_word_holds_is_unread_but_a_colon_boxed_beside_its_ink_is_held():
    # Columns of a line 40 px tall: a number read at 100-200, a lone digit's ink at 215-222 that no word's
    # box holds (Amiri's last "٥" of "٧٠٤٧٥٠٥", past a wide-set "٠"), and a colon whose ink is 240-245 but
    # whose box is one pixel at 248 (a whole digit narrower than a thin digit is no digit).
    ink = np.zeros(400, dtype=bool)
    ink[100:201] = ink[215:223] = ink[240:246] = ink[300:380] = True
    number, colon = OcrWord("704750", 100.0, (100, 0, 101, 40)), OcrWord(":", 90.0, (248, 0, 1, 40))
    label = OcrWord("رقم", 95.0, (300, 0, 80, 40))
    runs = [(100, 260), (300, 379)]
    assert _unread_ink(ink, [number, colon, label], runs, 0, 40) == [(100, 260)]
    ink[215:223] = False  # the lost digit's ink gone: the colon alone is held by its box beside it
    assert _unread_ink(ink, [number, colon, label], runs, 0, 40) == []


def test_a_line_read_as_nothing_sure_is_read_whole_as_one_number():
    # A bilingual form's certificate number alone under its label, in Amiri, saved as a JPEG: the page
    # read makes "AV Yor" of it; cut at its word gaps, its lone "١" was refused ("866 353").
    image = Image.new("L", (1400, 300), 255)
    draw, font = ImageDraw.Draw(image), ImageFont.truetype(str(AMIRI), 37)
    draw.text((1340, 40), "رقم الوثيقة", font=font, fill=20, anchor="ra", direction="rtl")
    draw.text((1340, 99), "٨٦٦١٣٥٣", font=font, fill=20, anchor="ra", direction="rtl")
    saved = io.BytesIO()
    image.save(saved, "JPEG", quality=61)
    image = Image.open(saved).convert("L")
    reading = engine.read(image, "ara+eng", engine.PSM_AUTO)
    assert reading.lines[-1].text == "AV Yor"
    assert read_indic_numbers(image, reading).lines[-1].text == "8661353"


def test_pieces_of_one_number_are_joined_left_to_right_and_distant_numbers_are_not():
    left, right = OcrWord("07/0", 90.0, (100, 10, 60, 40)), OcrWord("4/2016", 95.0, (175, 10, 100, 40))
    far = OcrWord("12", 99.0, (600, 10, 30, 40))
    words = [OcrWord("تاريخ", 93.0, (700, 5, 80, 50)), right, left, far]
    joined = join_number_pieces(words, [right, left, far], 40)
    assert [w.text for w in joined] == ["تاريخ", "07/04/2016", "12"]
    assert joined[1].confidence == 90.0 and joined[1].box == (100, 10, 175, 40)


def _line(text: str, box: tuple[int, int, int, int]) -> engine.Line:
    return engine.Line([OcrWord(text, 95.0, box)])


def test_a_label_with_nothing_after_its_colon_gets_the_value_printed_beside_it_in_another_column():
    label = _line("اسم العامل :", (1000, 100, 300, 40))
    title, below = _line("عقد عمل", (1100, 20, 200, 40)), _line("المهنة : محاسب", (950, 180, 350, 40))
    name = _line("Leila Reyes", (100, 104, 220, 34))
    joined = attach_row_values(engine.Reading([title, label, below, name]))
    assert [line.text for line in joined.lines] == ["عقد عمل", "اسم العامل : Leila Reyes", "المهنة : محاسب"]


def test_a_label_whose_colon_came_first_in_its_text_gets_the_value_beside_it_after_the_colon():
    # "الطرف الثاني :" beside "Kofi Nair": the colon, leftmost on the page, came first in the text.
    words = [OcrWord(":", 92.0, (1170, 325, 3, 17)), OcrWord("الطرف", 93.0, (1260, 316, 77, 36)),
             OcrWord("الثاني", 90.0, (1192, 316, 51, 42))]
    name = _line("Kofi Nair", (63, 316, 132, 24))
    joined = attach_row_values(engine.Reading([engine.Line(words), name]))
    assert [line.text for line in joined.lines] == ["الطرف الثاني : Kofi Nair"]


def test_no_value_is_attached_from_another_row_or_when_two_lines_could_be_it():
    label = _line("اسم العامل :", (1000, 100, 300, 40))
    lower = engine.Reading([label, _line("Leila Reyes", (100, 150, 220, 34))])
    assert attach_row_values(lower).text == lower.text
    two = engine.Reading([label, _line("Leila", (100, 104, 100, 34)), _line("Reyes", (500, 104, 100, 34))])
    assert attach_row_values(two).text == two.text


def test_crops_read_in_one_tesseract_run_read_as_each_alone():
    image, reading = _page_read()
    crops = [image.crop((0, max(0, top - 10), PAGE[0], top + height + 10))
             for _, top, _, height in (line.box for line in reading.lines)]
    alone = [engine.read(crop, "ara", engine.PSM_SINGLE_LINE) for crop in crops]
    together = engine.read_many(crops, "ara", engine.PSM_SINGLE_LINE)
    assert together == alone and all(r.words for r in together)
    digits = engine.read_many(crops[-1:], "eng", engine.PSM_SINGLE_LINE, whitelist="0123456789")
    assert digits == [engine.read(crops[-1], "eng", engine.PSM_SINGLE_LINE, whitelist="0123456789")]


def test_a_crop_run_past_the_page_deadline_fails_with_the_reason_and_leaves_no_tesseract():
    image, _ = _page_read()
    before = tesseract_children()
    # Three whole pages take seconds: the budget runs out while Tesseract reads them.
    with engine.page_deadline(0.2), pytest.raises(OcrError, match=r"^OCR took longer than the 0.2 s allowed"):
        engine.read_many([image] * 3, "ara+eng", engine.PSM_SINGLE_LINE)
    assert tesseract_children() < before  # the worker that ran out of time is gone, not left reading


def test_crops_foreseen_and_one_not_foreseen_are_read_in_page_pixels():
    image, reading = _page_read()
    crops = CropReader(image, 20)
    boxes = [(left - 5, top - 5, left + width + 5, top + height + 5) for left, top, width, height
             in (line.box for line in reading.lines)]
    crops.prefetch(crops.crop(box, "ara", engine.PSM_SINGLE_LINE) for box in boxes[:3])
    unforeseen = crops.read(crops.crop(boxes[3], "eng", engine.PSM_SINGLE_LINE))
    assert [crops.read(crops.crop(box, "ara", engine.PSM_SINGLE_LINE)).text for box in boxes[:3]] == LINES[:3]
    assert unforeseen.text == LINES[3]
    assert unforeseen.words[0].box[0] >= boxes[3][0]  # in page pixels, not the padded crop's


def test_a_date_whose_zero_stands_apart_in_amiri_is_read_whole(tmp_path):
    # Amiri sets "٠٧/٠٤/٢٠١٦" so wide that its runs fall apart at word gaps; the lone "٠" of "٢٠١٦",
    # a dot the reader refuses alone, was dropped when the pieces were joined ("07/04/216").
    truth = make_document(tmp_path, "birth_certificate-02", "birth_certificate", seed=7, fmt="pdf")
    assert truth.layout["arabic"] == "Amiri-Regular" and truth.fields["date_of_birth"] == "2016-04-07"
    text = read_document(tmp_path / truth.file, "application/pdf", "amiri-date", settings_with(data_dir=tmp_path)).text
    assert "07/04/2016" in text


def test_a_number_read_beside_ink_read_as_noise_is_no_surer_than_the_noise(tmp_path):
    # Amiri's "٦٤٧١٣٣٧": the reader read "١٣٣٧" and refused the rest, which Tesseract read as "لاغ >";
    # the number may go on into that ink, so it is not sure (it was verified as "1337").
    truth = make_document(tmp_path, "marriage_certificate-00", "marriage_certificate", seed=2929, fmt="png")
    assert truth.layout["arabic"] == "Amiri-Regular" and truth.fields["certificate_number"] == "6471337"
    text = read_document(tmp_path / truth.file, "image/png", "amiri-number", settings_with(data_dir=tmp_path))
    words = {w.text: w.confidence for page in text.pages for w in page.words}
    assert "6471337" in words or words.get("1337", 0.0) < 60.0


def test_a_labels_colon_the_mixed_models_read_into_a_latin_look_alike_comes_back_as_its_own_word():
    image = _arabic_line_with_latin_digits(["اسم الأم :", "نورة سامي الشمري"])
    reading = engine.read(image, "ara+eng", engine.PSM_AUTO)
    words = reading.lines[0].words
    colon, name = next(i for i, w in enumerate(words) if w.text == ":"), [w.text for w in words].index("نورة")
    assert name == colon + 1
    # As a scan read it: the colon and the name beside it one Latin word ("ay:" at 77%).
    left = min(words[colon].box[0], words[name].box[0])
    right = max(w.box[0] + w.box[2] for w in (words[colon], words[name]))
    top = min(w.box[1] for w in (words[colon], words[name]))
    bottom = max(w.box[1] + w.box[3] for w in (words[colon], words[name]))
    merged = OcrWord("ay:", 77.0, (left, top, right - left, bottom - top))
    misread = engine.Reading([engine.Line([*words[:colon], merged, *words[name + 1:]])])
    again = reread_foreign_words(image, misread, "ara+eng", RereadBudget(6))
    assert again.text == reading.text


def test_a_line_skipped_on_a_patterned_background_is_found_as_the_darker_ink():
    # Security printing inks a few pixels of every row: it is told from text by the page's width, and
    # the skipped line is the ink darker than the pattern.
    image, reading = _page_read()
    patterned = security_printed(image)
    kept = [reading.lines[0], reading.lines[2], reading.lines[3]]
    regions = coverage.unread_regions(patterned, [w.box for line in kept for w in line.words], 64 * 1.3)
    left_, top_, width, height = reading.lines[1].box
    assert any(left <= left_ + width / 2 <= right and top <= top_ + height / 2 <= bottom
               for left, top, right, bottom in regions)
    assert all(bottom - top < 2 * height for _, top, _, bottom in regions)
