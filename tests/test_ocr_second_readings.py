"""Second readings of a page: which models read a line again, when, and what they may not change."""

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from pipeline.models import OcrWord
from pipeline.ocr import engine, fold_for_matching
from pipeline.ocr.mrz import looks_like_mrz
from pipeline.ocr.second_readings import (
    REREAD_LINE_BELOW,
    RereadBudget,
    _replaces_foreign_words,
    _unsure_foreign,
    _without_number_pieces,
    _without_specks,
    improve,
    line_languages,
    reread_digit_words,
    reread_latin_words,
    reread_weak_lines,
    script_languages,
)
from pipeline.settings import settings_with
from tests.fixtures.pages import DEJAVU, NOTO_SANS, NOTO_SANS_ARABIC, passport_page, text_page
from tests.fixtures.typesetting import draw_rtl

BOX = (0, 0, 60, 40)


def test_a_line_is_read_again_with_its_scripts_models():
    assert script_languages("ara+eng", "اسم الأب : علي") == "ara"
    assert script_languages("ara+eng", "Father's Name") == "eng"
    assert script_languages("ara+eng", "رقم القيد : 44185867") == "ara"  # letters decide, not digits


def test_a_line_of_ascii_digits_only_is_latin_and_of_arabic_indic_digits_arabic():
    # A passport number "S76731560" whose letter the page read lost comes out as "2 0": the Latin model
    # reads it again, the Arabic one cannot.
    assert script_languages("ara+eng", "2 0") == "eng"
    assert script_languages("ara+eng", "٠٢/٠٤/٢٠٢٥") == "ara"


def test_an_arabic_line_holding_an_unsure_latin_word_is_read_again_whole_with_the_arabic_model():
    image = text_page(["اسم الأب : علي خالد الشمري"], size=(2480, 300))
    reading = engine.read(image, "ara+eng", engine.PSM_AUTO)
    (line,) = reading.lines
    assert line.confidence >= REREAD_LINE_BELOW  # confident enough as a line not to be read again for that
    # As the mixed models read "علي" in some fonts: a Latin look-alike, read unsurely.
    garbled = engine.Reading([engine.Line([OcrWord("de:", 74.0, w.box) if w.text in ("علي", "على") else w
                                           for w in line.words])])
    assert "de:" in garbled.text
    again = reread_weak_lines(image, garbled, "ara+eng", RereadBudget(6))
    assert fold_for_matching(again.text).split() == fold_for_matching("اسم الأب : علي خالد الشمري").split()


def test_a_number_alone_on_its_line_is_read_again_with_the_latin_model_held_to_digits():
    image = text_page(["تاريخ الزواج", "2006-02-16"], size=(2480, 500))
    reading = engine.read(image, "ara+eng", engine.PSM_AUTO)
    assert reading.text.split("\n")[-1] == "2006-02-6"  # the mixed models lose the 1 beside the hyphen
    again = reread_digit_words(image, reading, "ara+eng", RereadBudget(6))
    assert again.text.split("\n")[-1] == "2006-02-16"


def test_the_machine_readable_zone_is_left_to_its_own_reading_however_weak():
    image = passport_page()
    reading = engine.read(image, "ara+eng", engine.PSM_AUTO)
    weak = engine.Reading([engine.Line([OcrWord(w.text, 40.0, w.box) for w in line.words]) for line in reading.lines])
    zone = [i for i, line in enumerate(weak.lines) if looks_like_mrz(line.text)]
    assert len(zone) == 2
    again = reread_weak_lines(image, weak, "ara+eng", RereadBudget(20))
    assert all(again.lines[i] is weak.lines[i] for i in zone)  # not read again as a line of English


def test_the_arabic_model_never_brings_digits_into_a_line_it_reads_again():
    # It knows only ٠ and ١ of the Arabic-Indic digits and reads "٢٥٠" as "١٠١" (101). A line where the
    # page read put a Latin look-alike for the number is read again whole, but its digits are left to
    # their own readers.
    image = text_page(["الراتب الشهري : ٢٥٠ دينار"], size=(2480, 300))
    reading = engine.read(image, "ara+eng", engine.PSM_AUTO)
    assert "101" in reading.text.split()  # what the Arabic model makes of ٢٥٠
    junk = engine.Reading([engine.Line([OcrWord("Yor", 72.0, w.box) if w.text == "101" else w for w in line.words])
                           for line in reading.lines])
    again = reread_weak_lines(image, junk, "ara+eng", RereadBudget(6))
    assert "101" not in again.text.split()


