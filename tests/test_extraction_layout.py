"""Reading by position on bilingual forms: the English label names the row when the Arabic one is lost."""

from pipeline.extraction.certificates import extract_birth, extract_marriage
from pipeline.extraction.layout import row_values
from pipeline.models import OcrWord


def _row(y: int, english: str, arabic: str, height: int = 34) -> list[OcrWord]:
    """An English label at the left and Arabic text at the right, on one row (Arabic words right to left)."""
    words = [OcrWord(w, 95.0, (80 + 160 * i, y, 140, height)) for i, w in enumerate(english.split())]
    return words + [OcrWord(w, 90.0, (1900 - 140 * (i + 1), y - 4, 120, height + 10))
                    for i, w in enumerate(arabic.split())]


def _form(rows: list[tuple[str, str, str]]) -> tuple[str, list[OcrWord]]:
    """Each field as printed: English label | Arabic label on one row, the value under the Arabic label."""
    words: list[OcrWord] = []
    lines: list[str] = []
    for i, (english, arabic, value) in enumerate(rows):
        y = 200 + 180 * i
        words += _row(y, english, arabic) + _row(y + 70, "", value)
        lines += [line for line in (arabic, value) if line]
    lines += [english for english, _, _ in rows]
    return "\n".join(lines), words


MARRIAGE = [("Certificate No.", "رقم العقد", "2587092"), ("Husband's Name", "اعم تيع", "سامي عمر الرشيدي"),
            ("Wife's Name", "اسم الزوجة", "هدى حسن حسين"), ("Marriage Date", "تاريخ عقد الزواج", "16/08/1996")]


def test_a_value_under_a_garbled_arabic_label_is_found_by_the_english_label_on_its_row():
    # OCR read "اسم الزوج" as "اعم تيع": the text alone leaves "سامي عمر الرشيدي" nobody's.
    text, words = _form(MARRIAGE)
    assert extract_marriage(text)["husband_name"] is None
    assert extract_marriage(text, [words]) == {"certificate_number": "2587092", "husband_name": "سامي عمر الرشيدي",
                                               "wife_name": "هدى حسن حسين", "marriage_date": "1996-08-16"}


def test_a_row_whose_arabic_label_and_value_were_both_lost_gets_no_value_from_the_next_row():
    rows = [("Name of Child", "", "آمنة يوسف البدر"), ("Gender", "", ""), ("Birth Date", "تاريخ الميلاد", "12-02-2014")]
    text, words = _form(rows)
    fields = extract_birth(text, [words])
    assert fields["child_name"] == "آمنة يوسف البدر" and fields["date_of_birth"] == "2014-02-12"
    assert fields["sex"] is None  # not "تاريخ الميلاد", the next row's label


def test_labels_found_in_the_text_win_over_positions_and_one_column_pages_give_nothing():
    _, words = _form(MARRIAGE)
    arabic_only = [w for w in words if w.box[0] > 1000]
    assert row_values(arabic_only, "marriage_certificate") == {}
    assert extract_marriage("اسم الزوج : فهد وليد المطيري", [words])["husband_name"] == "فهد وليد المطيري"
