"""MRZ check digits (ICAO 9303): every field digit and the composite must hold."""

from __future__ import annotations

from pipeline.extraction.mrz import Mrz
from pipeline.extraction.vocabulary import icao_codes
from pipeline.models import Check

NAME = "mrz_check_digits"


def check_mrz(mrz: Mrz | None, doc_type: str) -> list[Check]:
    if doc_type != "passport":
        return []
    if mrz is None:
        return [Check(NAME, "fail", "no machine-readable zone could be read on the passport page", "review")]
    if not mrz.valid:
        return [Check(NAME, "fail", f"MRZ check digit fails for: {', '.join(mrz.failed)}", "reject")]
    repaired = f" after repairing OCR look-alikes in {', '.join(mrz.corrected)}" if mrz.corrected else ""
    checks = [Check(NAME, "pass", f"all {len(mrz.checks)} {mrz.format} check digits hold{repaired}")]
    codes = (("issuing state", mrz.issuing_country), ("nationality", mrz.nationality))
    unknown = [f"{label} {code}" for label, code in codes if code and code not in icao_codes()]
    if unknown:
        # Not a code ICAO assigns: a misread (the field has no check digit) or not a genuine MRZ.
        checks.append(Check("mrz_country_codes", "fail", f"not ICAO country codes: {', '.join(unknown)}", "review"))
    if mrz.guessed:
        # A letter/digit swap the check digit confirms is likely, not certain: one in ten swaps would pass
        # by chance, and the composite weighs the number exactly as its own check digit does.
        checks.append(Check("mrz_repair", "warn",
                            f"MRZ {', '.join(mrz.guessed)} needed a letter/digit swap; confirm it by eye", "review"))
    return checks
