"""Intake of a 20 MB upload: peak memory and the time spent beyond hashing.

Each measurement runs in a fresh subprocess (peak RSS is per process), side by side in one run:
  baseline   - interpreter + intake imports, no work
  hash       - SHA-256 of the file, streamed
  inspect    - the whole intake check (hash, type, polyglot, PDF structure or full image decode)
  store      - inspect + inbox put + archive put (filesystem blob store)

    .venv/bin/python bench/intake_memory.py [--mb 20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pikepdf

CHILD = r"""
import json, sys, time
from pathlib import Path
from pipeline.intake import inspect_file, sha256_file
from pipeline.settings import settings_with
mode, path, data_dir = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
settings = settings_with(data_dir=data_dir, max_upload_bytes=64 * 1024 * 1024)
start = time.perf_counter()
if mode == "baseline":
    pass
elif mode == "hash":
    sha256_file(path)
elif mode == "inspect":
    assert inspect_file(path, settings).accepted
elif mode == "store":
    from pipeline.archive import Archive
    from pipeline.blobstore import open_blobstore
    from pipeline.inbox import Inbox, Manifest
    report = inspect_file(path, settings)
    store = open_blobstore(settings)
    Inbox(store).put(path, Manifest(person_id="P-1"))
    Archive(store).put_original(path, report.sha256)
seconds = time.perf_counter() - start
# VmHWM, not ru_maxrss: the latter carries the parent's peak across fork and exec.
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"seconds": seconds, "peak_rss_mb": int(hwm.split()[1]) / 1024}))
"""


def make_pdf(path: Path, megabytes: int) -> None:
    """A one-page PDF carrying an incompressible image stream of the given size (a big scan)."""
    side = int((megabytes * 1024 * 1024 / 3) ** 0.5)
    pdf = pikepdf.new()
    image = pikepdf.Stream(pdf, os.urandom(side * side * 3))
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height, image.BitsPerComponent = side, side, 8
    image.ColorSpace = pikepdf.Name.DeviceRGB
    page = pdf.add_blank_page(page_size=(595, 842))
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    page.Contents = pikepdf.Stream(pdf, b"q 595 0 0 842 0 0 cm /Im0 Do Q")
    pdf.save(path)


def make_jpeg(path: Path, megabytes: int) -> None:
    """A phone-photo-sized JPEG of noise (noise barely compresses, so the file is large)."""
    from PIL import Image

    side = int((megabytes * 1024 * 1024 / 1.1) ** 0.5)
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(path, "JPEG", quality=75)


def make_png(path: Path, megabytes: int) -> None:
    """A lossless scan of noise: PNG has no reduced-scale decode, so intake decodes every pixel."""
    from PIL import Image

    side = int((megabytes * 1024 * 1024 / 3) ** 0.5)
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(path, "PNG", compress_level=1)


def measure(mode: str, path: Path, repeat: int) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as data_dir:
            out = subprocess.run([sys.executable, "-c", CHILD, mode, str(path), data_dir],
                                 capture_output=True, text=True, check=True).stdout
            runs.append(json.loads(out))
    return {"seconds": min(r["seconds"] for r in runs), "peak_rss_mb": max(r["peak_rss_mb"] for r in runs)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in (("big-scan.pdf", make_pdf), ("big-photo.jpg", make_jpeg), ("big-scan.png", make_png)):
            path = Path(tmp) / name
            make(path, args.mb)
            size_mb = path.stat().st_size / 1024 / 1024
            results = {mode: measure(mode, path, args.repeat) for mode in ("baseline", "hash", "inspect", "store")}
            print(f"\nfile: {name}, {size_mb:.1f} MB; fastest of {args.repeat} runs, highest peak RSS")
            print(f"{'mode':<10} {'seconds':>8} {'peak RSS MB':>12} {'RSS over baseline':>18}")
            base = results["baseline"]["peak_rss_mb"]
            for mode, r in results.items():
                print(f"{mode:<10} {r['seconds']:>8.3f} {r['peak_rss_mb']:>12.1f} {r['peak_rss_mb'] - base:>18.1f}")
            overhead = results["inspect"]["seconds"] - results["hash"]["seconds"]
            print(f"intake checks beyond hashing: {overhead * 1000:.0f} ms per file")


if __name__ == "__main__":
    main()
