"""Required fields, OCR confidence, declared type, MRZ check digits and MRZ-versus-page consistency."""

from datetime import date

from pipeline.extraction.mrz import check_digit, parse_mrz
from pipeline.extraction.passport import printed_page
from pipeline.models import OcrWord, PageText, TextResult, status_from_checks
from pipeline.validators.consistency import check_mrz_matches_page
from pipeline.validators.declared_type import check_declared_type
from pipeline.validators.fields import check_full_names, check_required_fields
from pipeline.validators.mrz import check_mrz
from pipeline.validators.ocr_quality import check_field_confidence, check_ocr_confidence, field_doubts

TODAY = date(2010, 1, 1)
MRZ = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
PAGE = """PASSPORT
Passport No. {number}
Surname ERIKSSON
Given names ANNA MARIA
Date of birth {birth}
Date of expiry 15 APR/AVR 12
"""


def _field_check(text: TextResult, fields: dict, printed_dates: bool = True):
    return check_field_confidence(field_doubts(text, fields, 60.0, printed_dates), 60.0)


def _page(number="L898902C3", birth="12 AUG/AOUT 74"):
    return printed_page(PAGE.format(number=number, birth=birth), TODAY)


def test_missing_fields_need_review_and_unknown_type_is_named():
    (check,) = check_required_fields("marriage_certificate", {"certificate_number": "1", "husband_name": "x"})
    assert check.outcome == "fail" and check.severity == "review" and "wife_name" in check.detail
    assert "not be recognised" in check_required_fields("unknown", {})[0].detail


def test_a_name_read_as_one_word_needs_review():
    (check,) = check_full_names({"husband_name": "ناصر كريم المطيري", "wife_name": "ريم"})
    assert check.outcome == "warn" and check.severity == "review" and check.detail.endswith("wife_name")
    assert status_from_checks([check]) == "needs_review"
    assert check_full_names({"wife_name": "ريم محمد القحطاني", "employee_name": "Anna Varghese"})[0].outcome == "pass"
    assert check_full_names({"employer_name": "Alghanim"}) == []  # an organisation's name may be one word


def test_low_ocr_confidence_needs_review():
    text = TextResult("s", [PageText(1, "some text", "ocr", 41.5, 0.1)], "tesseract", 0.1)
    (check,) = check_ocr_confidence(text, 60.0)
    assert check.outcome == "fail" and check.severity == "review" and "41.5" in check.detail
    assert check_ocr_confidence(text, 40.0)[0].outcome == "pass"


def test_a_value_holding_a_word_read_unsurely_needs_review_though_the_page_read_well():
    words = [OcrWord("نورة", 93.0, (0, 0, 40, 20)), OcrWord("ساي", 55.0, (50, 0, 40, 20)),
             OcrWord("المطيري", 85.0, (100, 0, 40, 20)), OcrWord("77463672", 93.0, (0, 40, 80, 20))]
    text = TextResult("s", [PageText(1, "نورة ساي المطيري\n77463672", "ocr", 88.0, 0.1, words)], "tesseract", 0.1)
    (check,) = _field_check(text, {"child_name": "نورة ساي المطيري", "certificate_number": "77463672",
                                             "date_of_birth": "2016-09-03"})
    assert check.outcome == "fail" and check.severity == "review" and "child_name" in check.detail
    assert "ساي" in check.detail and "certificate_number" not in check.detail
    # Values whose words were read surely, or not read as words at all (a date rebuilt from its parts), pass.
    (sure,) = _field_check(text, {"certificate_number": "77463672", "date_of_birth": "2016-09-03"})
    assert sure.outcome == "pass"


def _read(*words: tuple[str, float]) -> TextResult:
    """A one-line page of these words, each read at its confidence."""
    read = [OcrWord(text, confidence, (50 * i, 0, 40, 20)) for i, (text, confidence) in enumerate(words)]
    line = " ".join(text for text, _ in words)
    return TextResult("s", [PageText(1, line, "ocr", 80.0, 0.1, read)], "tesseract", 0.1)


