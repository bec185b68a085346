"""Daily revalidation: a passport that expires tonight stops being reusable tomorrow morning."""


from dagster import (
    AssetExecutionContext,
    DefaultScheduleStatus,
    MaterializeResult,
    ScheduleDefinition,
    asset,
    define_asset_job,
)

from pipeline.assets.batch import TRANSIENT_RETRY, report_metadata
from pipeline.assets.resources import BlobStoreResource, OcrResource, SearchResource, build_pipeline


@asset(
    group_name="maintenance",
    retry_policy=TRANSIENT_RETRY,
    description="Marks documents whose validity has ended as rejected (new record version) and reindexes them.",
    kinds={"python"},
)
def expiry_revalidation(
    context: AssetExecutionContext, blobstore: BlobStoreResource, search: SearchResource, ocr: OcrResource
) -> MaterializeResult:
    pipeline = build_pipeline(blobstore, search, ocr)
    report = pipeline.revalidate(pipeline.settings.today())
    context.log.info(f"revalidation: {report.metrics.get('expired', 0)} documents expired")
    return MaterializeResult(metadata=report_metadata(report))


revalidate_job = define_asset_job("revalidate", selection=[expiry_revalidation])

# Shortly after midnight in Kuwait, before the renewal services' first requests of the day.
daily_revalidation = ScheduleDefinition(
    name="daily_revalidation",
    job=revalidate_job,
    cron_schedule="5 0 * * *",
    execution_timezone="Asia/Kuwait",
    default_status=DefaultScheduleStatus.RUNNING,
)
