"""The text stage: PDF text layers, page images, Tesseract, Arabic normalisation and MRZ reading."""

from pipeline.ocr.arabic import fold_for_matching, normalize_digits, normalize_text, strip_diacritics
from pipeline.ocr.document import DocumentRequest, read_document, read_documents
from pipeline.ocr.errors import OcrError

__all__ = ["DocumentRequest", "OcrError", "fold_for_matching", "normalize_digits", "normalize_text",
           "read_document", "read_documents", "strip_diacritics"]
