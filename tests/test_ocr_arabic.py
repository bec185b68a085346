"""Arabic normalisation: what extraction and search rely on when matching names and numbers."""

from pipeline.ocr import fold_for_matching, normalize_digits, normalize_text, strip_diacritics
from pipeline.ocr.arabic import repair_lam_alef, unshape


def test_arabic_indic_and_persian_digits_become_ascii():
    assert normalize_digits("رقم ١٢٣٤٥٦٧٨٩٠ و ۱۲۳۴۵۶۷۸۹۰") == "رقم 1234567890 و 1234567890"


def test_diacritics_and_tatweel_are_removed_letters_kept():
    assert strip_diacritics("مُحَمَّـــد") == "محمد"


def test_folding_merges_spellings_people_use_interchangeably():
    assert fold_for_matching("أحمد إبراهيم آل مصطفى") == fold_for_matching("احمد ابراهيم ال مصطفي")
    assert fold_for_matching("فاطمة") == fold_for_matching("فاطمه")
    assert fold_for_matching("مُحَمَّد") == "محمد"


def test_folding_keeps_different_names_different():
    assert fold_for_matching("سعيد") != fold_for_matching("سعد")


def test_presentation_forms_from_pdf_layers_become_plain_letters():
    assert unshape("ﻻ ﺍﻟﻜﻮﻳﺖ") == "لا الكويت"


def test_split_hamza_on_lam_alef_is_recombined():
    assert repair_lam_alef("الا\u0654مير") == "الأمير"
    assert repair_lam_alef("لا\u0655سلام") == "لإسلام"


def test_normalize_text_drops_bidi_marks_and_extra_spaces_but_keeps_letters():
    assert normalize_text("\u200fتاريخ   الميلاد:\u200e ٢٠١٩ ") == "تاريخ الميلاد: 2019"
