"""Dates must be possible: nobody is born in the future, and birth < issue < expiry, start < end."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from pipeline.models import Check

NAME = "dates_plausible"
# Fields that cannot lie after the decision date, and pairs that must be in order.
_PAST = ("date_of_birth", "date_of_issue", "marriage_date")
_ORDER = (("date_of_birth", "date_of_issue"), ("date_of_issue", "expiry_date"), ("date_of_birth", "expiry_date"),
          ("start_date", "end_date"))


def check_dates_plausible(fields: dict[str, Any], as_of: date, unsure: Collection[str] = ()) -> list[Check]:
    """Rejected for an impossible date, unless every impossibility rests on a date read `unsure`ly: that
    is more likely a misread ("2014" read "9014") than a document that is wrong, so a person looks."""
    dates = {k: date.fromisoformat(v) for k, v in fields.items() if k.endswith("_date") or k.startswith("date_")
             if isinstance(v, str) and len(v) == 10}
    if not dates:
        return []
    problems = [((k,), f"{k.replace('_', ' ')} {dates[k].isoformat()} is after {as_of.isoformat()}")
                for k in _PAST if k in dates and dates[k] > as_of]
    problems += [((a, b), f"{a.replace('_', ' ')} {dates[a].isoformat()} is not before {b.replace('_', ' ')} "
                  f"{dates[b].isoformat()}") for a, b in _ORDER if a in dates and b in dates and dates[a] >= dates[b]]
    if problems:
        misread = all(any(k in unsure for k in keys) for keys, _ in problems)
        detail = "; ".join(text for _, text in problems) + (" (a date read unsurely)" if misread else "")
        return [Check(NAME, "fail", detail, "review" if misread else "reject")]
    count = f"{len(dates)} date{'' if len(dates) == 1 else 's'}"
    return [Check(NAME, "pass", f"{count} checked: none impossible as of {as_of.isoformat()}")]
