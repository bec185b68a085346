"""Character error rate on the public printed-Arabic lines: plain Tesseract and the text stage, side by side.

    .venv/bin/python bench/ocr_accuracy.py [--eval DIR] [--workers N]

Both readings are folded the same way before scoring (pipeline.ocr.fold_for_matching: alef variants,
taa marbuta, alef maqsura, diacritics, tatweel, digits) and spaces are dropped. The README of the
eval set quotes ~8.9% for plain `tesseract -l ara --psm 7`; that figure is reproduced when punctuation
is dropped too, so both variants are printed. The text stage runs with an empty cache (a fresh data
directory), through the same `read_document` call the pipeline makes. The same lines are also stacked
into pages of 12 at run time, to measure page reading (plain `tesseract -l ara+eng`, default layout).
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

from PIL import Image

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


def compose_pages(images: list[Path], per_page: int, directory: Path) -> list[tuple[Path, list[Path]]]:
    """Pages stacked from the line images at run time (right-aligned, as Arabic is set), to measure
    page reading (layout analysis, mixed-language models) on the same material."""
    pages = []
    for start in range(0, len(images), per_page):
        group = images[start : start + per_page]
        lines = [Image.open(p).convert("L") for p in group]
        width = max(line.width for line in lines) + 200
        page = Image.new("L", (width, sum(line.height + 40 for line in lines) + 200), 255)
        top = 100
        for line in lines:
            page.paste(line, (width - 100 - line.width, top))
            top += line.height + 40
        path = directory / f"page-{start // per_page}.png"
        page.save(path)
        pages.append((path, group))
    return pages


def plain_page(path: Path) -> str:
    return subprocess.run(["tesseract", str(path), "stdout", "-l", "ara+eng"],
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
    if not images:
        # The default is beside the checkout, and a worktree elsewhere has none.
        parser.error(f"no line images in {args.eval} (pass --eval DIR)")
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
        pages = compose_pages(images, 12, Path(data_dir))
        page_truths = ["\n".join(p.with_suffix(".gt.txt").read_text(encoding="utf-8") for p in group)
                       for _, group in pages]
        for name, reader in (("plain tesseract -l ara+eng, pages of 12 lines", plain_page),
                             ("wathiqa text stage, pages of 12 lines", ours)):
            started = time.perf_counter()
            with ThreadPoolExecutor(args.workers) as pool:
                reads = list(pool.map(reader, [path for path, _ in pages]))
            seconds = time.perf_counter() - started
            pairs = list(zip(page_truths, reads, strict=True))
            rows.append((name, cer(pairs, punctuation=False), cer(pairs, punctuation=True), seconds))
    print(f"{len(images)} lines from {args.eval}")
    print("| reader | CER, letters and digits | CER, with punctuation | seconds |")
    print("| --- | --- | --- | --- |")
    for name, letters, with_punct, seconds in rows:
        print(f"| {name} | {letters:.2f}% | {with_punct:.2f}% | {seconds:.1f} |")


if __name__ == "__main__":
    main()
