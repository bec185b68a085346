"""Cold `wathiqa extract`: CPU of one process (Tesseract's included) per one-page document.

Each document of a generated set goes through `wathiqa extract` as its own new process, with a cold
OCR cache: what one upload costs when nothing is running yet. The data derived from installed files
(digit templates, Arabic word list) is built by the first process of an install and kept; the slowest
document is also run as that first process, to show what the very first upload pays. The checkout's
modules are compiled to bytecode first, as an installed package's are (pip compiles them at install);
without it, on a machine that sets PYTHONDONTWRITEBYTECODE, every process compiles ~100 modules anew.

    .venv/bin/python bench/extract_speed.py [--set DIR] [--seed N] [--limit N] [--root CHECKOUT]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def cold_extract(path: Path, data_dir: Path, root: Path = ROOT) -> float:
    """CPU seconds of `wathiqa extract PATH`, as `root`'s code runs it, in a new process whose data
    directory is `data_dir`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", "--json", str(path)],
                   env={**os.environ, "WATHIQA_DATA_DIR": str(data_dir), "PYTHONPATH": str(root)},
                   cwd=root, capture_output=True, check=True)  # cwd: `-m` puts it first on the import path
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def fresh_data_dir(parent: Path, derived: Path | None) -> Path:
    """A data directory with no OCR cache, holding the install's derived data when `derived` is given."""
    data_dir = Path(tempfile.mkdtemp(dir=parent))
    if derived is not None:
        shutil.copytree(derived, data_dir / "cache" / "derived")
    return data_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, default=ROOT / "var/bench/extraction-set")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--limit", type=int, default=0, help="only the first N documents")
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="the checkout whose code runs (to measure two versions side by side)")
    args = parser.parse_args()

    from tests.fixtures.documents import generate

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(args.root / "pipeline")], check=True,
                   stdout=subprocess.DEVNULL)

    if not (args.set / "truth.json").exists():
        generate(args.set, seed=args.seed)
    # The generator's documents are one page each.
    files = [args.set / item["file"] for item in json.loads((args.set / "truth.json").read_text(encoding="utf-8"))]
    files = files[: args.limit] if args.limit else files
    with tempfile.TemporaryDirectory() as scratch:
        install = fresh_data_dir(Path(scratch), None)
        first = cold_extract(files[0], install, args.root)  # builds the derived data, as an install's first upload does
        derived = install / "cache" / "derived"
        derived = derived if derived.is_dir() else None  # code from before the derived data was kept
        seconds = {path: cold_extract(path, fresh_data_dir(Path(scratch), derived), args.root) for path in files}
        slowest = max(seconds, key=seconds.__getitem__)
        first_of_install = cold_extract(slowest, fresh_data_dir(Path(scratch), None), args.root)
    values = sorted(seconds.values())
    print(f"{args.root}: {len(values)} one-page documents of {args.set}, each `wathiqa extract` in a new process, "
          "cold OCR cache")
    print(f"CPU s per document: mean {statistics.mean(values):.2f}, median {statistics.median(values):.2f}, "
          f"90th percentile {values[int(0.9 * (len(values) - 1))]:.2f}, max {values[-1]:.2f} ({slowest.name}); "
          f"over 3 s: {sum(v > 3 for v in values)}")
    print(f"the slowest as an install's first process (derived data built): {first_of_install:.2f} s "
          f"(first document {files[0].name}: {first:.2f} s)")


if __name__ == "__main__":
    main()