def test_arabic_indic_digits_read_by_tesseract_are_never_sure():
    # Debian's Arabic model knows only ٠ and ١ of them: "٢٥٠" comes out "١٠١" (101), once at 60%, and
    # "٦٠٠" as "١٠٠" at 91%. Such a reading counts as a guess; the digit reader reads the number.
    image = text_page(["الراتب الشهري : ٢٥٠ دينار"], size=(2480, 300))
    (guess,) = [w for w in engine.read(image, "ara+eng", engine.PSM_AUTO).words if any(c.isdigit() for c in w.text)]
    assert guess.text == "101" and guess.confidence == 0.0
    assert [w.confidence for w in engine.read(text_page(["Salary: 250 KWD"], size=(2480, 300)), "ara+eng",
                                              engine.PSM_AUTO).words if w.text == "250"] != [0.0]


def test_a_line_whose_arabic_indic_date_the_digit_reader_reads_costs_no_second_tesseract_run(monkeypatch):
    # Tesseract reads the date as a guess, so the line looks weak; once the digit reader has read the
    # date, neither the Arabic model (no ٢-٩) nor the Latin digits have anything left to read there.
    image = text_page(["تاريخ الميلاد: ١٥/٠٣/٢٠١٩"], size=(2480, 300))
    reading = engine.read(image, "ara+eng", engine.PSM_AUTO)
    assert reading.lines[0].confidence < REREAD_LINE_BELOW
    runs = []
    read_many = engine.read_many
    monkeypatch.setattr(engine, "read_many", lambda images, *args: runs.append(len(images)) or read_many(images, *args))
    improved = improve(image, reading, "ara+eng")
    assert improved.text.split()[-1] == "15/03/2019"
    assert runs == []


def test_an_arabic_line_weak_only_in_a_number_is_not_read_again_by_the_arabic_model(monkeypatch):
    # A date the digit reader could not read stays Tesseract's guess at confidence 0; the label beside it
    # was read surely. The Arabic model could only read the digits again, and its digits are never taken.
    image = text_page(["تاريخ الميلاد: ١٥/٠٣/٢٠١٩"], size=(2480, 300))
    (line,) = engine.read(image, "ara+eng", engine.PSM_AUTO).lines
    guess = engine.Line([OcrWord("15/17/7119", 0.0, w.box) if any(c.isdigit() for c in w.text) else w
                         for w in line.words])
    assert guess.confidence < REREAD_LINE_BELOW
    assert all(w.confidence >= REREAD_LINE_BELOW for w in guess.words if any(c.isalpha() for c in w.text))
    runs = []
    read_many = engine.read_many
    monkeypatch.setattr(engine, "read_many", lambda images, *args: runs.append(len(images)) or read_many(images, *args))
    again = reread_weak_lines(image, engine.Reading([guess]), "ara+eng", RereadBudget(6))
    assert runs == [] and again.lines[0] is guess


def test_a_line_whose_word_spans_far_more_ink_than_its_characters_is_read_again_and_the_whole_reading_taken():
    # The mixed models read a printed passport number "S76731560" as "2" (spanning "S7673") and "560",
    # confidently enough as a line (87) to pass as read. The "2" lost four characters; the Latin model
    # reads the whole number, less confidently, and that reading is taken.
    image = Image.new("L", (900, 200), 255)
    ImageDraw.Draw(image).text((60, 60), "S76731560", font=ImageFont.truetype(str(NOTO_SANS), 32), fill=20)
    (number,) = engine.read(image, "eng", engine.PSM_AUTO).words
    left, top, width, height = number.box
    cut = round(width * 0.6)
    lost = engine.Line([OcrWord("2", 66.0, (left, top, cut, height)),
                        OcrWord("560", 94.0, (left + cut + 8, top, width - cut - 8, height))])
    assert lost.confidence >= REREAD_LINE_BELOW
    again = reread_weak_lines(image, engine.Reading([lost]), "ara+eng", RereadBudget(6))
    assert again.text.replace("$", "S") == "S76731560"


