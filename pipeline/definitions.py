"""The Dagster code location: every asset, check, job, sensor, schedule and resource in one place."""

from dagster import Definitions, load_asset_checks_from_modules, load_assets_from_modules

from pipeline.assets import (
    archive_record,
    extraction,
    intake,
    revalidation,
    search_index,
    text,
    validation,
)
from pipeline.assets.jobs import process_uploads
from pipeline.assets.resources import BlobStoreResource, OcrResource, SearchResource
from pipeline.assets.sensors import inbox_sensor

_MODULES = [intake, text, extraction, validation, archive_record, search_index, revalidation]


def build_definitions(
    blobstore: BlobStoreResource | None = None,
    search: SearchResource | None = None,
    ocr: OcrResource | None = None,
) -> Definitions:
    """The definitions with resources from the WATHIQA_* settings, or the ones given (tests, tools)."""
    return Definitions(
        assets=load_assets_from_modules(_MODULES),
        asset_checks=load_asset_checks_from_modules(_MODULES),
        jobs=[process_uploads, revalidation.revalidate_job],
        sensors=[inbox_sensor],
        schedules=[revalidation.daily_revalidation],
        resources={
            "blobstore": blobstore or BlobStoreResource(),
            "search": search or SearchResource(),
            "ocr": ocr or OcrResource(),
        },
    )


defs = build_definitions()
