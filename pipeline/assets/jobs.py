"""Jobs: the processing of a batch of uploads (launched by the sensor and by `wathiqa process`)."""


from dagster import AssetSelection, define_asset_job

from pipeline.processing import STAGES

process_uploads = define_asset_job(
    "process_uploads",
    selection=AssetSelection.assets(*STAGES),
    description="Intake, text, extraction, validation, archive record and search index for one batch.",
    tags={"wathiqa/stage": "ocr"},  # one OCR-heavy run at a time per tag limit in dagster.yaml
)