def test_a_value_word_read_unsurely_with_a_mark_beside_it_needs_review():
    # The line read "حسن ناصر السيد." (the mark a misreading); the value is cut without it.
    text = _read(("حسن", 89.0), ("ناصر", 90.0), ("السيد.", 0.0))
    (check,) = _field_check(text, {"father_name": "حسن ناصر السيد"})
    assert check.outcome == "fail" and "السيد" in check.detail


def test_a_name_with_a_word_in_the_other_script_needs_review_however_surely_read():
    # "علي عمر البدر" with its "علي" read as the Latin look-alike "de", at 94%.
    text = _read(("de", 94.0), ("عمر", 90.0), ("البدر", 88.0))
    (check,) = _field_check(text, {"father_name": "de عمر البدر"})
    assert check.outcome == "fail" and "'de' in the other script" in check.detail
    # One script throughout, Latin or Arabic, with a number beside it: nothing to say.
    for value in ("Anna Varghese", "عمر البدر", "شركة 2000 للتجارة"):
        assert _field_check(text, {"name": value})[0].outcome == "pass"


def test_a_person_name_holding_a_number_needs_review_however_surely_read():
    # "فهد كريم الرشيدي" with its "فهد" read as "449", at 93%.
    text = _read(("449", 93.0), ("كريم", 92.0), ("الرشيدي", 95.0))
    (check,) = _field_check(text, {"husband_name": "449 كريم الرشيدي"})
    assert check.outcome == "fail" and "'449' is a number in a person's name" in check.detail
    # Arabic-Indic digits are numbers too; a company's name may hold one.
    text = _read(("٤٤٩", 93.0), ("كريم", 92.0))
    assert _field_check(text, {"employee_name": "٤٤٩ كريم"})[0].outcome == "fail"
    assert _field_check(text, {"employer_name": "شركة 2000 للتجارة"})[0].outcome == "pass"


def test_a_date_printed_with_a_two_digit_year_read_unsurely_needs_review():
    # "13/04/2025" read by the digit reader as "13/04/20" beside noise: the value 2020-04-13.
    text = _read(("تاريخ", 96.0), ("13/04/20", 0.0))
    (check,) = _field_check(text, {"start_date": "2020-04-13"})
    assert check.outcome == "fail" and "13/04/20" in check.detail


def test_a_date_the_page_shows_only_with_a_two_digit_year_needs_review_however_surely_read():
    # "21/10/2006" read "21/10/20" at 95%: the value 2020-10-21, a wrong century the reading cannot show.
    text = _read(("تاريخ", 96.0), ("21/10/20", 95.0))
    (check,) = _field_check(text, {"marriage_date": "2020-10-21"})
    assert check.outcome == "fail" and "two-digit year" in check.detail
    # The year printed whole somewhere (a named month, or the date again) settles the century.
    for whole in ("21/10/2020", "2020"):
        text = _read(("تاريخ", 96.0), ("21/10/20", 95.0), (whole, 95.0))
        assert _field_check(text, {"marriage_date": "2020-10-21"})[0].outcome == "pass"
    # A passport's dates come from its MRZ (two-digit years, checked by check digits): not judged here.
    text = _read(("21/10/20", 95.0))
    assert _field_check(text, {"date_of_birth": "2020-10-21"}, printed_dates=False)[0].outcome == "pass"


def test_a_value_with_a_bar_inside_needs_review_however_surely_read():
    # "رنا أحمد القحطاني" with the alef of "القحطاني" read as a bar: "رنا أحمد | لقحطاني", every word sure.
    text = _read(("رنا", 95.0), ("أحمد", 95.0), ("|", 90.0), ("لقحطاني", 92.0))
    (check,) = _field_check(text, {"wife_name": "رنا أحمد | لقحطاني"})
    assert check.outcome == "fail" and "wife_name holds a bar" in check.detail
    # Before a word that has its alef, the bar is a speck beside a right name.
    text = _read(("يوسف", 95.0), ("حسن", 95.0), ("|", 90.0), ("المطيري", 92.0))
    assert _field_check(text, {"husband_name": "يوسف حسن | المطيري"})[0].outcome == "pass"