def test_a_number_that_lost_a_digit_is_never_sure_and_is_read_again_with_the_latin_digits():
    # In an Arabic line the mixed models read the day "15" as "5" (its box still spans both digits), at
    # 96% before: a wrong date that looked sure. Too wide for its digits, it is marked unsure, and the
    # Latin model held to digits reads it whole.
    image = Image.new("L", (900, 160), 255)
    draw_rtl(ImageDraw.Draw(image), 850, 80, "15 أغسطس 1998", ImageFont.truetype(str(NOTO_SANS_ARABIC), 38),
             ImageFont.truetype(str(DEJAVU), 34), fill=20)
    reading = engine.read(image, "ara+eng", engine.PSM_AUTO)
    (day,) = [w for w in reading.words if w.text == "5"]
    assert day.confidence == 0.0
    again = reread_digit_words(image, reading, "ara+eng", RereadBudget(6))
    assert [w.text for w in again.words if w.box == day.box] == ["15"]


def test_a_lines_script_is_that_of_the_words_it_read_surely():
    # "حسن ناصر السيد" as the mixed models read it: two unsure Latin look-alikes, one sure Arabic word.
    line = engine.Line([OcrWord("Suu]", 50.0, BOX), OcrWord("pol", 75.0, BOX), OcrWord("حسن", 89.0, BOX)])
    assert script_languages("ara+eng", line.text) == "eng"
    assert line_languages("ara+eng", line) == "ara"
    # With no sure word of letters, all its words count.
    assert line_languages("ara+eng", engine.Line([OcrWord("Suu]", 50.0, BOX), OcrWord("1998", 95.0, BOX)])) == "eng"
    # So do they when its sure words are of both scripts: a Latin name after an Arabic label, whose
    # second word was read unsurely, is an Arabic line.
    label = engine.Line([OcrWord("الطرف", 92.0, BOX), OcrWord("الثانٍ", 45.0, BOX), OcrWord(":", 90.0, BOX),
                         OcrWord("Jose", 96.0, BOX), OcrWord("Santos", 96.0, BOX)])
    assert line_languages("ara+eng", label) == "ara"


def test_a_reading_that_puts_arabic_words_where_look_alikes_were_and_keeps_the_sure_ones_replaces_them():
    line = engine.Line([OcrWord("علي", 84.0, BOX), OcrWord("حسن", 93.0, BOX), OcrWord("dull", 49.0, BOX)])

    def reading(*words: tuple[str, float]) -> engine.Reading:
        return engine.Reading([engine.Line([OcrWord(text, confidence, BOX) for text, confidence in words])])

    # However unsure the new word: the word check judges it by drawing it.
    assert _replaces_foreign_words(line, reading(("علي", 84.0), ("حسن", 93.0), ("السيد", 10.0)), "ara+eng", "ara")
    # A sure word lost, a word too few, or letters of the other script: no.
    assert not _replaces_foreign_words(line, reading(("علي", 71.0), ("حم", 60.0), ("ش", 22.0)), "ara+eng", "ara")
    assert not _replaces_foreign_words(line, reading(("علي", 84.0), ("حسن", 93.0)), "ara+eng", "ara")
    assert not _replaces_foreign_words(line, reading(("علي", 84.0), ("حسن", 93.0), ("sail", 30.0)), "ara+eng", "ara")
    assert not _replaces_foreign_words(line, reading(("علي", 84.0), ("حسن", 93.0), ("11", 80.0)), "ara+eng", "ara")
    # A line with no look-alike has nothing to replace.
    sure = engine.Line([OcrWord("علي", 84.0, BOX), OcrWord("حسن", 93.0, BOX)])
    assert not _replaces_foreign_words(sure, reading(("علي", 84.0), ("حسن", 93.0)), "ara+eng", "ara")


def test_an_arabic_line_the_line_mode_reads_as_nothing_is_read_again_without_layout_analysis():
    # Tesseract's line mode finds no line in "علي حسن السيد" set in Noto Sans Arabic at this size, at
    # either scale; the mixed models had read its last word as "dull".
    font = ImageFont.truetype(str(NOTO_SANS_ARABIC), 44)
    image = Image.new("L", (900, 200), 255)
    draw = ImageDraw.Draw(image)
    draw.text((800, 60), "علي حسن السيد", font=font, fill=0, anchor="ra", direction="rtl")
    left, top, right, bottom = draw.textbbox((800, 60), "علي حسن السيد", font=font, anchor="ra", direction="rtl")
    third = (right - left) // 3
    line = engine.Line([OcrWord("علي", 84.0, (right - third, top, third, bottom - top)),
                        OcrWord("حسن", 93.0, (right - 2 * third, top, third, bottom - top)),
                        OcrWord("dull", 49.0, (left, top, right - left, bottom - top))])
    again = reread_weak_lines(image, engine.Reading([line]), "ara+eng", RereadBudget(6))
    assert fold_for_matching(again.text).split() == fold_for_matching("علي حسن السيد").split()


