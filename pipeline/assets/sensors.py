"""The inbox sensor: new uploads become runs of the processing job, in bounded batches."""

from datetime import timedelta

from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SensorResult, SkipReason, sensor

from pipeline.assets.batch import batch_run_config
from pipeline.assets.jobs import process_uploads
from pipeline.assets.resources import BlobStoreResource
from pipeline.inbox import Inbox
from pipeline.processing import batch_key

BATCH_SIZE = 25
MAX_BATCHES_PER_TICK = 8  # keeps one evaluation well inside the sensor's 60-second budget


@sensor(
    job=process_uploads,
    minimum_interval_seconds=30,
    default_status=DefaultSensorStatus.RUNNING,
    description=f"Turns new inbox uploads into runs of up to {BATCH_SIZE} documents, following a cursor.",
)
def inbox_sensor(context: SensorEvaluationContext, blobstore: BlobStoreResource) -> SensorResult | SkipReason:
    settings = blobstore.settings()
    inbox = Inbox(blobstore.open(), settle=timedelta(seconds=settings.inbox_settle_seconds))
    # A cursor from the first tick on, so uploads still being written (not yet settled) are never skipped.
    cursor = context.cursor or "u0"
    requests = []
    for _ in range(MAX_BATCHES_PER_TICK):
        items = inbox.pending(limit=BATCH_SIZE, after=cursor)
        if not items:
            break
        upload_ids = [item.upload_id for item in items]
        requests.append(
            RunRequest(
                run_key=f"batch-{batch_key(upload_ids)}",
                run_config=batch_run_config(upload_ids),
                tags={"wathiqa/batch": batch_key(upload_ids), "wathiqa/documents": str(len(upload_ids))},
            )
        )
        cursor = upload_ids[-1]
    if not requests:
        return SkipReason("no new uploads in the inbox")
    return SensorResult(run_requests=requests, cursor=cursor)