def test_an_amount_read_unsurely_needs_review():
    words = [OcrWord("الراتب", 92.0, (0, 0, 40, 20)), OcrWord("101", 41.0, (50, 0, 40, 20))]
    text = TextResult("s", [PageText(1, "الراتب 101", "ocr", 80.0, 0.1, words)], "tesseract", 0.1)
    (check,) = _field_check(text, {"monthly_salary_kwd": 101.0})
    assert check.outcome == "fail" and "monthly_salary_kwd" in check.detail
    assert _field_check(text, {"monthly_salary_kwd": 650.0})[0].outcome == "pass"  # not on the page


def test_an_amount_is_judged_by_the_number_that_prints_it_in_whatever_form():
    # Arabic-Indic "٣٥٠" read by Tesseract as "٠١" (never sure: "01" at 0%), a salary of 1 dinar.
    text = _read(("الراتب", 93.0), ("01", 0.0), ("دينار", 89.0))
    (check,) = _field_check(text, {"monthly_salary_kwd": 1.0})
    assert check.outcome == "fail" and "'01' at 0%" in check.detail
    text = _read(("KWD", 95.0), ("1,250.000", 40.0))
    assert _field_check(text, {"monthly_salary_kwd": 1250.0})[0].outcome == "fail"
    text = _read(("KWD", 95.0), ("1,250.000", 94.0))
    assert _field_check(text, {"monthly_salary_kwd": 1250.0})[0].outcome == "pass"


def test_declared_type_is_checked_not_trusted():
    assert check_declared_type("passport", "birth_certificate")[0].severity == "review"
    assert check_declared_type(None, "passport")[0].outcome == "skip"


def test_mrz_check_digit_failure_rejects_and_missing_mrz_needs_review():
    bad = parse_mrz([MRZ[0], MRZ[1].replace("F1204159", "F1204158")], today=TODAY)
    assert status_from_checks(check_mrz(bad, "passport")) == "rejected"
    assert status_from_checks(check_mrz(None, "passport")) == "needs_review"
    swapped = parse_mrz([MRZ[0], MRZ[1].replace("L898902C3", "L8989O2C3")], today=TODAY)
    assert status_from_checks(check_mrz(swapped, "passport")) == "needs_review"


def test_printed_page_agreeing_with_mrz_passes():
    checks = check_mrz_matches_page(parse_mrz(MRZ, today=TODAY), _page())
    assert [c.outcome for c in checks] == ["pass"] * 4


def test_a_name_word_printed_one_letter_otherwise_than_the_mrz_has_it_needs_review():
    # No check digit covers names: "PILLAI" in the MRZ and "PILLAT" read on the page is a misread on one
    # side, which no check settles (reporting the printed word verified a wrong surname).
    mrz = parse_mrz(MRZ, today=TODAY)
    names = check_mrz_matches_page(mrz, printed_page(PAGE.format(number="L898902C3", birth="12 AUG/AOUT 74")
                                                     .replace("ERIKSSON", "ERIKSSOH"), TODAY))[3]
    assert (names.outcome, names.severity) == ("warn", "review") and "ERIKSSON" in names.detail
    # A letter the MRZ read more (OCR-B's characters split at low resolution) is let pass.
    split = parse_mrz([MRZ[0].replace("ERIKSSON<<ANNA<MARIA<", "ERIKSSTON<<ANNA<MARIA"), MRZ[1]], today=TODAY)
    assert split.surname == "ERIKSSTON"
    assert check_mrz_matches_page(split, _page())[3].outcome == "pass"


def test_tampered_printed_number_or_date_rejects():
    mrz = parse_mrz(MRZ, today=TODAY)
    number = check_mrz_matches_page(mrz, _page(number="L898912C3"))[0]
    assert number.outcome == "fail" and number.severity == "reject" and "L898912C3" in number.detail
    birth = check_mrz_matches_page(mrz, _page(birth="12/08/1975"))[1]
    assert birth.outcome == "fail" and birth.severity == "reject"


