"""Extraction: document type and fields from the text and the MRZ."""


from pipeline.assets.batch import stage_asset
from pipeline.assets.text import text

extraction = stage_asset(
    "extraction",
    description="Classifies each document (passport, marriage or birth certificate, employment contract) and "
    "extracts its fields; the declared type is a hint that is checked, never trusted.",
    deps=[text],
)