def _latin_line(text: str, size: int = 30, blur: float = 0.0) -> Image.Image:
    image = Image.new("L", (1400, 200), 255)
    ImageDraw.Draw(image).text((60, 60), text, font=ImageFont.truetype(str(NOTO_SANS), size), fill=20)
    return image.filter(ImageFilter.GaussianBlur(blur)) if blur else image


def _with_word(image: Image.Image, printed: str, read: str) -> engine.Reading:
    """The image's one line as read, with `printed` read as `read` at 80%."""
    (line,) = engine.read(image, "ara+eng", engine.PSM_AUTO).lines
    return engine.Reading([engine.Line([OcrWord(read if w.text == printed else w.text, 80.0, w.box)
                                        for w in line.words])])


def test_a_latin_word_its_line_read_as_a_likelier_word_is_read_again_alone():
    # In its line the mixed models read "Ahmed" as "Anmed" (at 79-92% on the generated sets); alone, at 96%.
    image = _latin_line("Name of Child: Ahmed Samuel Santos")
    reading = engine.read(image, "ara+eng", engine.PSM_AUTO)
    assert "Anmed" in reading.text.split()
    again = reread_latin_words(image, reading, "ara+eng", RereadBudget(6))
    assert again.text == "Name of Child: Ahmed Samuel Santos"


def test_a_latin_word_its_line_read_unsurely_and_read_alone_as_the_same_word_near_certainly_is_confirmed():
    # In their lines "Ahmed" was read right at 10-43% on four generated certificates (so their names went to
    # review), and alone at 95-96%.
    image = _latin_line("Name: John Paul Ibrahim")
    (line,) = engine.read(image, "ara+eng", engine.PSM_AUTO).lines
    unsure = engine.Reading([engine.Line([OcrWord(w.text, 12.0 if w.text == "Paul" else w.confidence, w.box)
                                          for w in line.words])])
    again = reread_latin_words(image, unsure, "ara+eng", RereadBudget(6))
    assert again.text == "Name: John Paul Ibrahim"
    assert {w.text: w.confidence for w in again.words}["Paul"] >= 95.0


def test_a_latin_word_read_alone_as_another_word_but_not_near_certainly_is_in_doubt():
    # "Ahmed" read "Anmed" at 88% in its line and "Ahmed" at 94% alone was verified as "Anmed" (3030's
    # marriage-03): two readings that disagree on a letter leave the word to a person, unless the one
    # alone is near certain (then it is taken). Small blurred print reads "Ahmed" alone at about 92%.
    image = _latin_line("Name of Wife: Ahmed Sita Hassan", size=14, blur=0.5)
    misread = _with_word(image, "Ahmed", "Anmed")
    (word,) = [w for w in reread_latin_words(image, misread, "ara+eng", RereadBudget(6)).words
               if w.text in ("Anmed", "Ahmed")]
    assert word.text == "Ahmed" or word.confidence < settings_with().min_field_confidence


def test_a_latin_word_read_alone_is_not_taken_for_another_first_or_last_letter():
    # The crop around a word often cuts its first letter ("GRACE" alone read "SRACE" at 92%): a reading
    # that differs there, or at the end, says more about the crop than the word.
    image = _latin_line("Name: Grace")
    misread = _with_word(image, "Grace", "Srace")
    assert reread_latin_words(image, misread, "ara+eng", RereadBudget(6)).text == "Name: Srace"


def test_latin_words_in_capitals_are_not_read_again():
    # Codes and headings ("KWD", "CONTRACT"), and a passport's names, which its MRZ checks: reading them
    # again would cost a Tesseract run on most pages.
    image = _latin_line("Name: AHMED")
    misread = _with_word(image, "AHMED", "ANMED")
    assert reread_latin_words(image, misread, "ara+eng", RereadBudget(6)).text == "Name: ANMED"


def _line(*words: tuple[str, float, tuple[int, int, int, int]]) -> engine.Line:
    return engine.Line([OcrWord(*word) for word in words])


