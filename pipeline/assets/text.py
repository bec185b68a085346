"""Text: the PDF text layer where usable, otherwise Tesseract (ara+eng) page by page."""


from dagster import AssetCheckResult, AssetCheckSeverity, AssetCheckSpec

from pipeline.assets.batch import stage_asset
from pipeline.assets.intake import intake
from pipeline.processing import StageReport
from pipeline.settings import get_settings


def _mean_confidence(report: StageReport) -> list[AssetCheckResult]:
    threshold = get_settings().min_ocr_confidence
    mean = report.metrics.get("mean_confidence", 0.0)
    passed = not report.done or mean >= threshold
    return [
        AssetCheckResult(
            check_name="mean_ocr_confidence",
            passed=passed,
            severity=AssetCheckSeverity.WARN,
            metadata={"mean_confidence": mean, "threshold": threshold, "documents": len(report.done)},
            description="mean word confidence of the batch's OCR",
        )
    ]


text = stage_asset(
    "text",
    description="Reads every page in logical order: text layer first, OCR for scanned pages and photos "
    "(rotation, deskew, contrast), MRZ lines for passports. Cached by content hash.",
    deps=[intake],
    pool="ocr",
    check_specs=[AssetCheckSpec("mean_ocr_confidence", asset="text")],
    checks=_mean_confidence,
)
