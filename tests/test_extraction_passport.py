"""Passports understood from page text: MRZ fields, cross-check with the printed page, status."""

from datetime import date

from pipeline.extraction import understand
from pipeline.models import PageText, TextResult, status_from_checks

PAGE = """PASSPORT PASSEPORT
Passport No. {number}
Country code UTO
Surname ERIKSSON
Given names ANNA MARIA
Nationality UTOPIAN
Date of birth 12 AUG/AOUT 74
Sex F
Date of issue 16 APR/AVR 07
Date of expiry 15 APR/AVR 12
{mrz1}
{mrz2}
"""
MRZ1 = "P<UTOERIKSSON<<ANNAXMARIAKX<K<<<<<<<<K<<<<<<<"  # fillers read as X and K, as Tesseract does
MRZ2 = "L898902C36UT07408122F1204159ZE184226B<<<<<10"
BEFORE_EXPIRY = date(2010, 1, 1)


def _understand(as_of=BEFORE_EXPIRY, number="L898902C3", mrz2=MRZ2, mrz_marked=True):
    text = PAGE.format(number=number, mrz1=MRZ1, mrz2=mrz2)
    page = PageText(1, text, "ocr", 88.0, 0.5, mrz=[MRZ1, mrz2] if mrz_marked else None)
    result = understand(TextResult("sha", [page], "tesseract", 0.5), "passport", as_of)
    return result, status_from_checks(result.checks)


def test_genuine_passport_is_verified_with_fields_from_the_mrz():
    result, status = _understand()
    assert status == "verified", [c for c in result.checks if c.outcome != "pass"]
    assert result.doc_type == "passport"
    assert {k: result.fields[k] for k in ("document_number", "surname", "given_names", "nationality",
                                          "date_of_birth", "sex", "expiry_date", "issuing_country")} == {
        "document_number": "L898902C3", "surname": "ERIKSSON", "given_names": "ANNA MARIA", "nationality": "UTO",
        "date_of_birth": "1974-08-12", "sex": "F", "expiry_date": "2012-04-15", "issuing_country": "UTO"}
    assert result.fields["date_of_issue"] == "2007-04-16"


def test_mrz_found_in_text_when_the_text_stage_did_not_mark_it():
    result, status = _understand(mrz_marked=False)
    assert status == "verified" and result.fields["document_number"] == "L898902C3"


def test_expired_passport_is_rejected_for_expiry():
    result, status = _understand(as_of=date(2026, 1, 1))
    assert status == "rejected"
    assert [c.name for c in result.checks if c.outcome == "fail"] == ["not_expired"]


def test_tampered_printed_number_is_rejected():
    result, status = _understand(number="L898962C3")
    assert status == "rejected"
    assert any(c.name == "mrz_matches_printed_number" and c.outcome == "fail" for c in result.checks)


def test_bad_check_digit_is_rejected():
    result, status = _understand(mrz2=MRZ2.replace("F1204159", "F1204153"))
    assert status == "rejected"
    assert any(c.name == "mrz_check_digits" and "expiry_date" in c.detail for c in result.checks)


def test_misread_nationality_code_is_taken_from_the_printed_nationality_but_flagged():
    result, status = _understand(mrz2=MRZ2.replace("UT0", "UTQ"))
    assert result.fields["nationality"] == "UTO"
    assert status == "needs_review"
    assert any(c.name == "mrz_country_codes" and "UTQ" in c.detail for c in result.checks)


def test_printed_values_replace_mrz_values_whose_check_digit_failed():
    result, status = _understand(mrz2=MRZ2.replace("7408122", "7408172"))
    assert status == "rejected" and result.fields["date_of_birth"] == "1974-08-12"


def test_a_labelled_printed_number_equal_to_the_mrz_number_is_agreement():
    from pipeline.extraction.mrz import Mrz
    from pipeline.extraction.passport import PrintedPage
    from pipeline.validators.consistency import check_number

    mrz = Mrz("TD3", [], "P", "UTO", "A90006737", "UTO", None, "F", None, "X", "Y")
    page = PrintedPage(text="Passport No. A90006737", number_tokens=[], labeled_number="A90006737")
    assert check_number(mrz, page).outcome == "pass"
    page = PrintedPage(text="Passport No. A90006731", number_tokens=[], labeled_number="A90006731")
    assert check_number(mrz, page).outcome == "fail"


