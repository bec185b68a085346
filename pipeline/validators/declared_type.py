"""The type the uploader declared is a claim to check against what the document is."""

from __future__ import annotations

from pipeline.models import Check

NAME = "declared_type"


def check_declared_type(declared: str | None, detected: str) -> list[Check]:
    if not declared:
        return [Check(NAME, "skip", "no type was declared")]
    if declared != detected:
        return [Check(NAME, "fail", f"declared {declared} but the document reads as {detected}", "review")]
    return [Check(NAME, "pass", f"declared type {declared} matches the document")]
