"""A read line's words in logical order: Arabic right to left, Latin words and numbers left to right."""

from pipeline.models import OcrWord
from pipeline.ocr.engine import Line, Reading
from pipeline.ocr.word_order import logical_order


def _line(*words: tuple[str, int]) -> Line:
    """Words as (text, left edge), each 100 px wide, all on one row; given in the order to test."""
    return Line([OcrWord(text, 90.0, (left, 10, 100, 40)) for text, left in words])


def test_an_arabic_line_listed_left_to_right_is_put_right_to_left():
    # As Tesseract lists a line it judged left to right (its Latin misreads outvoted the Arabic).
    listed = _line(("07/04/2016", 0), (":", 110), ("الولادة", 220), ("تاريخ", 330))
    assert logical_order(Reading([listed])).text == "تاريخ الولادة : 07/04/2016"


def test_a_number_listed_before_the_arabic_words_to_its_right_is_put_after_them():
    # "تاريخ الولادة ٠١/٠٧/٢٠٠٦": Tesseract read the Arabic-Indic date as Latin junk and listed it first,
    # the Arabic words right to left after it; the digit reader's date kept its place.
    listed = _line(("01/07/2006", 0), ("تاريخ", 330), ("الولادة", 220))
    assert logical_order(Reading([listed])).text == "تاريخ الولادة 01/07/2006"


def test_a_colon_shorter_than_the_words_does_not_keep_a_line_from_being_reordered():
    # As Tesseract listed "الأجر الشهري : ٨٠٠ دينار" once it judged the line left to right.
    words = [OcrWord("دينار", 90.0, (0, 10, 100, 40)), OcrWord("800", 90.0, (110, 15, 60, 30)),
             OcrWord(":", 90.0, (180, 36, 4, 8)), OcrWord("الشهري", 90.0, (200, 10, 100, 40)),
             OcrWord("الأجر", 90.0, (310, 10, 100, 40))]
    assert logical_order(Reading([Line(words)])).text == "الأجر الشهري : 800 دينار"


def test_a_line_whose_runs_were_listed_left_to_right_is_reordered_though_each_run_reads_right():
    # Listed "دينار 800 : الأجر الشهري": the runs left to right, the label's two words right to left.
    words = [OcrWord("دينار", 90.0, (0, 10, 100, 40)), OcrWord("800", 90.0, (110, 15, 60, 30)),
             OcrWord(":", 90.0, (180, 36, 4, 8)), OcrWord("الأجر", 90.0, (310, 10, 100, 40)),
             OcrWord("الشهري", 90.0, (200, 10, 100, 40))]
    assert logical_order(Reading([Line(words)])).text == "الأجر الشهري : 800 دينار"


def test_a_latin_name_inside_an_arabic_line_stays_left_to_right():
    listed = _line(("Reyes", 110), ("Leila", 0), (":", 220), ("الثاني", 330), ("الطرف", 440))
    assert logical_order(Reading([listed])).text == "الطرف الثاني : Leila Reyes"
    trailing = _line(("الاسم", 440), (":", 330), ("Leila", 110), ("Reyes", 220), (".", 0))
    assert logical_order(Reading([trailing])).text == "الاسم : Leila Reyes ."


def test_lines_already_in_order_latin_lines_and_lines_of_two_rows_are_left_as_read():
    right = _line(("رقم", 330), ("القيد", 220), (":", 110), ("44185867", 0))
    latin = _line(("Leila", 0), ("Reyes", 110), ("ليلى", 220))
    two_rows = Line([OcrWord("اسم", 90.0, (300, 10, 100, 40)), OcrWord("علي", 90.0, (400, 60, 100, 40))])
    for line in (right, latin, two_rows):
        assert logical_order(Reading([line])).lines == [line]


def test_a_line_listed_right_to_left_keeps_its_order_though_a_word_box_reaches_into_its_neighbour():
    # Tesseract's box for "نورة" reaches past the colon to its right; the listing is right.
    listed = Line([OcrWord("اسم", 90.0, (1333, 10, 35, 40)), OcrWord("المولود", 90.0, (1257, 10, 62, 40)),
                   OcrWord(":", 90.0, (1235, 10, 12, 40)), OcrWord("نورة", 90.0, (1180, 10, 139, 40)),
                   OcrWord("المطيري", 90.0, (999, 10, 83, 40))])
    assert logical_order(Reading([listed])).lines == [listed]


def _at(text: str, left: int, top: int, width: int = 200) -> Line:
    return Line([OcrWord(text, 90.0, (left, top, width, 40))])


def test_a_value_listed_before_the_label_above_it_comes_after_it():
    title, value, label, date = _at("شهادة ميلاد", 1400, 50), _at("6524996", 1400, 260), _at("رقم القيد", 1400, 200), \
        _at("12-02-2014", 1400, 700)
    assert logical_order(Reading([title, value, label, date])).lines == [title, label, value, date]


def test_columns_keep_tesseracts_order_between_them():
    # The English column is listed after the Arabic one though its lines stand higher: not the same column.
    arabic, english = _at("رقم القيد", 1400, 200), _at("Certificate No.", 75, 100)
    assert logical_order(Reading([arabic, english])).lines == [arabic, english]


def test_a_word_whose_tall_letters_reach_above_its_neighbours_is_still_on_their_row():
    # "نورة ol ual" with its look-alikes read again as Arabic words, kept where the look-alikes were
    # listed: "أحمد"'s hamza puts its box's middle just above "العتيبي"'s top.
    words = [OcrWord("نورة", 91.0, (1294, 441, 45, 44)), OcrWord("العتيبي", 60.0, (1150, 445, 68, 46)),
             OcrWord("أحمد", 87.0, (1233, 418, 49, 53))]
    assert logical_order(Reading([Line(words)])).text == "نورة أحمد العتيبي"


def test_a_line_that_took_in_a_word_of_the_row_below_is_not_reordered():
    words = [OcrWord("الاسم", 90.0, (310, 10, 100, 40)), OcrWord("علي", 90.0, (0, 70, 100, 40)),
             OcrWord("خالد", 90.0, (200, 10, 100, 40))]
    assert logical_order(Reading([Line(words)])).text == "الاسم علي خالد"
