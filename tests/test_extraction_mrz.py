"""MRZ parsing (ICAO 9303): formats, check digits, look-alike repair only when check digits confirm it."""

from datetime import date

from pipeline.extraction.mrz import check_digit, find_mrz_lines, parse_mrz

# The ICAO 9303 "Utopia" specimens (Part 4 TD3, Part 5 TD1, Part 6 TD2).
TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
TD1 = ["I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"]
TD2 = ["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"]
TODAY = date(2026, 1, 1)


def test_check_digit_follows_icao_weights():
    assert check_digit("L898902C3") == "6"
    assert check_digit("740812") == "2"
    assert check_digit("<<<<<<<<<") == "0"


def test_td3_specimen_parses_with_all_check_digits():
    mrz = parse_mrz(TD3, today=TODAY)
    assert mrz is not None and mrz.format == "TD3" and mrz.valid
    assert (mrz.document_number, mrz.surname, mrz.given_names) == ("L898902C3", "ERIKSSON", "ANNA MARIA")
    assert (mrz.nationality, mrz.issuing_country, mrz.sex) == ("UTO", "UTO", "F")
    assert mrz.date_of_birth == date(1974, 8, 12) and mrz.expiry_date == date(2012, 4, 15)
    assert {c.name for c in mrz.checks} >= {"document_number", "date_of_birth", "expiry_date", "composite"}


def test_td1_and_td2_specimens_parse():
    for lines, fmt in ((TD1, "TD1"), (TD2, "TD2")):
        mrz = parse_mrz(lines, today=TODAY)
        assert mrz is not None and mrz.format == fmt and mrz.valid, lines
        assert mrz.document_number == "D23145890"
        assert (mrz.surname, mrz.given_names) == ("ERIKSSON", "ANNA MARIA")
        assert mrz.date_of_birth == date(1974, 8, 12)


def test_ocr_lookalikes_in_digit_positions_are_repaired_when_check_digits_hold():
    misread = ["P<UTOERIKSSON<<ANNA<MARIAKKKKKKKKKKKKKKKKKKK", "L898902C36UT07408l22F12O4159ZE184226B<<<<<1O"]
    mrz = parse_mrz(misread, today=TODAY)
    assert mrz.valid and mrz.nationality == "UTO" and mrz.date_of_birth == date(1974, 8, 12)
    assert mrz.given_names == "ANNA MARIA"  # K-rendered fillers are padding, not name
    assert "date_of_birth" in mrz.corrected and not mrz.guessed


def test_an_8_read_as_e_in_a_date_is_repaired_when_its_check_digit_holds():
    read_e = parse_mrz([TD3[0], TD3[1].replace("7408122F", "74OE122F")], today=TODAY)
    assert read_e.date_of_birth == date(1974, 8, 12) and "date_of_birth" in read_e.corrected
    wrong = parse_mrz([TD3[0], TD3[1].replace("7408122F", "74OE123F")], today=TODAY)
    assert "date_of_birth" in wrong.failed  # E is an 8 only where the check digit says so


def test_letter_digit_swap_in_document_number_is_kept_but_marked_as_guess():
    mrz = parse_mrz([TD3[0], TD3[1].replace("L898902C3", "L8989O2C3")], today=TODAY)
    assert mrz.valid and mrz.document_number == "L898902C3" and mrz.guessed == ["document_number"]


def test_wrong_check_digit_is_never_repaired_into_certainty():
    # A swap can satisfy a wrong check digit by chance (and the composite then holds too, since it
    # weighs the number the same way), so any letter/digit swap stays a guess a person must confirm.
    for bad in ("L898902C4", "L898902CB", "L898902C5", "L898902C7"):
        mrz = parse_mrz([TD3[0], TD3[1].replace("L898902C3", bad)], today=TODAY)
        assert not mrz.valid or mrz.guessed == ["document_number"], bad
        assert "document_number" in mrz.failed or mrz.guessed
    wrong_composite = TD3[1][:-1] + "9"
    assert parse_mrz([TD3[0], wrong_composite], today=TODAY).failed == ["composite"]


