"""The MRZ must agree with the printed page: a disagreement means tampering or a misread, never a choice."""

from __future__ import annotations

from datetime import date

from pipeline.extraction.mrz import Mrz
from pipeline.extraction.normalise import edit_distance, fold
from pipeline.extraction.passport import PrintedPage
from pipeline.models import Check

# Letters OCR reads for digits on the printed page; equal after folding counts as the same number.
# Only letters are folded, never one digit into another: a printed 8 where the MRZ has 2 is exactly
# what a forger's edit looks like.
_CONFUSABLE = str.maketrans("OQDILSZB", "00011528")
# A serif Z is also read as 7 (it is still a letter against a digit, never a digit against a digit).
_ALSO_CONFUSABLE = {frozenset("Z7")}


def _same_number(a: str, b: str) -> bool:
    return len(a) == len(b) and all(
        x.translate(_CONFUSABLE) == y.translate(_CONFUSABLE) or frozenset(x + y) in _ALSO_CONFUSABLE
        for x, y in zip(a, b, strict=True))


def check_number(mrz: Mrz, page: PrintedPage) -> Check:
    name, number = "mrz_matches_printed_number", mrz.document_number
    printed = [*page.number_tokens, *([page.labeled_number] if page.labeled_number else [])]
    if any(_same_number(t, number) for t in printed):
        return Check(name, "pass", f"printed document number {number} matches the MRZ")
    candidates = [page.labeled_number] if page.labeled_number else []
    candidates += [t for t in page.number_tokens if edit_distance(t, number, 2) <= 2]
    # Same length but other characters is a disagreement; a character more or less is a partial read.
    different = [c for c in candidates if len(c) == len(number)]
    if different:
        return Check(name, "fail", f"printed document number {different[0]} differs from the MRZ's {number}")
    if candidates:
        return Check(name, "warn", f"printed document number read only as {candidates[0]} (MRZ {number})", "review")
    return Check(name, "warn", "the printed document number could not be read to compare with the MRZ", "review")


def _check_date(name: str, label: str, value: date | None, page: PrintedPage) -> Check:
    if value is None:
        return Check(name, "skip", f"no {label} in the MRZ")
    # Printed two-digit years leave the century open, so years are compared within the century.
    def parts(d: date) -> tuple[int, int, int]:
        return d.year % 100, d.month, d.day

    if any(parts(d) == parts(value) for d in page.dates):
        return Check(name, "pass", f"printed {label} {value.isoformat()} matches the MRZ")
    near = [d for d in page.dates if sum(a == b for a, b in zip(parts(d), parts(value), strict=True)) >= 2]
    if near:
        return Check(name, "fail", f"printed {label} {near[0].isoformat()} differs from the MRZ's {value.isoformat()}")
    return Check(name, "warn", f"the printed {label} could not be read to compare with the MRZ", "review")


def check_names(mrz: Mrz, page: PrintedPage) -> Check:
    name = "mrz_matches_printed_names"
    words = fold(page.text).upper().split()
    wanted = (mrz.surname + " " + mrz.given_names).split()
    # A name missing entirely is only unsure (layouts vary). Names carry no check digit: a letter read
    # otherwise on one side ("PILLAI" printed, read "PILLAT"; Qatar's MRZ "KAABL"), or one the MRZ lacks,
    # is a disagreement no check can settle. One letter more in the MRZ is its characters split (OCR-B at
    # low resolution: "GARCTIA", "NADILA") and is let pass, as the printed word is reported.
    near = {w: [x for x in words if len(w) > 3 and edit_distance(w, x, 1) <= 1] for w in wanted if w not in words}
    slipped = [w for w, xs in near.items() if xs and not all(len(w) == len(x) + 1 for x in xs)]
    missing = [w for w, xs in near.items() if not xs]
    if not wanted:
        return Check(name, "skip", "the MRZ name line could not be read; names are taken from the printed page")
    if missing:
        return Check(name, "warn", f"MRZ name words not found on the printed page: {' '.join(missing)}", "review")
    if slipped:
        return Check(name, "warn", f"MRZ name words printed one letter otherwise: {' '.join(slipped)}", "review")
    return Check(name, "pass", "printed names match the MRZ")


def check_mrz_matches_page(mrz: Mrz | None, page: PrintedPage) -> list[Check]:
    if mrz is None:
        return []
    return [
        check_number(mrz, page),
        _check_date("mrz_matches_printed_birth_date", "date of birth", mrz.date_of_birth, page),
        _check_date("mrz_matches_printed_expiry_date", "expiry date", mrz.expiry_date, page),
        check_names(mrz, page),
    ]
