"""Safety sweep: many expired, tampered and bad-check-digit passports, none of which may be verified.

The extraction benchmark has three of each per set, too few to catch a rule that lets one kind of
forgery through now and then; this generates `--per-case` of each (half degraded, PNG and JPEG, fonts
and layouts drawn from the seed), runs `extract` on every one with a cold OCR cache, and lists any that
came out verified, with the status of the rest.

    .venv/bin/python bench/safety_sweep.py [--per-case N] [--seed N] [--out DIR]
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CASES = ("expired", "tampered", "bad_checkdigit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-case", type=int, default=30)
    parser.add_argument("--seed", type=int, default=9001)
    parser.add_argument("--out", type=Path, default=None, help="keep the generated passports here")
    args = parser.parse_args()

    from tests.fixtures.documents import make_document

    out = args.out or Path(tempfile.mkdtemp(prefix="wathiqa-safety-"))
    out.mkdir(parents=True, exist_ok=True)
    truths = [make_document(out, f"passport-{case}-{i:03d}", "passport", seed=args.seed, case=case,
                            degraded=i % 2 == 1, fmt="jpg" if i % 3 == 0 else "png")
              for case in CASES for i in range(args.per_case)]
    os.environ["WATHIQA_DATA_DIR"] = tempfile.mkdtemp(prefix="wathiqa-safety-data-")  # cold OCR cache

    from pipeline.extract import extract_many

    started = time.perf_counter()
    outcomes: dict[str, collections.Counter[str]] = {case: collections.Counter() for case in CASES}
    verified = []
    for truth, done in zip(truths, extract_many([out / t.file for t in truths], as_of=date.fromisoformat(
            truths[0].as_of)), strict=True):
        outcomes[truth.case][done.result.status] += 1
        if done.result.status == "verified":
            verified.append(truth.file)
    print(f"{len(truths)} passports ({args.per_case} per case, seed {args.seed}) in "
          f"{time.perf_counter() - started:.0f} s, files in {out}")
    for case, counts in outcomes.items():
        print(f"- {case}: " + ", ".join(f"{status} {n}" for status, n in sorted(counts.items())))
    print(f"verified (must be none): {len(verified)} {verified}")
    sys.exit(1 if verified else 0)


if __name__ == "__main__":
    main()
