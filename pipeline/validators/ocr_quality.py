"""Text read with low confidence cannot be trusted without a person looking."""

from __future__ import annotations

from pipeline.models import Check, TextResult

NAME = "ocr_confidence"


def check_ocr_confidence(text: TextResult, minimum: float) -> list[Check]:
    confidence = text.mean_confidence
    if not text.text.strip():
        return [Check(NAME, "fail", "no text could be read from the document", "review")]
    if confidence < minimum:
        return [Check(NAME, "fail", f"mean OCR confidence {confidence:.1f} is below {minimum:.1f}", "review")]
    return [Check(NAME, "pass", f"mean OCR confidence {confidence:.1f} (minimum {minimum:.1f})")]
