"""Which of the page's models read a line again: those of the script the line is written in."""

from pipeline.ocr.second_readings import script_languages


def test_a_line_is_read_again_with_its_scripts_models():
    assert script_languages("ara+eng", "اسم الأب : علي") == "ara"
    assert script_languages("ara+eng", "Father's Name") == "eng"
    assert script_languages("ara+eng", "رقم القيد : 44185867") == "ara"  # letters decide, not digits


def test_a_line_of_ascii_digits_only_is_latin_and_of_arabic_indic_digits_arabic():
    # A passport number "S76731560" whose letter the page read lost comes out as "2 0": the Latin model
    # reads it again, the Arabic one cannot.
    assert script_languages("ara+eng", "2 0") == "eng"
    assert script_languages("ara+eng", "٠٢/٠٤/٢٠٢٥") == "ara"
