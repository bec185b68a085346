"""Employment contracts: parties, job title, term (start and end, or start plus a duration) and the
monthly salary in Kuwaiti dinars in its printed forms ("KWD 650.000", "650 د.ك", "٦٥٠ دينار")."""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import date, timedelta

from pipeline.extraction.layout import field_texts
from pipeline.extraction.normalise import clean, edit_distance, fold
from pipeline.extraction.values import date_value, name_value, number_value
from pipeline.models import OcrWord

_CURRENCY = r"(?:kwd|kuwaiti\s+dinars?|k\.?\s?d\.?|kd|د\.?\s?ك\.?|دينار(?:ا)?(?:\s*كويتي)?|dinars?)"
# Grouped thousands ("1,250.500") or plain digits ("1200.000"); never stopping inside a number.
_AMOUNT = r"(\d{1,3}(?:[,\s]\d{3})+(?:[.٫]\d{1,3})?(?![\d.])|\d+(?:[.٫]\d{1,3})?(?![\d.]))"
_SALARY = [re.compile(rf"{_CURRENCY}\s*{_AMOUNT}", re.IGNORECASE),
           re.compile(rf"{_AMOUNT}\s*{_CURRENCY}", re.IGNORECASE)]
_DURATION = re.compile(r"\(?(\d+)\)?\s*(years?|months?|سنوات|سنة|سنه|اشهر|أشهر|شهرا|شهر)", re.IGNORECASE)
_WORD_DURATIONS = {"سنتان": 24, "سنتين": 24, "سنة واحدة": 12, "سنه واحده": 12, "one year": 12, "two years": 24,
                   "three years": 36, "ثلاث سنوات": 36}


def salary_kwd(raw: str | None) -> float | None:
    """The amount in a salary text, in KWD; None when no currency-marked or bare amount is there."""
    if not raw:
        return None
    # The dinar's name a letter off is still the dinar ("800.000 ديئار كويق" for "دينار كويتي"); another
    # currency's ("دولار") is two or more.
    text = " ".join("دينار" if edit_distance(word, "دينار", 1) <= 1 else word for word in clean(raw).split())
    for pattern in _SALARY:
        m = pattern.search(text)
        if m:
            return _amount(m.group(1))
    bare = re.fullmatch(rf"\s*{_AMOUNT}\s*", text)
    return _amount(bare.group(1)) if bare else None


def _amount(text: str) -> float | None:
    text = text.replace("٫", ".").replace(" ", "")
    groups = re.split(r"[,.]", text)
    if len(groups) >= 3 and len(groups[-1]) == 3:
        # Dinars are printed with three decimals ("1,200.000"): with two separators or more the last
        # is the decimal point, whichever mark OCR read it as ("1,200,000").
        text = "".join(groups[:-1]) + "." + groups[-1]
    else:
        text = text.replace(",", "")
    amount = round(float(text), 3)
    return amount or None  # a zero salary is a misread, not a value


def duration_months(raw: str | None) -> int | None:
    if not raw:
        return None
    text = fold(raw)
    for words, months in _WORD_DURATIONS.items():
        if fold(words) in text:
            return months
    m = _DURATION.search(clean(raw))
    if not m:
        return None
    unit = fold(m.group(2))
    return int(m.group(1)) * (1 if unit.startswith(("month", "شهر", "اشهر")) else 12)


def _add_months(start: date, months: int) -> date:
    # A term of N months ends the day before the same date N months later (clamped to the month's end).
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1])) - timedelta(days=1)


def extract_contract(text: str, pages: Sequence[Sequence[OcrWord]] = ()) -> dict[str, object]:
    raw = field_texts(text, pages, "employment_contract")
    start = date_value(raw.get("start_date"))
    end = date_value(raw.get("end_date"))
    months = duration_months(raw.get("duration"))
    if start and not end and months:
        end = _add_months(date.fromisoformat(start), months).isoformat()
    return {
        "contract_number": number_value(raw.get("contract_number")),
        "employer_name": name_value(raw.get("employer_name")),
        "employee_name": name_value(raw.get("employee_name")),
        "job_title": name_value(raw.get("job_title")),
        "start_date": start,
        "end_date": end,
        "monthly_salary_kwd": salary_kwd(raw.get("monthly_salary_kwd")),
    }
