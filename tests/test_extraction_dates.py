"""Dates as printed: orders, separators, month names (English, French, Arabic), digit systems, Hijri."""

from datetime import date

import pytest

from pipeline.extraction.dates import find_dates, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12/08/1974", date(1974, 8, 12)),
        ("1974-08-12", date(1974, 8, 12)),
        ("12.08.1974", date(1974, 8, 12)),
        ("12 AUG/AOUT 74", date(1974, 8, 12)),
        ("August 12, 1974", date(1974, 8, 12)),
        ("١٢/٠٨/١٩٧٤", date(1974, 8, 12)),
        ("۱۲/۰۸/۱۹۷۴", date(1974, 8, 12)),
        ("15 مارس 2020", date(2020, 3, 15)),
        ("٣ يناير ٢٠١٩", date(2019, 1, 3)),
        ("2008 أبريل 3", date(2008, 4, 3)),  # right-to-left line as OCR emits it
        ("1 رمضان 1445 هـ", date(2024, 3, 11)),
        ("1445/09/01 هـ", date(2024, 3, 11)),
        ("Date of Birth: 03.11.1990 Place", date(1990, 11, 3)),
        ("12th March 2015", date(2015, 3, 12)),
        ("12-Mar-2015", date(2015, 3, 12)),
        ("March 1st, 2020", date(2020, 3, 1)),
    ],
)
def test_printed_dates(text, expected):
    assert parse_date(text, pivot_year=2026) == expected


def test_a_number_on_the_line_after_a_date_is_not_its_year():
    # 101's passport-01: "09 SEP/SEP 33" above a stray "1592" (a piece of the MRZ): the lines are joined,
    # "33" was taken for a day and "1592" for the year, and the printed expiry was lost.
    assert [d.value for d in find_dates("Date of expiry\n09 SEP/SEP 33\n1592", pivot_year=2026)] == [date(1933, 9, 9)]
    assert parse_date("September 9, 2033\n1592", pivot_year=2026) == date(2033, 9, 9)


def test_impossible_dates_are_not_dates():
    assert parse_date("31/02/2020") is None
    assert parse_date("no date here") is None


def test_several_dates_in_order():
    found = find_dates("born 01/02/1990, issued 2015-06-30")
    assert [d.value for d in found] == [date(1990, 2, 1), date(2015, 6, 30)]


@pytest.mark.parametrize(("text", "expected"), [
    ("3 سبتمر 2016", date(2016, 9, 3)),  # a letter lost
    ("12 ينابر 2020", date(2020, 1, 12)),  # a letter misread
    ("4 نوفير 2018", date(2018, 11, 4)),  # two slips in a six-letter name
])
def test_an_arabic_month_name_misread_by_ocr_still_names_its_month(text: str, expected: date):
    assert parse_date(text) == expected


def test_a_misread_month_word_that_could_be_two_months_or_is_not_beside_a_number_is_no_date():
    assert parse_date("3 يوتيو 2020") is None  # يونيو (June) or يوليو (July)?
    assert find_dates("سبتمر") == []
