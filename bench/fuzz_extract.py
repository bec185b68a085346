"""The hostile-input sweep, longer: mutated PDFs and images through `wathiqa extract --json`, one process
per file under a time limit and an address-space limit. Reports statuses, crashes, hangs and peak memory.

    .venv/bin/python bench/fuzz_extract.py [--files 200] [--seconds 60] [--memory-mb 3072]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.fixtures.documents import make_document  # noqa: E402
from tests.fixtures.hostile import make_flagged, make_hostile  # noqa: E402


def mutants(seeds: list[bytes], count: int, rng: random.Random):
    for n in range(count):
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randrange(1, 60)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if rng.random() < 0.3:
            data = data[: rng.randrange(1, len(data))]
        if rng.random() < 0.2:
            start = rng.randrange(len(data))
            data[start:start] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 512)))
        yield n, bytes(data)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--memory-mb", type=int, default=3072)
    args = parser.parse_args()
    rng = random.Random(2026)
    statuses: Counter[str] = Counter()
    problems: list[str] = []
    peak_kb = 0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        seeds = []
        for fmt in ("pdf", "png", "jpg"):
            truth = make_document(work, f"seed-{fmt}", "passport", seed=9, fmt=fmt)
            seeds.append((work / truth.file).read_bytes())
        hostile = make_hostile(work / "hostile", work / "seed-pdf.pdf", work / "seed-png.png")
        hostile |= make_flagged(work / "hostile")
        files = [work / "hostile" / name for name in sorted(hostile)]
        for n, data in mutants(seeds, args.files, rng):
            path = work / f"mutant-{n:04d}{rng.choice(['.pdf', '.png', '.jpg', ''])}"
            path.write_bytes(data)
            files.append(path)
        limit = args.memory_mb * 1024 * 1024
        for path in files:

            def limits() -> None:
                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

            try:
                done = subprocess.run(
                    [str(ROOT / ".venv/bin/wathiqa"), "extract", "--json", str(path)],
                    capture_output=True,
                    text=True,
                    timeout=args.seconds,
                    preexec_fn=limits,
                )
            except subprocess.TimeoutExpired:
                problems.append(f"{path.name}: hang (over {args.seconds}s)")
                continue
            peak_kb = max(peak_kb, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
            if "Traceback" in done.stderr or done.returncode not in (0, 1):
                problems.append(f"{path.name}: exit {done.returncode}: {done.stderr.strip()[-200:]}")
                continue
            statuses[json.loads(done.stdout.splitlines()[0])["status"]] += 1
    print(
        f"{len(files)} files ({len(hostile)} hostile, {args.files} mutants, 2 flagged):",
        ", ".join(f"{n} {s}" for s, n in statuses.most_common()),
    )
    print(f"crashes or hangs: {len(problems)}; peak RSS of one extract process: {peak_kb / 1024:.0f} MB")
    for problem in problems:
        print("  " + problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