def test_a_printed_number_one_digit_off_the_mrz_is_a_disagreement_whatever_ocr_confuses():
    from pipeline.extraction.mrz import Mrz
    from pipeline.extraction.passport import PrintedPage
    from pipeline.validators.consistency import check_number

    mrz = Mrz("TD3", [], "P", "EGY", "N25016275", "EGY", None, "F", None, "X", "Y")
    for forged in ("N85016275", "N25016215", "N25816275"):
        page = PrintedPage(text=f"Passport No.: {forged}", number_tokens=[forged], labeled_number=forged)
        assert check_number(mrz, page).outcome == "fail", forged
    # Letters read for digits are OCR, not forgery.
    for misread in ("N25O16275", "N2SO16Z75", "NZ5016275"):
        page = PrintedPage(text=f"Passport No.: {misread}", number_tokens=[misread], labeled_number=misread)
        assert check_number(mrz, page).outcome == "pass", misread


def test_a_bilingual_label_misread_in_one_language_is_not_taken_as_the_value():
    # "Given names / Prénoms" with "Given" misread: the value is on the next line, not the garbled English.
    from pipeline.extraction.labels import labeled_values

    assert labeled_values("Ghren names Prénoms\nSARAH", "passport")["given_names"] == "SARAH"


def _names_read(mrz1: str, printed_name_lines: str) -> tuple[str, str]:
    text = f"PASSPORT\n{printed_name_lines}\n{mrz1}\n{MRZ2}\n"
    page = PageText(1, text, "ocr", 88.0, 0.5, mrz=[mrz1, MRZ2])
    fields = understand(TextResult("sha", [page], "tesseract", 0.5), "passport", BEFORE_EXPIRY).fields
    return fields["surname"], fields["given_names"]


def test_a_name_line_whose_double_filler_was_read_as_letters_is_split_where_the_printed_page_says():
    # Canada's specimen at low resolution: "MARTIN<<SARAH<" read "NARTINCCSARAHC", and its "Surname"
    # label read "Sumameoer", so the printed surname is known only as a word on the page.
    mrz1 = "P<UTONARTINCCSARAHC<<<<<<<<<<<<<<<<<<<<<<<<<"
    assert _names_read(mrz1, "Sumameoer\nMARTIN\nGiven names\nSARAH") == ("MARTIN", "SARAH")


def test_an_mrz_name_one_letter_off_a_printed_name_word_is_the_printed_word():
    # Qatar's specimen: "AL<KAABI" read "AL<KAABL" in the MRZ; the page prints "AL-KAABI". A name that
    # no printed word is near stays as the MRZ reads it.
    mrz1 = "P<UTOAL<KAABL<<ALI<HAMAD<<<<<<<<<<<<<<<<<<<<"
    assert _names_read(mrz1, "Name\nALI HAMAD AL-KAABI") == ("AL KAABI", "ALI HAMAD")
    assert _names_read(mrz1, "Name\nALI HAMAD") == ("AL KAABL", "ALI HAMAD")


def test_a_name_the_mrz_and_the_printed_page_spell_one_letter_apart_is_reported_as_printed_but_reviewed():
    # Either side may be the misread ("PILLAI" in the MRZ, the page read "PILLAT"): never verified so.
    mrz1 = "P<UTOAL<KAABL<<ALI<HAMAD<<<<<<<<<<<<<<<<<<<<"
    text = f"PASSPORT\nName\nALI HAMAD AL-KAABI\n{mrz1}\n{MRZ2}\n"
    page = PageText(1, text, "ocr", 88.0, 0.5, mrz=[mrz1, MRZ2])
    result = understand(TextResult("sha", [page], "tesseract", 0.5), "passport", BEFORE_EXPIRY)
    (names,) = [c for c in result.checks if c.name == "mrz_matches_printed_names"]
    assert (names.outcome, names.severity) == ("warn", "review") and "KAABL" in names.detail
    assert status_from_checks(result.checks) != "verified"
