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


def test_a_short_name_line_that_lost_most_of_its_filler_is_still_the_zone_and_is_padded():
    data = "Z5083084<3SYR8302227F3308154<<<<<<<<<<<<<<<2"
    name = "P<SYRREYES<<GRACE" + "<" * 27
    assert mrz_lines(["D15/08/2033", name[:23], data]) == [name, data]


def test_a_data_line_far_from_its_length_is_left_for_the_check_digits_to_judge():
    data = "Z5083084<3SYR8302227F3308154<<<<<<<<<<<<<<<2"
    assert mrz_lines(["P<SYRREYES<<GRACE" + "<" * 27, data[:36] + "<<"]) == ["P<SYRREYES<<GRACE" + "<" * 27,
                                                                            data[:36] + "<<"]


def test_ordinary_text_is_not_an_mrz():
    assert not looks_like_mrz("Employer: Gulf Trading Company, Kuwait City 2024")
    assert mrz_lines(["EMPLOYMENT CONTRACT", "Monthly salary: 450 KWD"]) is None
