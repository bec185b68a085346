"""Character error rate on the public printed-Arabic lines: plain Tesseract and the text stage, side by side.

    .venv/bin/python bench/ocr_accuracy.py [--eval DIR] [--workers N]

Both readings are folded the same way before scoring (pipeline.ocr.fold_for_matching: alef variants,
taa marbuta, alef maqsura, diacritics, tatweel, digits) and spaces are dropped. The README of the
eval set quotes ~8.9% for plain `tesseract -l ara --psm 7`; that figure is reproduced when punctuation
is dropped too, so both variants are printed. The text stage runs with an empty cache (a fresh data
directory), through the same `read_document` call the pipeline makes.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pipeline.extraction.normalise import edit_distance
from pipeline.ocr import fold_for_matching, read_document
from pipeline.settings import settings_with

DEFAULT_EVAL = Path(__file__).resolve().parent.parent.parent / "shared/eval/public/arabic-lines"


def folded(text: str, punctuation: bool) -> str:
    text = "".join(fold_for_matching(text).split())
    return text if punctuation else re.sub(r"[^\w]", "", text)


def plain(path: Path) -> str:
    return subprocess.run(["tesseract", str(path), "stdout", "-l", "ara", "--psm", "7"],
                          capture_output=True, text=True, check=True).stdout


def cer(pairs: list[tuple[str, str]], punctuation: bool) -> float:
    errors = sum(edit_distance(folded(truth, punctuation), folded(read, punctuation)) for truth, read in pairs)
    total = sum(len(folded(truth, punctuation)) for truth, _ in pairs)
    return 100.0 * errors / total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    images = sorted(args.eval.glob("*.png"))
    truths = [p.with_suffix(".gt.txt").read_text(encoding="utf-8") for p in images]
    with tempfile.TemporaryDirectory() as data_dir:
        settings = settings_with(data_dir=Path(data_dir), ocr_workers=1)

        def ours(path: Path) -> str:
            return read_document(path, "image/png", hashlib.sha256(path.read_bytes()).hexdigest(), settings).text

        rows = []
        for name, reader in (("plain tesseract -l ara --psm 7", plain), ("wathiqa text stage", ours)):
            started = time.perf_counter()
            with ThreadPoolExecutor(args.workers) as pool:
                reads = list(pool.map(reader, images))
            seconds = time.perf_counter() - started
            pairs = list(zip(truths, reads, strict=True))
            rows.append((name, cer(pairs, punctuation=False), cer(pairs, punctuation=True), seconds))
    print(f"{len(images)} lines from {args.eval}")
    print("| reader | CER, letters and digits | CER, with punctuation | seconds |")
    print("| --- | --- | --- | --- |")
    for name, letters, with_punct, seconds in rows:
        print(f"| {name} | {letters:.2f}% | {with_punct:.2f}% | {seconds:.1f} |")


if __name__ == "__main__":
    main()
