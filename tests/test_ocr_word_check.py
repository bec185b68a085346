"""Unsure Arabic words checked by drawing them in the page's font against Tesseract's Arabic dictionary."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.models import OcrWord
from pipeline.ocr import engine, read_document, word_check
from pipeline.settings import settings_with
from tests.fixtures.documents import make_document
from tests.fixtures.pages import AMIRI, DEJAVU, NASKH

KUFI = "/usr/share/fonts/truetype/noto/NotoKufiArabic-Regular.ttf"

LINES = [["شهادة", "ميلاد"], ["اسم", "المولود", "نورة", "سامي", "المطيري"], ["اسم", "الأم", "منى", "محمد", "العنزي"],
         ["المهنة", "مهندس", "مدني"]]


Boxes = list[list[tuple[str, tuple[int, int, int, int]]]]


def _page(font_path=AMIRI, lines=LINES, size=40, pitch=100) -> tuple[Image.Image, Boxes]:
    """Lines of Arabic words set right to left, `pitch` pixels apart, each word with its box as Tesseract
    would give it."""
    font = ImageFont.truetype(str(font_path), size)
    image = Image.new("L", (1400, 120 + pitch * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    boxes = []
    for row, words in enumerate(lines):
        right, y, line = 1350, 60 + pitch * row, []
        for word in words:
            width = draw.textlength(word, font=font, direction="rtl")
            draw.text((right - width, y), word, font=font, fill=0, direction="rtl")
            left, top, box_right, bottom = draw.textbbox((right - width, y), word, font=font, direction="rtl")
            line.append((word, (int(left), int(top), int(box_right - left), int(bottom - top))))
            right -= width + 25
        boxes.append(line)
    return image, boxes


def _reading(boxes, misread: dict[str, tuple[str, float]]) -> engine.Reading:
    """The page as read: every word sure, except `misread` (word -> what was read, confidence)."""
    return engine.Reading([engine.Line([OcrWord(*misread.get(word, (word, 95.0)), box) for word, box in line])
                           for line in boxes])


def test_letters_a_font_stacks_and_tesseract_dropped_are_put_back():
    # Amiri stacks the letters of "محمد" and "سامي"; Tesseract reads "مد" and "ساي", and "مهندس" as "مبندس".
    image, boxes = _page()
    reading = _reading(boxes, {"محمد": ("مد", 45.0), "سامي": ("ساي", 55.0), "مهندس": ("مبندس", 68.0)})
    checked = word_check.check_words(image, reading)
    assert checked.text == _reading(boxes, {}).text
    assert all(w.confidence == word_check.CHECKED_CONFIDENCE for w in checked.words if w.text in ("محمد", "سامي"))


@pytest.mark.parametrize(("size", "misread"), [(40, "اهليج"), (44, "اللحليج")])
def test_a_reading_whose_drawing_misfits_gives_way_to_the_one_word_that_fits_clearly_best(size, misread):
    # Amiri stacks the "لخ" of "الخليج"; read "اهليج" at 21%, the reading (no letters to pay for) scored
    # within the margin of "الخليج", whose drawing alone fits the ink.
    image, boxes = _page(AMIRI, [*LINES[:3], ["الطرف", "الأول", "شركة", "الخليج", "للتجارة"]], size)
    checked = word_check.check_words(image, _reading(boxes, {"الخليج": (misread, 21.0)}))
    assert checked.lines[-1].words[3].text == "الخليج"
    assert checked.lines[-1].words[3].confidence == word_check.CHECKED_CONFIDENCE


@pytest.mark.parametrize("size", [38, 40])
def test_a_sure_word_whose_drawing_fits_only_fairly_is_replaced_by_the_neighbour_that_fits_clearly(size):
    # Amiri stacks the "لى" of "ليلى"; read "ليل" at 93% (a dictionary word), its drawing covers 0.56-0.58
    # of the ink, "ليلى"'s clearly more.
    image, boxes = _page(AMIRI, [*LINES[:3], ["اسم", "الأم", "ليلى", "علي", "العنزي"]], size)
    checked = word_check.check_words(image, _reading(boxes, {"ليلى": ("ليل", 93.0)}))
    assert checked.lines[-1].words[2].text == "ليلى"


def test_a_right_but_unsure_reading_is_confirmed_and_a_sure_one_left_alone():
    image, boxes = _page()
    checked = word_check.check_words(image, _reading(boxes, {"سامي": ("سامي", 33.0)}))
    assert checked.text == _reading(boxes, {}).text
    assert {w.text: w.confidence for w in checked.words}["سامي"] == word_check.CHECKED_CONFIDENCE
    assert {w.text: w.confidence for w in checked.words}["المطيري"] == 95.0


def test_a_page_in_a_font_we_do_not_have_is_left_as_read(monkeypatch: pytest.MonkeyPatch):
    # Only a Kufi font installed: it draws Amiri's words too differently, so nothing is compared.
    monkeypatch.setattr(word_check, "digit_fonts", lambda: (str(KUFI),))
    image, boxes = _page()
    reading = _reading(boxes, {"محمد": ("مد", 45.0)})
    assert word_check.check_words(image, reading) == reading


def test_the_dictionary_is_tesseracts_arabic_word_list_and_neighbours_are_letters_away():
    assert {"محمد", "سامي", "مهندس"} <= word_check.dictionary()
    assert word_check.neighbours("مد")["محمد"] == 2  # two stacked letters lost
    assert word_check.neighbours("مبندس")["مهندس"] == 1
    assert word_check.neighbours("لحالدي")["الخالدي"] == 2  # Amiri's "الخ": one letter lost, one misread
    assert "مد" not in word_check.neighbours("مد")


def test_a_certificate_set_in_amiri_is_read_with_its_stacked_names_whole(tmp_path):
    # A generated birth certificate in Amiri, whose "سامي" the page read alone gives as "ساي".
    truth = make_document(tmp_path, "birth_certificate-00", "birth_certificate", seed=7)
    assert truth.layout["arabic"] == "Amiri-Regular" and "سامي" in truth.fields["child_name"]
    text = read_document(tmp_path / truth.file, "image/png", "amiri-page", settings_with(data_dir=tmp_path)).text
    assert truth.fields["child_name"] in text


def test_a_line_of_nothing_but_unsure_words_is_noise_and_left_alone():
    image, boxes = _page()
    line = LINES[3]
    reading = _reading(boxes, {line[0]: ("المبنة", 50.0), line[1]: ("مبندس", 68.0), line[2]: ("مدني", 60.0)})
    assert word_check.check_words(image, reading).text == reading.text


def test_a_sure_word_whose_box_spans_its_neighbour_does_not_hide_the_pages_font():
    image, boxes = _page()
    # The two longest sure words get boxes twice their width (Tesseract merged them with a neighbour).
    for line in boxes:
        for i, (word, (left, top, width, height)) in enumerate(line):
            if word in ("المطيري", "المولود"):
                line[i] = (word, (left, top, 2 * width, height))
    reading = _reading(boxes, {"محمد": ("مد", 45.0)})
    assert "محمد" in word_check.check_words(image, reading).text


def test_a_reading_whose_drawing_does_not_fit_its_ink_and_that_no_dictionary_word_explains_is_doubted():
    # "كريم" read "كيم" at 74% (verified with a wrong name before): here a name read as a word the
    # dictionary cannot bring back. Kept as read, but at a confidence no field accepts.
    image, boxes = _page()
    checked = word_check.check_words(image, _reading(boxes, {"المطيري": ("كيم", 74.0)}))
    assert {w.text: w.confidence for w in checked.words}["كيم"] == word_check.DOUBTED_CONFIDENCE


def test_a_reading_a_dictionary_word_fits_better_though_not_clearly_is_doubted():
    # "وليد" read "وايد" (a verified wrong name before): the drawings differ too little to correct it,
    # but the ink is closer to the other word, so the reading is not trusted either. Here "منى" read
    # "متى": one dot above or two, too close together at this size for the ink to tell.
    image, boxes = _page()
    checked = word_check.check_words(image, _reading(boxes, {"منى": ("متى", 70.0)}))
    assert {w.text: w.confidence for w in checked.words}["متى"] == word_check.DOUBTED_CONFIDENCE


def test_of_two_drawings_that_differ_by_dots_the_one_the_ink_shows_is_taken():
    # "سامي" read "شامي": three dots the ink does not have. (So "الخليج" read "الحليج" in Amiri: the
    # dot the reading lost is in the ink.)
    image, boxes = _page()
    checked = word_check.check_words(image, _reading(boxes, {"سامي": ("شامي", 70.0)}))
    assert {w.text: w.confidence for w in checked.words}["سامي"] == word_check.CHECKED_CONFIDENCE


def test_spellings_of_the_same_word_are_not_rival_readings():
    assert "فاطمه" not in word_check.neighbours("فاطمة") and "فاطمه" in word_check.dictionary()


def test_without_a_word_list_every_page_is_left_as_read(monkeypatch: pytest.MonkeyPatch):
    # combine_tessdata or dawg2wordlist missing: every word is unknown, so no line has a sure word to
    # find the font by, and none is doubted.
    monkeypatch.setattr(word_check, "dictionary", lambda: frozenset())
    image, boxes = _page()
    reading = _reading(boxes, {"محمد": ("مد", 45.0)})
    assert word_check.check_words(image, reading) == reading


def test_a_word_boxed_across_its_whole_line_is_checked_on_its_own_ink():
    # Read without layout analysis, a line's last word sometimes gets the whole line's box.
    image, boxes = _page()
    line = boxes[1]
    left = min(box[0] for _, box in line)
    word, (_, top, _, height) = line[-1]
    line[-1] = (word, (left, top, max(box[0] + box[2] for _, box in line) - left, height))
    checked = word_check.check_words(image, _reading(boxes, {"المطيري": ("المطيري", 20.0)}))
    assert {w.text: w.confidence for w in checked.words}["المطيري"] == word_check.CHECKED_CONFIDENCE


def test_a_mark_read_at_a_words_end_is_kept_and_the_letters_checked():
    image, boxes = _page()
    checked = word_check.check_words(image, _reading(boxes, {"سامي": ("سامي.", 20.0)}))
    assert {w.text: w.confidence for w in checked.words}["سامي."] == word_check.CHECKED_CONFIDENCE


def test_a_sure_word_a_form_word_explains_better_is_that_word():
    # "الجنس : ذكر" in Amiri: the stacked "ذكر" read "ذو", a word of the dictionary, surely.
    image, boxes = _page(lines=[["الجنس", "ذكر"], *LINES[1:]])
    assert word_check.form_rivals("ذو")["ذكر"] == 2 and "ذو" in word_check.dictionary()
    checked = word_check.check_words(image, _reading(boxes, {"ذكر": ("ذو", 95.0)}))
    assert checked.lines[0].text == "الجنس ذكر"


def test_a_sure_word_no_form_word_explains_better_is_left_alone():
    image, boxes = _page(lines=[["الجنس", "ذكر"], *LINES[1:]])
    checked = word_check.check_words(image, _reading(boxes, {}))
    assert checked.text == _reading(boxes, {}).text
    assert word_check.form_rivals("محمد") == {} and word_check.form_rivals("الجنس") == {}


def test_of_two_readings_of_a_line_the_one_its_ink_shows_is_preferred():
    image, boxes = _page()
    right = _reading(boxes, {}).lines[1]
    # A reading that lost a word and garbled another ("نورة سامي" as "ب ا").
    garbled = engine.Line([OcrWord("ب", 40.0, right.words[2].box), OcrWord("ا", 50.0, right.words[3].box),
                           *right.words[:2], right.words[4]])
    judge = word_check.LineJudge(image, _reading(boxes, {}))
    assert judge.prefers(right, garbled) is right
    assert judge.prefers(garbled, right) is right
    assert judge.prefers(right, right) is None  # the same drawing: nothing to choose


def test_a_word_whose_box_takes_in_its_neighbours_last_letter_is_checked_without_it():
    # Tesseract's boxes are loose: "سامي" boxed into the end of "نورة" beside it, whose own box stops short.
    image, boxes = _page()
    line = boxes[1]
    names = [word for word, _ in line]
    i, j = names.index("سامي"), names.index("نورة")
    (left, top, width, height), (n_left, n_top, n_width, n_height) = line[i][1], line[j][1]
    line[i] = ("سامي", (left, top, width + 40, height))
    line[j] = ("نورة", (n_left + 40, n_top, n_width - 40, n_height))
    checked = word_check.check_words(image, _reading(boxes, {"سامي": ("سامي", 20.0)}))
    assert {w.text: w.confidence for w in checked.words}["سامي"] == word_check.CHECKED_CONFIDENCE


def test_a_sure_word_far_narrower_than_its_ink_is_replaced_by_the_neighbour_that_fits():
    # Read surely, and a dictionary word, but two letters short for the ink it stands on.
    image, boxes = _page()
    checked = word_check.check_words(image, _reading(boxes, {"المطيري": ("المطر", 95.0)}))
    assert checked.text == _reading(boxes, {}).text


def test_a_sure_word_whose_drawing_hardly_covers_its_ink_is_doubted():
    # "سامي" read "ويد" surely (as "وليد" was read "ويد" at 88% and verified): its drawing has the ink's
    # shape but covers less than POOR_FIT of it, and no neighbour fits clearly better: it is in doubt.
    image, boxes = _page()
    checked = word_check.check_words(image, _reading(boxes, {"سامي": ("ويد", 95.0)}))
    assert {w.text: w.confidence for w in checked.words}["ويد"] == word_check.DOUBTED_CONFIDENCE
    # The sure words that are right are left as read.
    assert {w.text: w.confidence for w in checked.words}["المطيري"] == 95.0


def test_letters_a_word_lost_outside_its_box_are_looked_for_beside_it():
    # "العنزي" read "عنزي", boxed without the "ال" it lost (set to the right of the rest).
    image, boxes = _page()
    line = boxes[2]
    i = [word for word, _ in line].index("العنزي")
    left, top, width, height = line[i][1]
    line[i] = ("العنزي", (left, top, int(width * 0.7), height))
    checked = word_check.check_words(image, _reading(boxes, {"العنزي": ("عنزي", 50.0)}))
    assert {w.text: w.confidence for w in checked.words}.get("العنزي") == word_check.CHECKED_CONFIDENCE


def test_a_form_line_read_as_look_alikes_is_the_form_line_its_ink_shows():
    # "الجنس : أنثى" set as one line, read "Gil : Egil": the line drawn whole as each label-and-sex line
    # the forms print, the one that clearly fits its ink is taken.
    assert word_check.form_lines()["الجنس : أنثى"] == "F" and word_check.form_lines()["النوع : ذكر"] == "M"
    page, boxes = _page()
    image = Image.new("L", (page.width, page.height + 100), 255)
    image.paste(page, (0, 0))
    draw, font = ImageDraw.Draw(image), ImageFont.truetype(str(AMIRI), 40)
    left, top, right, bottom = draw.textbbox((1350, page.height + 20), "الجنس : أنثى", font=font, anchor="ra",
                                             direction="rtl")
    draw.text((1350, page.height + 20), "الجنس : أنثى", font=font, fill=0, anchor="ra", direction="rtl")
    third = (right - left) // 3
    misread = engine.Line([OcrWord(text, confidence, (right - (i + 1) * third, top, third, bottom - top))
                           for i, (text, confidence) in enumerate([("Gil", 60.0), (":", 90.0), ("Egil", 50.0)])])
    checked = word_check.check_words(image, engine.Reading([*_reading(boxes, {}).lines, misread]))
    assert checked.lines[-1].text == "الجنس : أنثى"
    assert all(w.confidence == word_check.CHECKED_CONFIDENCE for w in checked.lines[-1].words)


@pytest.mark.parametrize("size", [24, 36, 40, 42])
def test_a_value_alone_under_its_label_read_as_look_alikes_is_the_closed_list_word_its_ink_shows(size):
    # Bilingual forms set the value on the line under its label: "أنثى" read "sl". At some sizes the
    # ink's body takes in the hamza the drawing's body leaves out: the word is laid over whole too.
    image, boxes = _page(NASKH, [*LINES, ["الجنس"], ["أنثى"]], size)
    checked = word_check.check_words(image, _reading(boxes, {"أنثى": ("sl", 59.0)}))
    assert checked.lines[-1].text == "أنثى"
    # Not under a label of the closed list, a line may say anything: it stays as read.
    image, boxes = _page(NASKH, [*LINES, ["المهنة"], ["أنثى"]], size)
    assert word_check.check_words(image, _reading(boxes, {"أنثى": ("sl", 59.0)})).lines[-1].text == "sl"


def test_a_value_under_its_label_read_as_a_mark_alone_is_the_closed_list_word_its_ink_shows():
    # "أنثى" read "=": no letters read at all, and still a value to tell from its drawing.
    image, boxes = _page(NASKH, [*LINES, ["النوع"], ["أنثى"]], 40)
    assert word_check.check_words(image, _reading(boxes, {"أنثى": ("=", 64.0)})).lines[-1].text == "أنثى"


def test_a_label_read_as_junk_is_told_by_its_drawing_and_so_is_the_value_under_it():
    # "الجنس" read "اج" and "أنثى" under it read "wl": the label's drawing shows it, and then its value's.
    image, boxes = _page(AMIRI, [*LINES, ["الجنس"], ["أنثى"]], 32)
    checked = word_check.check_words(image, _reading(boxes, {"الجنس": ("اج", 40.0), "أنثى": ("wl", 69.0)}))
    assert [line.text for line in checked.lines[-2:]] == ["الجنس", "أنثى"]


def test_a_form_line_read_as_one_junk_word_boxed_over_its_label_is_drawn_over_its_whole_row():
    page, boxes = _page()
    image = Image.new("L", (page.width, page.height + 100), 255)
    image.paste(page, (0, 0))
    draw, font = ImageDraw.Draw(image), ImageFont.truetype(str(AMIRI), 40)
    draw.text((1350, page.height + 20), "الجنس : ذكر", font=font, fill=0, anchor="ra", direction="rtl")
    left, top, right, bottom = draw.textbbox((1350, page.height + 20), "الجنس", font=font, anchor="ra",
                                             direction="rtl")
    junk = engine.Line([OcrWord("ees", 31.0, (left, top, right - left, bottom - top))])  # over "الجنس" alone
    checked = word_check.check_words(image, engine.Reading([*_reading(boxes, {}).lines, junk]))
    assert checked.lines[-1].text == "الجنس : ذكر"


def test_the_judge_tells_a_skipped_closed_list_word_from_its_drawing_and_nothing_else():
    image, boxes = _page(AMIRI, [*LINES, ["أنثى"]], 40)
    judge = word_check.LineJudge(image, _reading(boxes, {}))
    (_, box), = boxes[-1]
    assert judge.form_line(box, "i").text == "أنثى"
    (_, name_box) = boxes[1][3]  # "سامي": no label or value of a closed list
    assert judge.form_line(name_box, "Sa") is None


@pytest.mark.parametrize("month", ["مايو", "فبراير", "أغسطس"])
def test_a_month_read_unsurely_between_a_day_and_a_year_is_the_month_its_drawing_shows(month):
    # A date alone on its line (under its label) has no sure word for the word check to start from.
    image, boxes = _page(AMIRI, [*LINES, ["14", month, "1999"]], 40)
    misread = month[:2] + "ب" + month[2:]  # a stacked letter read as one more ("مايو" read "مابيو")
    checked = word_check.check_words(image, _reading(boxes, {month: (misread, 40.0)}))
    assert checked.lines[-1].text == f"14 {month} 1999"
    assert checked.lines[-1].words[1].confidence == word_check.CHECKED_CONFIDENCE


def test_a_word_between_numbers_that_are_no_day_and_year_is_left_as_read():
    image, boxes = _page(AMIRI, [*LINES, ["350", "مايو", "1999"]], 40)
    checked = word_check.check_words(image, _reading(boxes, {"مايو": ("مابيو", 40.0)}))
    assert checked.lines[-1].text == "350 مابيو 1999"


def test_a_line_that_is_no_form_line_is_left_as_read():
    image, boxes = _page(lines=[["الجنس", ":", "أنثى"], *LINES[1:]])
    misread = {"نورة": ("de", 50.0), "سامي": ("Sa", 40.0)}  # "اسم المولود نورة سامي المطيري", five words
    reading = _reading(boxes, misread)
    assert word_check.check_words(image, reading).lines[1].text.split()[2:4] == ["de", "Sa"]


def test_a_form_line_read_right_but_unsurely_stays_as_read():
    # Its reading and the form line it is draw the same: nothing to choose (and nothing to fail on).
    image, boxes = _page(lines=[["الجنس", ":", "أنثى"], *LINES[1:]])
    line = _reading(boxes, {"الجنس": ("الجنس", 40.0), "أنثى": ("أنثى", 40.0)}).lines[0]
    gray = np.asarray(image.convert("L"))
    assert word_check._form_line(gray, line, str(AMIRI)) == line


def test_dots_set_too_close_together_for_the_ink_to_tell_apart_decide_nothing():
    # "العنزي" read "العتزي": two dots for one, side by side where the one is; the reading is doubted
    # (the drawings fit alike), not taken for what its dots were read as.
    image, boxes = _page()
    assert "العتزي" not in word_check.dictionary()
    checked = word_check.check_words(image, _reading(boxes, {"العنزي": ("العتزي", 85.0)}))
    assert {w.text: w.confidence for w in checked.words}["العتزي"] == word_check.DOUBTED_CONFIDENCE


def test_the_pages_font_is_found_though_some_of_its_longest_sure_words_were_misread():
    # Four of the longest words read surely as other words: the median over ten drawn words still
    # finds the font (over six it did not, and the page was left unchecked).
    image, boxes = _page()
    misread = {"المطيري": ("الكويتي", 95.0), "المولود": ("المكتوب", 95.0), "العنزي": ("الجميع", 95.0),
               "المهنة": ("الطبعة", 95.0), "محمد": ("مد", 45.0)}
    assert "محمد" in word_check.check_words(image, _reading(boxes, misread)).text


def test_a_rare_name_read_unsurely_is_not_made_sure_by_its_own_drawing():
    # "البريكان" is in no dictionary: its drawing fitting its ink is no proof (the word it misreads may
    # be none of the neighbours drawn), so it stays as unsure as it was read.
    image, boxes = _page(lines=[["اسم", "الأب", "علي", "البريكان"], *LINES[1:]])
    assert "البريكان" not in word_check.dictionary()
    checked = word_check.check_words(image, _reading(boxes, {"البريكان": ("البريكان", 50.0)}))
    assert {w.text: w.confidence for w in checked.words}["البريكان"] == 50.0


def test_two_letters_read_in_each_others_place_are_a_neighbour():
    assert word_check.neighbours("العتبيي")["العتيبي"] == 1


def _boxed(boxes: Boxes, row: int, word: str, box: tuple[int, int, int, int]) -> Boxes:
    """`boxes` with `word` in line `row` given another box (Tesseract's boxes cut letters off)."""
    return [[(w, box if (r, w) == (row, word) else b) for w, b in line] for r, line in enumerate(boxes)]


def test_a_sure_word_whose_box_cuts_off_a_letters_tail_is_judged_on_its_whole_letters():
    # Amiri's "ق" curls left out of the word's box: the ink in the box is "طارق" without its tail, which
    # its drawing hardly covers; the letters the box holds, taken whole, are the word.
    image, boxes = _page(AMIRI, [*LINES[:3], ["اسم", "الزوج", "طارق", "علي", "العنزي"]], 44)
    left, top, width, height = boxes[-1][2][1]
    cut = _boxed(boxes, 3, "طارق", (left + int(width * 0.15), top, width - int(width * 0.15), height))
    checked = word_check.check_words(image, _reading(cut, {"طارق": ("طارق", 93.0)}))
    assert [(w.text, w.confidence) for w in checked.lines[-1].words][2] == ("طارق", 93.0)


@pytest.mark.parametrize("size", [36, 40, 44])
def test_a_hamza_left_above_the_box_is_part_of_the_words_ink(size):
    # "أنثى" read "أنق", boxed without its hamza: that ink fits the drawing of "انثى", no neighbour of the
    # reading; with the marks over the letters the box holds, "أنثى" fits clearly best.
    image, boxes = _page(AMIRI, [*LINES[:3], ["الجنس", ":", "أنثى"]], size)
    left, top, width, height = boxes[-1][2][1]
    cut = _boxed(boxes, 3, "أنثى", (left, top + int(height * 0.2), width, height - int(height * 0.2)))
    checked = word_check.check_words(image, _reading(cut, {"أنثى": ("أنق", 58.0)}))
    assert [(w.text, w.confidence) for w in checked.lines[-1].words][2] == ("أنثى", word_check.CHECKED_CONFIDENCE)


def test_a_reading_two_letters_from_the_word_reaches_it_through_the_neighbour_that_fits_best():
    # "ليلى" read "لييل" (no dictionary word): of its neighbours "ليل" fits clearly best, and was taken
    # surely; "ليلى", one letter from "ليل", fits clearly better still.
    image, boxes = _page(AMIRI, [*LINES[:3], ["اسم", "الأم", "ليلى", "عمر", "العنزي"]], 36)
    checked = word_check.check_words(image, _reading(boxes, {"ليلى": ("لييل", 81.0)}))
    assert [(w.text, w.confidence) for w in checked.lines[-1].words][2] == ("ليلى", word_check.CHECKED_CONFIDENCE)


@pytest.mark.parametrize("size", [24, 32])
def test_a_word_boxed_taller_than_the_pages_words_is_also_judged_on_all_its_ink(size):
    # A box 1.6 times the page's median word height is taken for a crop of two lines, whose ink is cut
    # into bands; "إبراهيم" (its hamza under the line) so boxed is no band whole, and was doubted.
    image, boxes = _page(AMIRI, [*LINES[:3], ["اسم", "الأم", "فاطمة", "إبراهيم", "السيد"]], size)
    median = float(np.median([box[3] for line in boxes for _, box in line]))
    left, top, width, height = boxes[-1][3][1]
    pad = int((1.6 * median - height) / 2) + 1
    tall = _boxed(boxes, 3, "إبراهيم", (left, top - pad, width, height + 2 * pad))
    checked = word_check.check_words(image, _reading(tall, {"إبراهيم": ("إبراهيم", 49.0)}))
    assert [(w.text, w.confidence) for w in checked.lines[-1].words][3] == ("إبراهيم", word_check.CHECKED_CONFIDENCE)


@pytest.mark.parametrize(("name", "read"), [("منى", "مى"), ("هالة", "هلة")])
def test_a_sure_word_a_neighbour_fits_better_by_the_margin_but_not_clearly_after_its_letter_is_doubted(name, read):
    # A name read surely without a letter the font sets beside its neighbours (Amiri's "ن" of "منى"):
    # the name's drawing covers the ink better by the margin, but not once it pays for its extra letter,
    # so it does not replace the reading; the reading is no longer sure.
    image, boxes = _page(AMIRI, [*LINES[:3], ["اسم", "الأم", name, "علي", "العنزي"]], 36)
    checked = word_check.check_words(image, _reading(boxes, {name: (read, 89.0)}))
    assert [(w.text, w.confidence) for w in checked.lines[-1].words][2] == (read, word_check.DOUBTED_CONFIDENCE)


@pytest.mark.parametrize("size", [42, 44])
def test_a_sure_word_a_neighbour_with_a_stacked_letter_put_back_fits_better_by_the_margin_is_that_word(size):
    # "ليلى" read "ليل" at 89%: "ليلى"'s drawing covers the ink better by the margin, and its extra letter
    # costs nothing, Amiri setting it over its neighbours (once it paid for it, the reading was doubted).
    image, boxes = _page(AMIRI, [*LINES[:3], ["اسم", "الأم", "ليلى", "علي", "العنزي"]], size)
    checked = word_check.check_words(image, _reading(boxes, {"ليلى": ("ليل", 89.0)}))
    assert [(w.text, w.confidence) for w in checked.lines[-1].words][2] == ("ليلى", word_check.CHECKED_CONFIDENCE)


def _split_at_widest_gap(image: Image.Image, box: tuple[int, int, int, int]) -> list[tuple[int, int, int, int]]:
    """The word's box cut in two at the widest gap in its ink (right piece first), as Tesseract splits it."""
    left, top, width, height = box
    columns = np.flatnonzero((np.asarray(image)[top:top + height, left:left + width] < 128).any(axis=0))
    at = int(np.argmax(np.diff(columns)))
    cut_left, cut_right = left + columns[at] + 1, left + columns[at + 1]
    return [(cut_right, top, left + width - cut_right, height), (left, top, cut_left - left, height)]


@pytest.mark.parametrize("size", [40, 44])
def test_a_word_split_in_two_after_a_letter_that_never_joins_the_next_is_one_word_again(size):
    # 5050's marriage-01: Amiri's "عبدالرحمن" read "عبدالر" and "حمن" at 58% (no dictionary word either), so
    # the husband's name went to review; its ink shows the two pieces, and the dictionary the one name.
    image, boxes = _page(AMIRI, [*LINES[:3], ["اسم", "الزوج", "عبدالرحمن", "علي"]], size)
    right, left = _split_at_widest_gap(image, boxes[3][2][1])
    split = [*boxes[3][:2], ("عبدالر", right), ("حمن", left), boxes[3][3]]
    reading = engine.Reading([*_reading(boxes[:3], {}).lines,
                              engine.Line([OcrWord(w, 58.0 if w in ("عبدالر", "حمن") else 95.0, b) for w, b in split])])
    checked = word_check.check_words(image, reading)
    assert [w.text for w in checked.lines[-1].words] == ["اسم", "الزوج", "عبدالرحمن", "علي"]
    assert checked.lines[-1].words[2].confidence >= word_check.CHECKED_CONFIDENCE


def test_two_words_of_the_dictionary_side_by_side_are_not_joined():
    # "عبد الله" is written so as often as "عبدالله": both pieces words, nothing says they are one.
    image, boxes = _page(AMIRI, [*LINES[:3], ["اسم", "الأب", "عبد", "الله", "علي"]], 40)
    reading = _reading(boxes, {"عبد": ("عبد", 58.0), "الله": ("الله", 58.0)})
    assert [w.text for w in word_check.check_words(image, reading).lines[-1].words][2:4] == ["عبد", "الله"]


def test_the_ink_under_an_arabic_guess_shows_the_dictionary_word_and_a_latin_names_ink_shows_none():
    image, boxes = _page(lines=[["اسم", "الأب", "أحمد", "علي", "المطيري"], *LINES[1:]])
    # A Latin name in an Arabic line (which the Arabic model reads as noise).
    draw, latin = ImageDraw.Draw(image), ImageFont.truetype(str(DEJAVU), 40)
    draw.text((60, 60), "Maria", font=latin, fill=0)
    left, top, right, bottom = draw.textbbox((60, 60), "Maria", font=latin)
    judge = word_check.LineJudge(image, _reading(boxes, {}))
    # The Arabic model alone reads Amiri's stacked "علي" as "عل" at 0% (the mixed models read it "Je").
    box = dict(boxes[0])["علي"]
    assert judge.shown_word(OcrWord("عل", 0.0, box)) == OcrWord("علي", word_check.CHECKED_CONFIDENCE, box)
    assert judge.shown_word(OcrWord("مربا", 0.0, (left, top, right - left, bottom - top))) is None


def test_a_dictionary_word_is_swapped_for_another_of_its_length_only_on_a_drawing_that_fits_well():
    # A right "محمد" (75%) drew worse than "تحمد" (fit 0.62) in the bold weight of the page's font: a
    # fair fit between two real words one letter apart is no judge. "ساهي" for "سامي" fits 0.73-0.80.
    box = (0, 0, 60, 40)
    assert {"محمد", "تحمد", "ساهي", "سامي", "مهندس"} <= word_check.dictionary()
    swapped = word_check._decided(OcrWord("محمد", 75.0, box), "تحمد", swap_fit=0.62)
    assert (swapped.text, swapped.confidence) == ("محمد", word_check.DOUBTED_CONFIDENCE)
    assert word_check._decided(OcrWord("ساهي", 72.0, box), "سامي", swap_fit=0.73).text == "سامي"
    # A reading no dictionary holds, or one letter shorter (a stacked letter lost), is replaced on a fair fit.
    assert "مبندس" not in word_check.dictionary()
    assert word_check._decided(OcrWord("مبندس", 68.0, box), "مهندس", swap_fit=0.62).text == "مهندس"
    assert word_check._decided(OcrWord("سام", 70.0, box), "سالم", swap_fit=0.62).text == "سالم"


def test_a_piece_of_a_word_that_lost_a_letter_where_it_was_split_is_doubted():
    # "للمقاولات" read "للمقا" (83%, no word) and "لات" (a word): with a letter between them they make a
    # word of the dictionary; the name must not be taken without it.
    line = engine.Line([OcrWord("لات", 90.0, (868, 236, 53, 27)), OcrWord("للمقا", 83.0, (940, 237, 40, 28))])
    checked = word_check._lost_between(line)
    assert [(w.text, w.confidence) for w in checked.words] == [("لات", 90.0), ("للمقا", word_check.DOUBTED_CONFIDENCE)]
    # Two words of the dictionary side by side are two words.
    words = engine.Line([OcrWord("التجارة", 90.0, (800, 236, 90, 27)), OcrWord("شركة", 88.0, (910, 237, 60, 28))])
    assert word_check._lost_between(words) == words


@pytest.mark.parametrize("size", [28, 36])
def test_a_short_word_read_surely_whose_drawing_fits_is_doubted_when_a_longer_one_fits_better(size):
    # Amiri stacks "ليلى"'s last letters; read "ليل" at 93%, its drawing fits the ink (0.6 and more) but
    # the drawing of "ليلى" fits it better: the name is in doubt, not verified without its letter.
    image, boxes = _page(AMIRI, [*LINES, ["اسم", "الأم", "ليلى", "طارق"]], size)
    checked = word_check.check_words(image, _reading(boxes, {"ليلى": ("ليل", 93.0)}))
    assert {w.text: w.confidence for w in checked.lines[-1].words}["ليل"] == word_check.DOUBTED_CONFIDENCE


def test_a_sure_dictionary_word_gives_way_on_a_fair_fit_only_to_itself_with_a_lost_letter_put_back():
    # A right "سامي" (92%) became "أمامي" (two letters otherwise) at 0.62; "ليل" is "ليلى" with the
    # stacked letter lost. On a drawing that fits well any rival wins.
    assert not word_check._gives_way("سامي", "أمامي", 0.62)
    assert word_check._gives_way("سامي", "أمامي", 0.75)
    assert word_check._gives_way("ليل", "ليلى", 0.62)
    assert "مبندس" not in word_check.dictionary() and word_check._gives_way("مبندس", "مهندس", 0.62)


def test_a_letter_the_font_stacks_over_its_neighbours_costs_a_reading_nothing():
    # Amiri sets "سالم" as wide as "سام" and "ليلى" as "ليل" (the "ل" and "ى" stacked): Tesseract, reading
    # along the line, loses them. Naskh sets them side by side; a dot read otherwise always costs.
    assert word_check._edits("سام", "سالم", 1, str(AMIRI)) == 0
    assert word_check._edits("ليل", "ليلى", 1, str(AMIRI)) == 0
    assert word_check._edits("سام", "سالم", 1, str(NASKH)) == 1
    assert word_check._edits("الحليج", "الخليج", 1, str(AMIRI)) == 1
    assert word_check._edits("مبندس", "سندس", 2, str(AMIRI)) == 2  # a letter lost and one misread


def test_dots_the_ink_seems_to_show_do_not_keep_a_reading_no_dictionary_holds_over_a_word_that_fits_as_well():
    # 2027's "العتيبي" at low resolution, read "العتييي" at 65%: the drawings fit alike, a few pixels
    # where the reading's second dot would be seemed inked, and the wrong name was verified.
    image, boxes = _page(lines=[["اسم", "العامل", "محمد", "أحمد", "العتيبي"], *LINES[1:]], size=28)
    image = image.resize((image.width // 2, image.height // 2), Image.Resampling.BILINEAR).resize(image.size)
    assert "العتييي" not in word_check.dictionary()
    checked = word_check.check_words(image, _reading(boxes, {"العتيبي": ("العتييي", 65.0)}))
    assert checked.lines[0].words[-1].confidence < 60


@pytest.mark.parametrize("font", [AMIRI, NASKH])
def test_a_sure_word_whose_dots_the_ink_shows_as_another_words_is_doubted(font):
    # "منى" read "متى" at 90% (its one dot faint on a noisy page): a dictionary word whose drawing fits as
    # well as the right one's; the ink's marks show one dot where "متى" has two.
    image, boxes = _page(font)
    checked = word_check.check_words(image, _reading(boxes, {"منى": ("متى", 90.0)}))
    assert {w.text: w.confidence for w in checked.words}["متى"] == word_check.DOUBTED_CONFIDENCE
    # The words read right stand, though some are a dot from another word too ("نورة", "ثورة").
    assert {w.confidence for w in word_check.check_words(image, _reading(boxes, {})).words} == {95.0}
    assert "ثورة" in word_check.dictionary()


def _across_line(boxes: Boxes, row: int) -> None:
    """Line `row`'s last word boxed as Tesseract sometimes boxes it read from a crop of two lines: across
    its line all but the first word's last pixels, and up over the line above."""
    line = boxes[row]
    left = min(box[0] for _, box in line)
    word, (_, top, _, height) = line[-1]
    line[-1] = (word, (left, top - 100, max(box[0] + box[2] for _, box in line) - 3 - left, height + 100))


def test_the_pages_font_is_found_on_each_words_own_ink_though_long_words_are_boxed_across_their_lines():
    # 2121's Amiri certificate: the last word of most lines (a surname, among the page's longest words)
    # boxed so; drawn over those boxes, over half the sample fitted no font and the page went unchecked.
    image, boxes = _page(lines=[["شهادة", "ميلاد"], ["اسم", "المولود", "عمر", "محمد", "المطيري"], ["اسم", "الأب"],
                                ["محمد", "يوسف", "المطيري"], ["اسم", "الوالدة", "نورة", "سامي", "الشمري"],
                                ["الطرف", "الأول", "شركة", "الخليج", "للتجارة"], ["المهنة", "مهندس", "العتيبي"],
                                ["الزوج", "سالم", "القحطاني"]])
    for row in (1, 3, 4, 5, 6, 7):
        _across_line(boxes, row)
    checked = word_check.check_words(image, _reading(boxes, {"محمد": ("مد", 45.0)}))
    assert checked.lines[1].words[3].text == "محمد"
    # The first word beside the line-wide box is judged on its own box, not the sliver that box leaves.
    assert checked.lines[3].words[0].text == "محمد"


@pytest.mark.parametrize(("pitch", "cut"), [(54, 1.0), (58, 0.75)])
def test_a_value_set_close_under_its_label_and_read_as_a_sure_digit_is_the_closed_list_word_its_ink_shows(pitch, cut):
    # 2121's Amiri certificate: "ذكر" right under "الجنس" read "3" at 93%, boxed over its "ذ" (and here
    # without its "ر"'s tail, `cut`). A sure reading, but no value of the list; widened across its row the
    # box takes in the label's tails, and the letters it cut are in the ink whole.
    image, boxes = _page(AMIRI, [*LINES, ["الجنس"], ["ذكر"]], 44, pitch=pitch)
    left, top, width, height = boxes[-1][0][1]
    boxes[-1][0] = ("ذكر", (left + width // 2, top, width - width // 2, int(height * cut)))
    checked = word_check.check_words(image, _reading(boxes, {"ذكر": ("3", 93.0)}))
    assert checked.lines[-1].text == "ذكر"
    # Under another label, a sure digit is what was printed.
    image, boxes = _page(AMIRI, [*LINES, ["رقم", "القيد"], ["ذكر"]], 44, pitch=pitch)
    assert word_check.check_words(image, _reading(boxes, {"ذكر": ("3", 93.0)})).lines[-1].text == "3"


def test_a_sure_word_whose_box_took_in_a_letter_of_the_line_above_is_judged_without_it():
    # 8080's Amiri certificate: "وليد" set close under "اسم الزوج", read "وليل" at 84% with a box reaching
    # up into the label's "م": no drawing fitted that ink, so the sure word was left as read (and verified).
    image, boxes = _page(AMIRI, [*LINES, ["اسم", "الزوج"], ["وليد", "أحمد", "المطيري"]], 40, pitch=54)
    left, top, width, height = boxes[-1][0][1]
    boxes[-1][0] = ("وليد", (left, top - 15, width, height + 15))
    checked = word_check.check_words(image, _reading(boxes, {"وليد": ("وليل", 84.0)}))
    assert checked.lines[-1].words[0].confidence == word_check.DOUBTED_CONFIDENCE


def test_an_unsure_word_whose_box_took_in_most_of_a_letter_of_the_line_above_is_confirmed_without_it():
    # 4646's Amiri certificate: "يوسف" read right at 68% under "الزوج", its box over most of the "ج": no
    # drawing fitted the box's ink, and the word was doubted.
    image, boxes = _page(AMIRI, [*LINES, ["الزوج"], ["يوسف", "طارق", "الشمري"]], 40, pitch=50)
    left, top, width, height = boxes[-1][0][1]
    boxes[-1][0] = ("يوسف", (left - 10, top - 20, width + 10, height + 20))
    checked = word_check.check_words(image, _reading(boxes, {"يوسف": ("يوسف", 68.0)}))
    assert checked.lines[-1].words[0].confidence == word_check.CHECKED_CONFIDENCE


def test_only_pieces_that_come_in_over_a_box_and_stop_short_of_its_middle_are_another_lines():
    mask = np.zeros((40, 30), dtype=bool)
    mask[0:10, 2:6] = True  # in over the top, ends above the middle: the line above's letter
    mask[32:40, 8:12] = True  # in under the bottom, starts below the middle: the line below's
    mask[0:40, 14:16] = True  # across the whole box: the word's own tall letter ("سالم"'s "ل")
    mask[0:25, 18:20] = True  # in over the top and down past the middle: its own too
    mask[15:25, 22:28] = True  # inside: the word
    kept = word_check._without_other_lines(mask)
    assert not kept[:, 2:12].any()
    assert (kept[:, 14:] == mask[:, 14:]).all()


def test_a_letter_a_replacement_adds_where_the_words_box_overlapped_its_neighbours_is_no_evidence():
    # 3030's contract: "عبدالرحمن" read "عبد" (its box short of its "د") and "الرحمن" (boxed over both):
    # on the ink left to it, with the "د"'s tail, "والرحمن" fitted clearly best, and was verified.
    image, boxes = _page(AMIRI, [*LINES, ["الطرف", "الثاني", "ناصر", "عبدالرحمن"]], 44)
    left, top, width, height = boxes[-1][-1][1]
    font = ImageFont.truetype(str(AMIRI), 44)
    split = left + width - int(ImageDraw.Draw(image).textlength("عبد", font=font, direction="rtl")) + 12
    read = [OcrWord(word, 95.0, box) for word, box in boxes[-1][:-1]]
    read += [OcrWord("عبد", 43.0, (split, top, left + width - split, height)),
             OcrWord("الرحمن", 43.0, (left, top, width - 3, height))]
    checked = word_check.check_words(image, engine.Reading([*_reading(boxes[:-1], {}).lines, engine.Line(read)]))
    assert checked.lines[-1].words[-1].confidence == word_check.DOUBTED_CONFIDENCE


def test_a_dictionary_word_the_ink_seems_to_show_as_another_of_its_length_is_swapped_only_on_a_good_fit():
    # 8585's certificate: "عمر" read right at 78% in small Amiri; the ink where the drawings differ seemed
    # to show "عمو" (fit 0.66), which replaced it and was verified.
    image, boxes = _page(AMIRI, [*LINES, ["اسم", "المولود", "عمر", "سامي", "المطيري"]], 24)
    image = image.resize((image.width // 2, image.height // 2)).resize(image.size)
    checked = word_check.check_words(image, _reading(boxes, {"عمر": ("عمر", 78.0)}))
    assert checked.lines[-1].words[2].text == "عمر"
