"""Picking the machine-readable zone out of lines of text (the OCR side is in test_ocr_pages)."""

from pipeline.ocr.mrz import looks_like_mrz, mrz_lines
from tests.fixtures.pages import SPECIMEN_MRZ


def test_mrz_lines_are_the_last_two_mrz_like_lines_without_spaces():
    texts = ["PASSPORT", "Surname: ERIKSSON", SPECIMEN_MRZ[0][:20] + " " + SPECIMEN_MRZ[0][20:], SPECIMEN_MRZ[1]]
    assert mrz_lines(texts) == SPECIMEN_MRZ


def test_filler_read_as_guillemets_or_mirrored_is_filler():
    assert mrz_lines([SPECIMEN_MRZ[0].replace("<", "«"), SPECIMEN_MRZ[1].replace("<", ">")]) == SPECIMEN_MRZ


def test_miscounted_trailing_filler_is_fitted_to_the_standard_length():
    short = SPECIMEN_MRZ[0][:-2]
    long = SPECIMEN_MRZ[0] + "<<"
    assert mrz_lines([short, SPECIMEN_MRZ[1]]) == SPECIMEN_MRZ
    assert mrz_lines([long, SPECIMEN_MRZ[1]]) == SPECIMEN_MRZ


def test_ordinary_text_is_not_an_mrz():
    assert not looks_like_mrz("Employer: Gulf Trading Company, Kuwait City 2024")
    assert mrz_lines(["EMPLOYMENT CONTRACT", "Monthly salary: 450 KWD"]) is None
