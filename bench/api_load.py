"""Load on the archive API over loopback: freshness requests per second and latency against an OpenSearch
index holding >= 50,000 records, and 2 MB uploads from 20 concurrent clients. Bounded; stops by itself.

    .venv/bin/python bench/api_load.py [--records 50000] [--seconds 20] [--concurrency 16] [--uploads 100]

The API runs as `uvicorn --factory archive_api.app:create_app --workers 2` on 127.0.0.1 against the local
OpenSearch node, with its own data folder and index prefix (both deleted afterwards). The freshness load
generator speaks HTTP/1.1 over keep-alive sockets itself (asyncio streams): a full client library costs more
CPU per request than the server does, and on this 2-core machine it would be measuring itself.
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


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str, key: str) -> int:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: {key}\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = next(
        int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
    )
    await reader.readexactly(length)
    return status


async def freshness_load(port: int, key: str, persons: int, seconds: float, concurrency: int) -> dict:
    latencies: list[float] = []
    errors = 0
    rng = random.Random(1)

    async def worker(deadline: float, record: bool) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.monotonic() < deadline:
                path = (
                    f"/v1/persons/P-{rng.randrange(persons):07d}/freshness"
                    "?service=residency_renewal.self&as_of=2026-11-28"
                )
                start = time.perf_counter()
                status = await _get(reader, writer, path, key)
                if record:
                    latencies.append((time.perf_counter() - start) * 1000)
                    errors += status != 200
        finally:
            writer.close()

    warm = time.monotonic() + 3  # connections, worker threads and caches settle first
    await asyncio.gather(*(worker(warm, False) for _ in range(concurrency)))
    started = time.monotonic()
    await asyncio.gather(*(worker(started + seconds, True) for _ in range(concurrency)))
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


def serve(data_dir: Path, prefix: str, workers: int) -> subprocess.Popen:
    env = {**os.environ, "WATHIQA_DATA_DIR": str(data_dir), "WATHIQA_INDEX_PREFIX": prefix}
    command = [
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
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=env)
    for _ in range(150):
        try:
            if httpx.get(f"http://127.0.0.1:{PORT}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the API did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--uploads", type=int, default=100)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="wathiqa-apibench-"))
    prefix = f"apibench-{uuid.uuid4().hex[:8]}"
    settings = settings_with(data_dir=data_dir, index_prefix=prefix)
    index = SearchIndex(open_search_client(settings), settings)
    server = None
    try:
        rng = random.Random(3)
        index.index_records((synthetic(n, rng) for n in range(args.records)), refresh=True)
        key = KeyStore(open_blobstore(settings)).create("renewal_service", "bench")
        uploader = KeyStore(open_blobstore(settings)).create("uploader", "bench")
        archivist = KeyStore(open_blobstore(settings)).create("archivist", "bench")
        server = serve(data_dir, prefix, args.workers)
        print(f"index holds {index.count()} records; API workers {args.workers}")
        fresh = asyncio.run(freshness_load(PORT, key, args.records // 4, args.seconds, args.concurrency))
        print(
            f"freshness: {fresh['requests']} requests in {args.seconds:.0f}s at concurrency {args.concurrency}: "
            f"{fresh['rps']:.0f} req/s, p50 {fresh['p50']:.1f} ms, p99 {fresh['p99']:.1f} ms, errors {fresh['errors']}"
        )
        pdf_path = data_dir / "scan.pdf"
        make_pdf(pdf_path, 2)
        up = asyncio.run(upload_load(f"http://127.0.0.1:{PORT}", uploader, pdf_path.read_bytes(), args.uploads, 20))
        print(
            f"uploads: {up['uploads']} x {pdf_path.stat().st_size / 2**20:.1f} MB from 20 clients: "
            f"{up['per_second']:.1f}/s ({up['mb_per_second']:.1f} MB/s), p50 {up['p50']:.0f} ms, "
            f"p99 {up['p99']:.0f} ms, status codes {up['codes']}"
        )
        audit_blocks = len(list(open_blobstore(settings).list("audit/")))
        timings = []
        for _ in range(20):
            start = time.perf_counter()
            trail = httpx.get(
                f"http://127.0.0.1:{PORT}/v1/audit",
                params={"action": "upload", "limit": 50},
                headers={"X-API-Key": archivist},
                timeout=60,
            )
            timings.append((time.perf_counter() - start) * 1000)
            assert trail.status_code == 200, trail.status_code
        print(
            f"audit: {audit_blocks} blocks written; trail search (action filter, 50 newest): "
            f"median {statistics.median(timings[5:]):.1f} ms"
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        index.client.indices.delete(index=f"{prefix}-*", ignore_unavailable=True)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
