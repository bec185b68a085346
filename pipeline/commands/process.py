"""`wathiqa process [--wait]`: run the processing job now, in this process, over the inbox.

The same Dagster job the sensor launches, executed in-process batch by batch; with DAGSTER_HOME set
the runs are recorded in that instance (and show in the UI), otherwise in an ephemeral one.
"""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter
from dataclasses import dataclass, field

from pipeline.settings import Settings, get_settings

BATCH_SIZE = 25


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("process", help="run the pipeline now over everything waiting in the inbox")
    parser.add_argument(
        "--wait",
        action="store_true",
        help="after the inbox is empty, keep watching it and process new uploads until it stays empty "
        "for --idle seconds",
    )
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of empty inbox that end --wait")
    parser.add_argument("--as-of", help="judge documents as of this ISO date (default today)")
    parser.set_defaults(func=run)


@dataclass
class ProcessSummary:
    outcomes: Counter[str] = field(default_factory=Counter)
    failed_runs: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        total = sum(self.outcomes.values())
        parts = ", ".join(f"{n} {label}" for label, n in sorted(self.outcomes.items())) or "nothing waiting"
        return f"processed {total} uploads in {self.seconds:.1f}s: {parts}"


def process_inbox(
    settings: Settings, as_of: str | None = None, wait: bool = False, idle: float = 10.0
) -> ProcessSummary:
    from dagster import DagsterInstance

    from pipeline.assets.batch import batch_run_config
    from pipeline.assets.resources import BlobStoreResource, SearchResource
    from pipeline.blobstore import open_blobstore
    from pipeline.definitions import build_definitions
    from pipeline.inbox import Inbox
    from pipeline.processing import Pipeline

    blobstore = open_blobstore(settings)
    inbox = Inbox(blobstore)
    pipeline = Pipeline(settings, blobstore)
    definitions = build_definitions(
        blobstore=BlobStoreResource(
            data_dir=str(settings.data_dir), backend=settings.blob_backend, s3_bucket=settings.s3_bucket
        ),
        search=SearchResource(opensearch_url=settings.opensearch_url, index_prefix=settings.index_prefix),
    )
    job = definitions.resolve_job_def("process_uploads")
    instance = DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else DagsterInstance.ephemeral()

    summary = ProcessSummary()
    started = time.perf_counter()
    seen: set[str] = set()
    idle_since = time.monotonic()
    while True:
        # Uploads that failed in this invocation stay in the inbox; do not loop on them.
        upload_ids = [i.upload_id for i in inbox.pending() if i.upload_id not in seen][:BATCH_SIZE]
        if not upload_ids:
            if not wait or time.monotonic() - idle_since >= idle:
                break
            time.sleep(1.0)
            continue
        seen.update(upload_ids)
        result = job.execute_in_process(
            # The CLI prints its own one line per upload; Dagster's step log stays in the instance.
            run_config=batch_run_config(upload_ids, as_of)
            | {"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
            instance=instance,
            raise_on_error=False,
            tags={"wathiqa/trigger": "wathiqa process"},
        )
        summary.failed_runs += 0 if result.success else 1
        for upload_id in upload_ids:
            outcome = pipeline.outcome(upload_id)
            label = f"{outcome.state}:{outcome.status}" if outcome.status else outcome.state
            summary.outcomes[label] += 1
            detail = outcome.reason or (f"{outcome.doc_type} -> {outcome.document_id}" if outcome.document_id else "")
            print(f"{upload_id}  {label:<22} {detail}", flush=True)
        print(f"run {result.run_id[:8]}: {len(upload_ids)} uploads, {'ok' if result.success else 'FAILED'}")
        idle_since = time.monotonic()
    summary.seconds = time.perf_counter() - started
    return summary


def run(args: argparse.Namespace) -> int:
    summary = process_inbox(get_settings(), as_of=args.as_of, wait=args.wait, idle=args.idle)
    print(summary.line())
    return 1 if summary.failed_runs else 0
