"""Archive record: the system of record, written durably before anything is indexed or removed."""


from dagster import AssetCheckExecutionContext, AssetCheckResult, asset_check

from pipeline.archive import Archive
from pipeline.assets.batch import stage_asset
from pipeline.assets.resources import BlobStoreResource
from pipeline.assets.validation import validation

archive_record = stage_asset(
    "archive_record",
    description="Writes each document's record (identity, person, type, fields, checks, status, text, "
    "provenance) as a new version beside its original, marks superseded documents.",
    deps=[validation],
)


@asset_check(asset=archive_record, description="every current record's original is in the blob store")
def records_have_originals(context: AssetCheckExecutionContext, blobstore: BlobStoreResource) -> AssetCheckResult:
    archive = Archive(blobstore.open())
    records = missing = 0
    examples: list[str] = []
    for record in archive.iter_records():
        records += 1
        if not archive.has_original(record.sha256):
            missing += 1
            examples.append(record.document_id)
    return AssetCheckResult(
        passed=missing == 0, metadata={"records": records, "missing_originals": missing, "examples": examples[:20]}
    )
