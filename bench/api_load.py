"""Load on the archive API over loopback: freshness requests per second and latency at >= 50,000 records,
and 2 MB uploads from 20 concurrent clients. Bounded in count and time; stops by itself.

    .venv/bin/python bench/api_load.py [--records 50000] [--seconds 20] [--concurrency 32] [--uploads 100]

The API runs as `uvicorn --factory archive_api.app:create_app --workers 2` on 127.0.0.1 against the
local OpenSearch node, with its own data folder and index prefix (deleted afterwards).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from index_bench import synthetic
from intake_memory import make_pdf

from archive_api.auth import KeyStore
from pipeline.blobstore import open_blobstore
from pipeline.search import SearchIndex
from pipeline.search.client import open_search_client
from pipeline.settings import settings_with

PORT = 18_000 + os.getpid() % 1000


def pct(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100)[p - 1]


async def freshness_load(url: str, key: str, persons: int, seconds: float, concurrency: int) -> dict:
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds
    rng = random.Random(1)

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.monotonic() < deadline:
            person = f"P-{rng.randrange(persons):07d}"
            start = time.perf_counter()
            response = await client.get(
                f"{url}/v1/persons/{person}/freshness",
                params={"service": "residency_renewal.self", "as_of": "2026-11-28"},
            )
            latencies.append((time.perf_counter() - start) * 1000)
            errors += response.status_code != 200

    async with httpx.AsyncClient(
        headers={"X-API-Key": key}, timeout=30, limits=httpx.Limits(max_connections=concurrency)
    ) as client:
        started = time.monotonic()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.monotonic() - started
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": pct(latencies, 50),
        "p99": pct(latencies, 99),
        "errors": errors,
    }


async def upload_load(url: str, key: str, pdf: bytes, uploads: int, clients: int) -> dict:
    latencies: list[float] = []
    codes: dict[int, int] = {}
    queue = list(range(uploads))

    async def worker(client: httpx.AsyncClient) -> None:
        while queue:
            n = queue.pop()
            start = time.perf_counter()
            response = await client.post(
                f"{url}/v1/uploads",
                data={"person_id": f"U-{n:05d}", "declared_type": "passport"},
                files={"file": ("scan.pdf", pdf, "application/pdf")},
            )
            latencies.append((time.perf_counter() - start) * 1000)
            codes[response.status_code] = codes.get(response.status_code, 0) + 1

    async with httpx.AsyncClient(headers={"X-API-Key": key}, timeout=120) as client:
        started = time.monotonic()
        await asyncio.gather(*(worker(client) for _ in range(clients)))
        elapsed = time.monotonic() - started
    return {
        "uploads": len(latencies),
        "per_second": len(latencies) / elapsed,
        "p50": pct(latencies, 50),
        "p99": pct(latencies, 99),
        "codes": codes,
        "mb_per_second": len(latencies) * len(pdf) / 2**20 / elapsed,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--uploads", type=int, default=100)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="wathiqa-apibench-"))
    prefix = f"apibench-{uuid.uuid4().hex[:8]}"
    settings = settings_with(data_dir=data_dir, index_prefix=prefix)
    index = SearchIndex(open_search_client(settings), settings)
    rng = random.Random(3)
    index.index_records((synthetic(n, rng) for n in range(args.records)), refresh=True)
    key = KeyStore(open_blobstore(settings)).create("admin", "bench")
    env = {**os.environ, "WATHIQA_DATA_DIR": str(data_dir), "WATHIQA_INDEX_PREFIX": prefix}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "archive_api.app:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(PORT),
            "--workers",
            "2",
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    url = f"http://127.0.0.1:{PORT}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        print(f"index holds {index.count()} records")
        fresh = asyncio.run(freshness_load(url, key, args.records // 4, args.seconds, args.concurrency))
        print(
            f"freshness: {fresh['requests']} requests in {args.seconds:.0f}s at concurrency {args.concurrency}: "
            f"{fresh['rps']:.0f} req/s, p50 {fresh['p50']:.1f} ms, p99 {fresh['p99']:.1f} ms, errors {fresh['errors']}"
        )
        pdf_path = data_dir / "scan.pdf"
        make_pdf(pdf_path, 2)
        up = asyncio.run(upload_load(url, key, pdf_path.read_bytes(), args.uploads, 20))
        print(
            f"uploads: {up['uploads']} x {pdf_path.stat().st_size / 2**20:.1f} MB from 20 clients: "
            f"{up['per_second']:.1f}/s ({up['mb_per_second']:.1f} MB/s), p50 {up['p50']:.0f} ms, "
            f"p99 {up['p99']:.0f} ms, status codes {up['codes']}"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        index.client.indices.delete(index=f"{prefix}-*", ignore_unavailable=True)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
