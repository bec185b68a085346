"""Search index: records published to OpenSearch for archivists and the freshness engine."""


import random

from dagster import AssetCheckResult, asset_check

from pipeline.archive import Archive
from pipeline.assets.archive_record import archive_record
from pipeline.assets.batch import stage_asset
from pipeline.assets.resources import BlobStoreResource, SearchResource

SAMPLE_SIZE = 50

search_index = stage_asset(
    "search_index",
    description="Bulk-indexes the batch's records (idempotent ids; superseded documents updated too), "
    "then lets each upload leave the inbox.",
    deps=[archive_record],
)


@asset_check(asset=search_index, description="every current archive record is in the index (count and a sample)")
def records_are_indexed(blobstore: BlobStoreResource, search: SearchResource) -> AssetCheckResult:
    index = search.open()
    ids = [record.document_id for record in Archive(blobstore.open()).iter_records()]
    sample = random.sample(ids, min(SAMPLE_SIZE, len(ids)))
    absent = [doc_id for doc_id in sample if index.get(doc_id) is None]
    indexed = index.count()
    return AssetCheckResult(
        passed=indexed >= len(ids) and not absent,
        metadata={"records": len(ids), "indexed": indexed, "sampled": len(sample), "absent_in_sample": absent},
    )
