"""Certificates are read by their labels, in any wording the vocabulary lists, Arabic or bilingual."""

from pipeline.extraction.certificates import extract_birth, extract_marriage
from pipeline.extraction.values import sex_value


def test_arabic_marriage_certificate_with_indic_digits_and_hijri_date():
    text = """وثيقة عقد زواج
رقم القيد : ٤٥٦٧٨
الزوج : محمد أحمد العنزي
الزوجة : فاطمة حسن الشمري
تاريخ عقد الزواج : 1445/09/01 هـ
"""
    assert extract_marriage(text) == {
        "certificate_number": "45678", "husband_name": "محمد أحمد العنزي", "wife_name": "فاطمة حسن الشمري",
        "marriage_date": "2024-03-11",
    }


def test_bilingual_marriage_certificate_with_value_on_next_line():
    text = """Marriage Certificate وثيقة زواج
Certificate No. رقم الوثيقة
9344096
Name of Husband اسم الزوج
علي كريم الحربي
Wife's Name اسم الزوجة
مريم وليد حسين
Date of Marriage تاريخ الزواج
23 أبريل 2008
"""
    fields = extract_marriage(text)
    assert fields == {"certificate_number": "9344096", "husband_name": "علي كريم الحربي",
                      "wife_name": "مريم وليد حسين", "marriage_date": "2008-04-23"}


def test_birth_certificate_labels_with_ocr_slip_and_sex_words():
    text = """شهادة ميلاد
رقم الشبادة : 67124538
اسم الطفل : وليد سالم الخالدي
النوع : ذكر
تاريخ الميلاد : 22 فبراير 2011
اسم الوالد : سالم حسن الخالدي
اسم الوالدة : ليلى خالد البدر
"""
    fields = extract_birth(text)
    assert fields["certificate_number"] == "67124538"  # "الشبادة" is one OCR slip from "الشهادة"
    assert fields["sex"] == "M" and fields["date_of_birth"] == "2011-02-22"
    assert fields["father_name"] == "سالم حسن الخالدي" and fields["mother_name"] == "ليلى خالد البدر"
    assert extract_birth(text.replace("ذكر", "Female"))["sex"] == "F"


def test_missing_label_gives_null_not_a_guess():
    fields = extract_birth("شهادة ميلاد\nاسم المولود : سارة\n")
    assert fields["child_name"] == "سارة"
    assert fields["certificate_number"] is None and fields["mother_name"] is None


def test_a_title_on_the_next_line_is_not_a_value():
    assert extract_birth("اسم الوالدة\nBirth Certificate\nDate of Birth\n")["mother_name"] is None


def test_a_sex_word_cut_short_by_ocr_counts_only_when_it_starts_one_sex_alone():
    assert sex_value("أن") == "F"  # "أنثى" whose stacked final letters OCR dropped
    assert sex_value("ذك") == "M"
    assert sex_value("ا") is None  # too short to tell
    assert sex_value("fe") is None and sex_value("ma") is None  # Latin starts are never guessed
    assert sex_value("كريم") is None


def test_a_sex_word_with_one_letter_misread_counts_when_no_other_sex_word_is_near():
    assert sex_value("أنقى") == "F"  # "أنثى" with its ث read as ق
    assert sex_value("انتى") == "F"
    assert sex_value("ذكي") is None  # three letters: only whole words or starts
    assert sex_value("أنقاض") is None  # two letters off


def test_a_sex_word_with_one_letter_dropped_counts_even_when_three_letters_are_left():
    assert sex_value("أنى") == "F"  # "أنثى" whose stacked ث the Arabic model lost
    assert sex_value("نثى") == "F"
    assert sex_value("ذكي") is None and sex_value("فكر") is None  # misread, not dropped: any word


def test_an_arabic_label_whose_first_alef_was_lost_still_names_its_field():
    fields = extract_birth("رقم القيد : 44185867\nلجنس : أن\nتاريخ الولادة : 2023-12-17")
    assert fields["sex"] == "F" and fields["date_of_birth"] == "2023-12-17"


def test_a_label_whose_first_word_ocr_garbled_is_still_the_whole_label_not_a_value():
    # "اسم الزوجة" read "سم الزوجة": "الزوجة" alone is a label too, and "سم" is no name.
    fields = extract_marriage("رقم العقد\n2587092\nسم الزوجة\nهدى حسن حسين |\nتاريخ عقد الزواج\n16/08/1996")
    assert fields["wife_name"] == "هدى حسن حسين"


def test_only_a_latin_value_is_taken_from_before_its_label():
    # A right-to-left line listed value-first ("Rajesh Kumar : اسم العامل") is Latin; Arabic words before
    # a label are a garbled part of it, and the value is on the next line.
    assert extract_marriage("Leila Reyes : اسم الزوجة")["wife_name"] == "Leila Reyes"
    assert extract_marriage("نم : اسم الزوجة\nهدى حسن حسين")["wife_name"] == "هدى حسن حسين"


def test_a_registration_number_read_only_in_part_is_not_reported():
    # "٦٤١٧١٤٧" of which OCR read two digits: no number is better than a wrong one (the document is
    # then reviewed for its missing number).
    assert extract_marriage("رقم العقد : 64\nاسم الزوج : فهد وليد المطيري")["certificate_number"] is None
    assert extract_marriage("رقم العقد : 6417147")["certificate_number"] == "6417147"
    assert extract_marriage("Certificate No. KW-2019/123")["certificate_number"] == "KW-2019/123"


def test_a_label_word_ocr_split_in_two_still_names_its_field():
    # Spaces after Arabic letters that do not join the next: "الولادة" read "الو لادة".
    fields = extract_birth("رقم القيد\n24377908\nتاريخ الو لادة\n2022-06-09\nاسم الأم\nمنى عمر عبدالرحمن")
    assert fields["date_of_birth"] == "2022-06-09"
    assert extract_birth("اسم ال أب : سالم حسن")["father_name"] == "سالم حسن"


def test_a_two_word_label_with_one_word_read_as_no_arabic_at_all_still_names_its_field():
    assert extract_marriage("رقم idl : 9880087")["certificate_number"] == "9880087"
    assert extract_birth("4,4 الميلاد : 1446/01/05 هـ")["date_of_birth"] == "2024-07-11"
    # A word read as Arabic may be another label's ("رقم الهاتف"); one of two fields' labels is neither's.
    assert extract_marriage("رقم الهاتف : 99887766")["certificate_number"] is None
    assert extract_marriage("اسم idl : علي حسن")["husband_name"] is None
