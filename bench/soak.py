"""A bounded soak on loopback: uploads through the API, the pipeline processing them, and freshness
questions, all at once for a fixed time. Reports throughput, latency percentiles, errors (must be zero)
and memory over time, and draws the memory curve (bench/soak-memory.svg).

    .venv/bin/python bench/soak.py [--seconds 120] [--upload-every 2.0]    # or: make soak
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from api_load import PORT, serve  # noqa: E402 - one way to start the API for benchmarks

from archive_api.auth import KeyStore  # noqa: E402
from pipeline.blobstore import open_blobstore  # noqa: E402
from pipeline.inbox import Inbox  # noqa: E402
from pipeline.processing import Pipeline  # noqa: E402
from pipeline.search import SearchIndex  # noqa: E402
from pipeline.search.client import open_search_client  # noqa: E402
from pipeline.settings import settings_with  # noqa: E402
from tests.fixtures.documents import make_document  # noqa: E402

KINDS = ["passport", "birth_certificate", "marriage_certificate", "employment_contract"]


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


def pct(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100)[p - 1] if len(values) > 1 else (values or [0.0])[0]


def svg(samples: list[tuple[float, float, float]], path: Path) -> None:
    """Memory over time for the API server and the processing side, as a plain SVG line chart."""
    width, height, pad = 640, 320, 40
    top = max(max(a, b) for _, a, b in samples) * 1.1
    end = samples[-1][0] or 1

    def line(index: int, colour: str) -> str:
        points = " ".join(
            f"{pad + t / end * (width - 2 * pad):.1f},{height - pad - v[index] / top * (height - 2 * pad):.1f}"
            for t, *v in samples
        )
        return f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>'

    path.write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
        f'font-size="12"><rect width="100%" height="100%" fill="white"/>'
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="black"/>'
        f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="black"/>'
        f'<text x="{pad}" y="{pad - 10}">RSS MB (max {top / 1.1:.0f}) over {end:.0f} s</text>'
        f'<text x="{width - pad - 200}" y="{pad - 10}" fill="#1f77b4">API server</text>'
        f'<text x="{width - pad - 100}" y="{pad - 10}" fill="#d62728">pipeline</text>'
        f"{line(0, '#1f77b4')}{line(1, '#d62728')}</svg>"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--upload-every", type=float, default=2.0)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="wathiqa-soak-"))
    prefix = f"soak-{uuid.uuid4().hex[:8]}"
    settings = settings_with(data_dir=data, index_prefix=prefix)
    store = open_blobstore(settings)
    keys = {role: KeyStore(store).create(role, f"soak {role}") for role in ("uploader", "renewal_service")}
    docs = []
    (data / "docs").mkdir()
    for n in range(8):
        truth = make_document(data / "docs", f"doc{n}", KINDS[n % 4], seed=900 + n, fmt="png")
        docs.append((data / "docs" / truth.file, KINDS[n % 4]))
    server = serve(data, prefix, workers=1)
    url = f"http://127.0.0.1:{PORT}"
    stop = threading.Event()
    stats = {"uploads": [], "upload_errors": 0, "fresh": [], "fresh_errors": 0, "processed": 0, "process_errors": 0}
    samples: list[tuple[float, float, float]] = []
    started = time.monotonic()

    def uploader() -> None:
        rng = random.Random(1)
        with httpx.Client(headers={"X-API-Key": keys["uploader"]}, timeout=60) as client:
            n = 0
            while not stop.is_set():
                path, kind = docs[n % len(docs)]
                begin = time.perf_counter()
                response = client.post(
                    f"{url}/v1/uploads",
                    files={"file": (path.name, path.read_bytes())},
                    data={"person_id": f"S-{rng.randrange(200):04d}", "declared_type": kind},
                )
                stats["uploads"].append((time.perf_counter() - begin) * 1000)
                stats["upload_errors"] += response.status_code != 202
                n += 1
                stop.wait(args.upload_every)

    def processor() -> None:
        index = SearchIndex(open_search_client(settings), settings)
        pipeline = Pipeline(settings, store, open_index=lambda: index)
        inbox = Inbox(store)
        while not stop.is_set():
            ids = [item.upload_id for item in inbox.pending(limit=25)]
            if ids:
                reports = pipeline.run_all(ids)
                stats["processed"] += len(reports[-1].done)
                stats["process_errors"] += sum(len(r.failed) for r in reports)
            stop.wait(1.0)

    def asker() -> None:
        rng = random.Random(2)
        with httpx.Client(headers={"X-API-Key": keys["renewal_service"]}, timeout=30) as client:
            while not stop.is_set():
                begin = time.perf_counter()
                response = client.get(
                    f"{url}/v1/persons/S-{rng.randrange(200):04d}/freshness",
                    params={"service": "residency_renewal.self"},
                )
                stats["fresh"].append((time.perf_counter() - begin) * 1000)
                stats["fresh_errors"] += response.status_code != 200

    try:
        threads = [threading.Thread(target=f, daemon=True) for f in (uploader, processor, asker, asker)]
        for thread in threads:
            thread.start()
        while time.monotonic() - started < args.seconds:
            samples.append((time.monotonic() - started, rss_mb(server.pid), rss_mb(os.getpid())))
            time.sleep(2)
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        server.terminate()
        server.wait(timeout=30)
        open_search_client(settings).indices.delete(index=f"{prefix}-*", ignore_unavailable=True)
    pending = len(Inbox(store).pending())
    shutil.rmtree(data, ignore_errors=True)
    seconds = args.seconds
    up, fresh = stats["uploads"], stats["fresh"]
    print(f"soak: {seconds:.0f} s")
    print(
        f"uploads: {len(up)} ({len(up) / seconds:.2f}/s), p50 {pct(up, 50):.0f} ms, p99 {pct(up, 99):.0f} ms, "
        f"errors {stats['upload_errors']}"
    )
    print(f"processed: {stats['processed']} documents, errors {stats['process_errors']}, waiting at the end {pending}")
    print(
        f"freshness: {len(fresh)} ({len(fresh) / seconds:.0f}/s), p50 {pct(fresh, 50):.1f} ms, "
        f"p95 {pct(fresh, 95):.1f} ms, p99 {pct(fresh, 99):.1f} ms, errors {stats['fresh_errors']}"
    )
    first, last = samples[len(samples) // 5], samples[-1]
    print(
        f"memory (RSS MB): API {first[1]:.0f} -> {last[1]:.0f} (max {max(s[1] for s in samples):.0f}); "
        f"pipeline {first[2]:.0f} -> {last[2]:.0f} (max {max(s[2] for s in samples):.0f}); "
        f"from 20% of the run to its end"
    )
    svg(samples, ROOT / "bench" / "soak-memory.svg")
    errors = stats["upload_errors"] + stats["fresh_errors"] + stats["process_errors"]
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
