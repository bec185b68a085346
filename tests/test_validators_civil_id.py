"""Kuwaiti civil ID: century digit, birth date, serial and the weighted mod-11 check digit."""

from pipeline.validators.civil_id import check_civil_ids, civil_id_problem, civil_id_valid

VALID = "290010112346"  # born 1990-01-01, serial 1234: 11 - (2*2+9*1+...+4*2) mod 11 = 6


def test_valid_number():
    assert civil_id_valid(VALID)


def test_each_kind_of_fault_is_named():
    assert civil_id_problem(VALID[:-1] + "7") == "check digit does not match"
    assert "century digit" in civil_id_problem("5" + VALID[1:])
    assert "not a date" in civil_id_problem("291310112346")
    assert civil_id_problem("12345") == "is not 12 digits"


def test_numbers_in_document_text_are_checked_in_any_digit_system():
    assert check_civil_ids("الرقم المدني: ٢٩٠٠١٠١١٢٣٤٦")[0].outcome == "pass"
    failing = check_civil_ids(f"Civil ID {VALID[:-1]}0")[0]
    assert failing.outcome == "fail" and failing.severity == "review"
    assert check_civil_ids("no numbers") == []


def test_a_number_under_its_label_is_checked_and_twelve_digits_elsewhere_are_not_a_civil_id():
    assert check_civil_ids(f"الرقم المدني\n{VALID[:-1]}0")[0].outcome == "fail"
    # A passport number misread together with its check digit ("T72119054" + "4" + "11").
    assert check_civil_ids("Passport No.\n172119054411\nCountry code") == []
