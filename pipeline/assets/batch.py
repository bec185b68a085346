"""What every stage asset shares: the batch it works on, retries, and metadata from its report."""


from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from dagster import (
    AssetCheckResult,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetsDefinition,
    Backoff,
    Config,
    Jitter,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
    asset,
)

from pipeline.assets.resources import BlobStoreResource, OcrResource, SearchResource, build_pipeline
from pipeline.processing import STAGES, StageReport

# S3 or OpenSearch unreachable: retry the step with growing, jittered waits before giving up.
TRANSIENT_RETRY = RetryPolicy(max_retries=4, delay=2, backoff=Backoff.EXPONENTIAL, jitter=Jitter.FULL)


class BatchConfig(Config):
    """The uploads one run processes (the sensor and `wathiqa process` fill it in)."""

    upload_ids: list[str]
    as_of: str | None = None  # ISO date the documents are judged at; today when unset


def batch_run_config(upload_ids: list[str], as_of: str | None = None) -> dict[str, Any]:
    config = {"upload_ids": list(upload_ids), "as_of": as_of}
    return {"ops": {stage: {"config": config} for stage in STAGES}}


def report_metadata(report: StageReport) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "documents": len(report.done),
        "already_done": len(report.already_done),
        "not_ready": len(report.not_ready),
        "failed": len(report.failed),
        "seconds": report.seconds,
    }
    for name, value in report.metrics.items():
        metadata[name] = MetadataValue.json(value) if isinstance(value, dict) else value
    if report.failed:
        metadata["failures"] = MetadataValue.json(report.failed)
    if report.document_ids:
        metadata["document_ids"] = MetadataValue.json(report.document_ids[:200])
    return metadata


def stage_asset(
    stage: str,
    *,
    description: str,
    deps: Sequence[AssetsDefinition] = (),
    pool: str | None = None,
    check_specs: Sequence[AssetCheckSpec] = (),
    checks: Callable[[StageReport], list[AssetCheckResult]] | None = None,
) -> AssetsDefinition:
    """A stage as an asset: run the library's stage over the batch and publish its report."""

    @asset(
        name=stage,
        deps=list(deps),
        description=description,
        group_name="pipeline",
        retry_policy=TRANSIENT_RETRY,
        pool=pool,
        op_tags={"wathiqa/stage": stage},
        check_specs=list(check_specs),
        kinds={"python"},
    )
    def _stage(
        context: AssetExecutionContext,
        config: BatchConfig,
        blobstore: BlobStoreResource,
        search: SearchResource,
        ocr: OcrResource,
    ) -> MaterializeResult:
        as_of = date.fromisoformat(config.as_of) if config.as_of else None
        report = getattr(build_pipeline(blobstore, search, ocr, as_of), stage)(config.upload_ids)
        context.log.info(report.summary)
        for upload_id, error in report.failed.items():
            context.log.warning(f"{stage} failed for upload {upload_id}: {error}")
        return MaterializeResult(
            metadata=report_metadata(report), check_results=checks(report) if checks else None
        )

    return _stage
