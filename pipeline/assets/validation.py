"""Validation: named checks and the document's status (verified, needs_review, rejected)."""


from pipeline.assets.batch import stage_asset
from pipeline.assets.extraction import extraction

validation = stage_asset(
    "validation",
    description="Runs the validators (MRZ check digits, MRZ vs printed page, expiry, plausible dates, "
    "required fields, OCR confidence, declared type, civil ID) and sets the status.",
    deps=[extraction],
)
