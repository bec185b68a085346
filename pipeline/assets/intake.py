"""Intake: type by content, limits, hashing, de-duplication, the original stored immutable."""


from datetime import UTC, datetime

from dagster import AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, asset_check

from pipeline.assets.batch import stage_asset
from pipeline.assets.resources import BlobStoreResource
from pipeline.inbox import Inbox
from pipeline.processing import StageReport

# A batch where more than this share is refused points at a broken client or an attack, not residents.
MAX_REJECTION_RATIO = 0.5


def _rejection_ratio(report: StageReport) -> list[AssetCheckResult]:
    rejected = sum(report.metrics.get("rejected_by_reason", {}).values())
    seen = len(report.done) or 1
    ratio = rejected / seen
    return [
        AssetCheckResult(
            check_name="rejection_ratio",
            passed=ratio <= MAX_REJECTION_RATIO,
            severity=AssetCheckSeverity.WARN,
            metadata={"rejected": rejected, "processed": len(report.done), "ratio": round(ratio, 3)},
            description=f"share of uploads refused at intake, at most {MAX_REJECTION_RATIO:.0%}",
        )
    ]


intake = stage_asset(
    "intake",
    description="Checks each upload (type by content, size, pages, encryption, bombs, polyglots), hashes it, "
    "links byte-identical re-uploads, stores accepted originals by hash and quarantines the rest.",
    check_specs=[AssetCheckSpec("rejection_ratio", asset="intake")],
    checks=_rejection_ratio,
)


# An upload waiting longer than this means runs are failing or not being launched.
MAX_INBOX_AGE_HOURS = 6


@asset_check(asset=intake, description=f"no upload waits in the inbox longer than {MAX_INBOX_AGE_HOURS} hours")
def inbox_not_stale(blobstore: BlobStoreResource) -> AssetCheckResult:
    now = datetime.now(UTC)
    ages = [
        (now - datetime.fromisoformat(item.manifest.received_at)).total_seconds() / 3600
        for item in Inbox(blobstore.open()).pending()
    ]
    stale = [age for age in ages if age > MAX_INBOX_AGE_HOURS]
    return AssetCheckResult(
        passed=not stale,
        metadata={"waiting": len(ages), "stale": len(stale), "oldest_hours": round(max(ages, default=0.0), 2)},
    )