def test_century_birth_never_in_future_expiry_ahead():
    line2 = "L898902C36UTO1508125F3204153ZE184226B<<<<<18"
    mrz = parse_mrz([TD3[0], line2[:-1] + check_digit(line2[0:10] + line2[13:20] + line2[21:43])], today=TODAY)
    assert mrz.date_of_birth == date(2015, 8, 12) and mrz.expiry_date == date(2032, 4, 15)
    born_1930 = parse_mrz(TD3, today=TODAY)
    assert born_1930.date_of_birth.year == 1974


def test_mrz_lines_found_in_page_text_and_garbage_rejected():
    text = "PASSPORT\nSurname ERIKSSON\n" + TD3[0].replace("<", "< ", 3) + "\n" + TD3[1] + "\n"
    assert find_mrz_lines(text) is not None
    assert parse_mrz(["HELLO WORLD"], today=TODAY) is None


def test_one_inserted_character_is_realigned_only_when_check_digits_confirm_it():
    inserted = "L898902C36UT07408122F12041592ZE184226B<<<<<10"  # a stray "2" after the expiry check digit
    long_name_line = "P<UTOERIKSSON<<ANNA<KMARIAK<<<K<K<XK<X<<<<<<<<<<<<<"
    mrz = parse_mrz([long_name_line, inserted], today=TODAY)
    assert mrz.valid and mrz.lines[1][:28] == TD3[1][:28] and mrz.expiry_date == date(2012, 4, 15)
    wrong = parse_mrz([TD3[0], inserted.replace("ZE184226B", "ZE184227B")], today=TODAY)
    assert not wrong.valid or wrong.guessed


def test_a_letter_read_twice_with_a_filler_lost_is_realigned_though_the_line_keeps_its_length():
    # 5757: "IND" read "IIND" and one filler fewer at the end: 44 characters, a "D" where the birth date
    # starts (once taken for a "0", so no realignment was tried, and the genuine passport was rejected),
    # and among the realignments one that read "IIN0611040" as a birth date by chance.
    lines = ["P<INDFERNANDO<<GRACE<RAJESH<<<<<<<<<<<<<<<<<", "R470361217IIND6110040M2604217<<<<<<<<<<<<<<2"]
    mrz = parse_mrz(lines, today=TODAY)
    assert mrz.valid and mrz.date_of_birth == date(1961, 10, 4) and mrz.nationality == "IND"


def test_printed_number_decides_between_repairs_the_check_digit_cannot_separate():
    lines = ["P<CANMARTIN<<SARAH<<<<<<<<<<<<<<<<<<<<<<<<<<", "ZEQODSO9<9CANS501019F2301147<<<<<<<<<<<<<<08"]
    mrz = parse_mrz(lines, today=TODAY, printed_numbers=["ZE000509"])
    assert mrz.valid and mrz.document_number == "ZE000509" and mrz.date_of_birth == date(1985, 1, 1)
    assert "document_number" in mrz.guessed  # still a person's to confirm
    assert parse_mrz(lines, today=TODAY).document_number != "ZE000509"


def test_realignments_agreeing_on_dates_but_not_the_number_give_dates_and_no_number():
    lines = ["P<CANMARTIN<<SARAH<<<<<<<<<<<<<<<<<<<<<<<<<<", "ZEQDODSO9<9CANS501019F2301147<<<<<<<<<<<08"]
    mrz = parse_mrz(lines, today=TODAY)
    assert (mrz.date_of_birth, mrz.expiry_date, mrz.nationality) == (date(1985, 1, 1), date(2023, 1, 14), "CAN")
    assert mrz.document_number == "" and "document_number" in mrz.failed


def test_a_z_read_as_7_in_a_document_number_is_repaired_only_as_a_guess():
    number = "Z5083084"
    line2 = f"{number}<{check_digit(number + '<')}IND0210029F3309287<<<<<<<<<<<<<<<0"
    line2 = line2[:-1] + check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    read_7 = parse_mrz(["P<INDSHARMA<<LEILA<<<<<<<<<<<<<<<<<<<<<<<<<<", line2.replace("Z5", "75", 1)], today=TODAY)
    assert read_7.document_number == number and read_7.guessed == ["document_number"]
