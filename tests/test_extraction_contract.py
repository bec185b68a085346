"""Employment contracts: parties, title, term and monthly salary in its printed forms."""

import pytest

from pipeline.extraction.contract import extract_contract, salary_kwd


@pytest.mark.parametrize(
    ("text", "amount"),
    [("KWD 650.000", 650.0), ("650 د.ك", 650.0), ("٦٥٠ دينار", 650.0), ("K.D. 1,250.500", 1250.5),
     ("450 KD", 450.0), ("Kuwaiti Dinars 725", 725.0), ("٧٥٠ دينار كويتي", 750.0), ("0 دينار", None),
     ("KWD 1200.000", 1200.0), ("negotiable", None), ("K.D. 1,200,000", 1200.0), ("KWD 12,500", 12500.0),
     # The dinar misread by a letter (3030's contract-05) is the dinar; the dollar is no dinar.
     ("800.000 ديئار كويق", 800.0), ("800 دولار", None)],
)
def test_salary_forms(text, amount):
    assert salary_kwd(text) == amount


def test_english_contract_with_end_date():
    text = """EMPLOYMENT CONTRACT
Contract No.: 2024/1187
Employer: Gulf Star Trading Co
Employee: Rajesh Kumar
Job Title: Accountant
Commencement Date: 01/03/2024
Contract End Date: 28/02/2026
Monthly Salary: KWD 650.000
"""
    assert extract_contract(text) == {
        "contract_number": "2024/1187", "employer_name": "Gulf Star Trading Co", "employee_name": "Rajesh Kumar",
        "job_title": "Accountant", "start_date": "2024-03-01", "end_date": "2026-02-28", "monthly_salary_kwd": 650.0,
    }


def test_arabic_contract_with_duration_gives_end_date():
    text = """عقد عمل
رقم العقد : 2023/83207
صاحب العمل : شركة البحر الأزرق
الطرف الثاني : سالم خالد العنزي
المسمى الوظيفي : مدير مبيعات
تاريخ المباشرة : 2025-10-05
مدة العقد : سنتان
الأجر الشهري : ٤٥٠ د.ك
"""
    fields = extract_contract(text)
    assert fields["start_date"] == "2025-10-05" and fields["end_date"] == "2027-10-04"
    assert fields["employee_name"] == "سالم خالد العنزي" and fields["monthly_salary_kwd"] == 450.0


def test_value_first_line_and_label_slips_from_right_to_left_ocr():
    text = """عقد عمل
Mohammed Okafor : الطرف الثاني
تأريخ يدم العمل : 2025-10-22
"""
    fields = extract_contract(text)
    assert fields["employee_name"] == "Mohammed Okafor" and fields["start_date"] == "2025-10-22"


def test_duration_forms():
    from pipeline.extraction.contract import duration_months

    assert [duration_months(t) for t in ("سنتان", "2 years", "18 months", "three (3) years", "٣ سنوات", "open")] == [
        24, 24, 18, 36, 36, None]


def test_label_with_one_unreadable_word_still_found():
    assert extract_contract("تاريخ ela! العقد : 2026-11-20\n")["end_date"] == "2026-11-20"


def test_a_label_whose_medial_ha_was_read_as_ba_and_with_two_letters_lost_is_still_its_label():
    # Amiri's stacked letters: "تاريخ انتهاء العقد" read "تار انتباء العقد" (ـهـ as ب, يخ lost).
    assert extract_contract("تار انتباء العقد : 14/06/2026")["end_date"] == "2026-06-14"


def test_a_label_with_one_word_unreadable_and_a_medial_ha_read_as_ba_is_still_found():
    # "تاريخ انتهاء العقد" in Amiri, blurred: "تاريخ" cut into "تار: é", "انتهاء" read "انتباء".
    text = "عقد عمل\nتاريخ بدء العمل : 2025-03-20\nتار: é انتباء العقد : 19-03-2026\n"
    assert extract_contract(text)["end_date"] == "2026-03-19"