def test_letters_read_as_digits_on_the_printed_page_match_but_one_digit_never_matches_another():
    number = "Z5083084"
    mrz = parse_mrz(["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                     f"{number}<{check_digit(number + '<')}" + MRZ[1][10:]], today=TODAY)
    for read in ("Z5083084", "25083084", "75083084"):
        assert check_mrz_matches_page(mrz, _page(number=read))[0].outcome == "pass", read
    for forged in ("Z5083087", "Z5088084"):
        assert check_mrz_matches_page(mrz, _page(number=forged))[0].severity == "reject", forged


def test_unreadable_printed_number_needs_review_not_a_pass():
    (number, *_) = check_mrz_matches_page(parse_mrz(MRZ, today=TODAY), printed_page("PASSPORT\n", TODAY))
    assert number.outcome == "warn" and number.severity == "review"


def test_country_codes_outside_icao_list_need_review():
    odd = parse_mrz([MRZ[0].replace("P<UTO", "P<INP"), MRZ[1].replace("UTO", "IID")], today=TODAY)
    checks = check_mrz(odd, "passport")
    (codes,) = [c for c in checks if c.name == "mrz_country_codes"]
    assert codes.outcome == "fail" and "INP" in codes.detail and "IID" in codes.detail
    assert not [c for c in check_mrz(parse_mrz(MRZ, today=TODAY), "passport") if c.name == "mrz_country_codes"]


def test_a_date_printed_with_a_word_read_unsurely_needs_review_unless_it_came_from_the_mrz():
    # "15 أغسطس 1998" read "5 أغسطس 1998": the "5" spans "15", so the text stage gave it no confidence;
    # the date 1998-08-05 is a valid date, and only the word that printed its day can tell.
    words = [OcrWord("5", 0.0, (0, 0, 40, 27)), OcrWord("أغسطس", 89.0, (50, 0, 140, 39)),
             OcrWord("1998", 96.0, (200, 0, 87, 28)), OcrWord("20/12/2006", 94.0, (0, 60, 200, 28))]
    text = TextResult("s", [PageText(1, "5 أغسطس 1998\n20/12/2006", "ocr", 80.0, 0.1, words)], "tesseract", 0.1)
    (check,) = _field_check(text, {"marriage_date": "1998-08-05"})
    assert check.outcome == "fail" and "marriage_date word '5'" in check.detail
    assert _field_check(text, {"marriage_date": "2006-12-20"})[0].outcome == "pass"
    assert _field_check(text, {"expiry_date": "1998-08-05"}, printed_dates=False)[0].outcome == "pass"


def test_a_date_word_read_with_a_quote_mark_before_it_is_judged_too():
    # 5050's marriage-06: '"1/11/9014' at 0% gave the date 9014-11-01, which was judged by no word (the
    # quote mark kept the word from matching) and the genuine certificate was rejected as married in 9014.
    words = [OcrWord("الزواج", 90.0, (300, 0, 90, 30)), OcrWord('"1/11/9014', 0.0, (0, 0, 200, 30))]
    text = TextResult("s", [PageText(1, 'الزواج : "1/11/9014', "ocr", 70.0, 0.1, words)], "tesseract", 0.1)
    (check,) = _field_check(text, {"marriage_date": "9014-11-01"})
    assert check.outcome == "fail" and "'1/11/9014' at 0%" in check.detail


def test_a_word_a_value_holds_twice_needs_two_sure_readings():
    # 5050's marriage-00: "كريم كريم المصري" read "كيم" at 88% and "كيم" at 30% (doubted by its drawing);
    # judged by the surest reading alone, the doubted one hid behind the other.
    words = [OcrWord("كيم", 88.0, (300, 0, 60, 30)), OcrWord("كيم", 30.0, (200, 0, 60, 30)),
             OcrWord("المصري", 89.0, (0, 0, 120, 30))]
    text = TextResult("s", [PageText(1, "كيم كيم المصري", "ocr", 70.0, 0.1, words)], "tesseract", 0.1)
    (check,) = _field_check(text, {"husband_name": "كيم كيم المصري"})
    assert check.outcome == "fail" and "'كيم' at 30%" in check.detail
    # Once in the value, its surest reading on the page is the one that counts.
    assert _field_check(text, {"husband_name": "كيم المصري"})[0].outcome == "pass"