def test_a_number_read_again_whole_over_the_ink_of_a_piece_of_it_replaces_the_piece():
    # 5050's birth-03: the date line was read as noise ("ا ين"), the ink between those words read as a line
    # of its own ("4/08/20"), and the digit reader read the noise line whole ("24/08/2015"): two readings
    # of one date, and the piece came first.
    label = _line(("تاريخ", 90.0, (1900, 760, 100, 60)))
    piece = _line(("4/08/20", 100.0, (1743, 840, 204, 63)))
    whole = _line(("24/08/2015", 100.0, (1699, 854, 322, 36)))
    elsewhere = _line(("4/08/20", 95.0, (100, 1500, 204, 40)))
    kept = _without_number_pieces(engine.Reading([label, piece, whole, elsewhere]))
    assert [line.text for line in kept.lines] == ["تاريخ", "24/08/2015", "4/08/20"]


def test_a_line_of_specks_read_unsurely_as_letters_is_no_line():
    # 5050's birth-03: an 8-pixel speck under the label "رقم القيد" read "م«" at 27% stood where the number
    # under the label was looked for.
    label = _line(("رقم", 96.0, (1950, 210, 57, 60)), ("القيد", 89.0, (1848, 236, 100, 60)))
    speck = _line(("م«", 27.0, (1872, 278, 12, 8)))
    number = _line(("99863191", 95.0, (1790, 316, 217, 37)))
    small_but_sure = _line(("١", 96.0, (1872, 400, 12, 8)))
    kept = _without_specks(engine.Reading([label, speck, number, small_but_sure]))
    assert [line.text for line in kept.lines] == ["رقم القيد", "99863191", "١"]


def test_a_number_read_unsurely_in_a_latin_line_is_read_again_held_to_digits():
    # 101's passport-00: its printed birth date "02 OCT/OCT 02" read "02 OCT/OCT 2", the "2" at 0%, so the
    # MRZ's birth date could not be compared with the page and the passport went to review.
    image = _latin_line("Date of birth 02 OCT/OCT 02")
    (line,) = engine.read(image, "ara+eng", engine.PSM_AUTO).lines
    last = line.words[-1]
    assert last.text == "02"
    lost = engine.Reading([engine.Line([*line.words[:-1], OcrWord("2", 0.0, last.box)])])
    again = reread_digit_words(image, lost, "ara+eng", RereadBudget(6))
    assert again.text == "Date of birth 02 OCT/OCT 02"
    # A number read surely in a Latin line is left alone (each read costs a Tesseract run).
    sure = engine.Reading([engine.Line([*line.words[:-1], OcrWord("2", 96.0, last.box)])])
    assert reread_digit_words(image, sure, "ara+eng", RereadBudget(6)).text == "Date of birth 02 OCT/OCT 2"


def test_a_latin_name_read_unsurely_on_an_arabic_page_stays_latin():
    # Lines read as Latin junk are also read with the Arabic model (see the test on 3030's contract-06);
    # a Latin name the page read unsurely is no such line: the drawings do not show the Arabic reading.
    image = text_page(["اسم الزوج : حسن علي البدر", "Leila Reyes"], size=(1400, 400), font_px=40)
    reading = engine.read(image, "ara+eng", engine.PSM_AUTO)
    latin = next(line for line in reading.lines if "Reyes" in line.text)
    unsure = engine.Reading([engine.Line([OcrWord(w.text, 40.0, w.box) for w in line.words]) if line is latin
                             else line for line in reading.lines])
    again = reread_weak_lines(image, unsure, "ara+eng", RereadBudget(6))
    assert "Leila Reyes" in again.text


def test_an_arabic_dictionary_word_read_fairly_in_a_latin_line_is_no_look_alike_to_read_again():
    # Two columns' labels on one row made one line, "اسم الطفل Name of Child", judged Latin: read with
    # the Latin model, "الطفل" (88%) became "ju", and the line read again "Name of Child Je f".
    box = (1217, 270, 70, 47)
    assert not _unsure_foreign(OcrWord("الطفل", 88.0, box), "ara+eng", "eng")
    assert not _unsure_foreign(OcrWord("اسم", 79.0, box), "ara+eng", "eng")
    # Arabic letters no dictionary holds, or read at a guess, may still be a Latin word misread.
    assert _unsure_foreign(OcrWord("اتح", 70.0, box), "ara+eng", "eng")
    assert _unsure_foreign(OcrWord("الطفل", 40.0, box), "ara+eng", "eng")
    # In an Arabic line, Latin look-alikes are read again as before.
    assert _unsure_foreign(OcrWord("el", 60.0, box), "ara+eng", "ara")
