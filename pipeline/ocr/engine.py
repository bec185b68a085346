"""Tesseract (kept loaded in worker processes): word boxes and confidences, orientation, engine fingerprint.

Each Tesseract process is held to one thread (OMP_THREAD_LIMIT=1): parallelism comes from running
one process per page, and letting OpenMP threads compete with those processes makes both slower.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing.util
import os
import re
import select
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytesseract
from PIL import Image

from pipeline.models import OcrWord
from pipeline.ocr.arabic import has_eastern_digits, normalize_text
from pipeline.ocr.errors import OcrError

# Page segmentation modes (tesseract --help-psm).
PSM_AUTO = 3  # full layout analysis: columns, blocks, then lines
PSM_BLOCK = 6  # one uniform block of text
PSM_SINGLE_LINE = 7
PSM_RAW_LINE = 13  # one line, bypassing layout analysis (which sometimes drops a whole line)
MRZ_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
# A number (ASCII digits, perhaps with date separators) as a word of a reading.
NUMBER = re.compile(r"[0-9][0-9/.\-:]*")
# Digits are at most about 0.8 of their height wide: a number wider than this many heights a character
# lost digits ("15" read "5" at 96%, "8875224" read "1").
NUMBER_WIDTH_PER_CHARACTER = 1.2


def _weighted_confidence(words: list[OcrWord]) -> float:
    """Mean word confidence weighted by word length (a misread long word matters more)."""
    total = sum(len(w.text) for w in words)
    return sum(w.confidence * len(w.text) for w in words) / total if total else 0.0


@dataclass(frozen=True)
class Line:
    words: list[OcrWord]

    @property
    def confidence(self) -> float:
        return _weighted_confidence(self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def box(self) -> tuple[int, int, int, int]:
        left = min(w.box[0] for w in self.words)
        top = min(w.box[1] for w in self.words)
        right = max(w.box[0] + w.box[2] for w in self.words)
        bottom = max(w.box[1] + w.box[3] for w in self.words)
        return left, top, right - left, bottom - top


@dataclass(frozen=True)
class Reading:
    """What Tesseract saw in one image: lines of words in reading order."""

    lines: list[Line]

    @property
    def words(self) -> list[OcrWord]:
        return [w for line in self.lines for w in line.words]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def confidence(self) -> float:
        return _weighted_confidence(self.words)

    def to_original(self, scale: float, padding: int, origin: tuple[int, int] = (0, 0)) -> Reading:
        """Boxes mapped back from a padded, scaled copy (of a crop at `origin`) to the image's pixels."""

        def back(box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
            left, top, width, height = box
            return (origin[0] + max(0, round((left - padding) / scale)),
                    origin[1] + max(0, round((top - padding) / scale)),
                    round(width / scale), round(height / scale))

        return Reading([Line([OcrWord(w.text, w.confidence, back(w.box)) for w in line.words])
                        for line in self.lines])


# When the page being read must be done (time.monotonic()) and its budget in seconds; a ContextVar,
# as threads read pages too.
_deadline: ContextVar[tuple[float, float] | None] = ContextVar("ocr_deadline", default=None)


@contextlib.contextmanager
def page_deadline(seconds: float) -> Iterator[None]:
    """Every Tesseract run inside shares one time budget: a pathological page (a huge noisy scan,
    an image built to stall the engine) fails with a reason instead of holding a worker for ever."""
    token = _deadline.set((time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _deadline.reset(token)


def _time_left() -> float:
    """Seconds the current page may still use (0 means no limit), or OcrError once it is spent."""
    budget = _deadline.get()
    if budget is None:
        return 0
    left = budget[0] - time.monotonic()
    if left <= 0:
        raise _overtime()
    return left


def _overtime() -> OcrError:
    budget = _deadline.get()
    return OcrError(f"OCR took longer than the {budget[1] if budget else 0:g} s allowed for a page")


# Images go to Tesseract as BMP, whose header always states a resolution (Pillow writes 96 dpi unless
# told). Tesseract sizes its layout analysis by it: told 96 dpi about a 300 dpi page, it took the
# aligned first letters of right-aligned Arabic lines for a ruled column ("اسم المولود" read as
# "سم |" ... "لمولود"). Zero means unknown, and Tesseract estimates the resolution from the text.
UNKNOWN_RESOLUTION = 0


def _limit_threads() -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"


def read(image: Image.Image, languages: str, psm: int, whitelist: str | None = None,
         dpi: int = UNKNOWN_RESOLUTION) -> Reading:
    """Run Tesseract on one image and group its words into lines (in Tesseract's reading order); `dpi`
    is the resolution Tesseract is told."""
    return read_many([image], languages, psm, whitelist, dpi)[0]


def read_many(images: Sequence[Image.Image], languages: str, psm: int, whitelist: str | None = None,
              dpi: int = UNKNOWN_RESOLUTION) -> list[Reading]:
    """Each image read as `read` reads it, all in one request: given a file listing images, Tesseract
    reads them as the pages of one input. Its LSTM models keep nothing from page to page: the readings
    are the same."""
    if not images:
        return []
    _time_left()  # a page out of time starts no Tesseract
    with tempfile.TemporaryDirectory(prefix="wathiqa-ocr-") as folder:
        paths = [Path(folder) / f"{i}.bmp" for i in range(len(images))]
        for image, path in zip(images, paths, strict=True):
            # An uncompressed file: PNG costs more to encode and decode than a page takes to binarise.
            image.save(path, format="BMP", dpi=(dpi, dpi))
        listing = Path(folder) / "images.txt"
        listing.write_text("".join(f"{path}\n" for path in paths))
        tsv = _worker().run(listing, languages, psm, whitelist, Path(folder) / "words")
    pages: dict[int, list[list[str]]] = {}
    for row in _rows(tsv):
        pages.setdefault(int(row[1]), []).append(row)
    return [_reading(pages.get(page, [])) for page in range(1, len(images) + 1)]


WORKER_SCRIPT = Path(__file__).with_name("tesseract_worker.py")


class _Worker:
    """A `tesseract_worker` process, whose models stay loaded from one run to the next (loading them is
    most of what a short run costs). One thread uses it at a time."""

    def __init__(self) -> None:
        self.thread = threading.current_thread()
        self.process = subprocess.Popen(
            [sys.executable, "-I", str(WORKER_SCRIPT)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )

    def run(self, images: Path, languages: str, psm: int, whitelist: str | None, output: Path) -> str:
        """Tesseract's TSV of `images` (an image or a listing), or OcrError; killed past the page's deadline."""
        request = {"images": str(images), "languages": languages, "psm": psm, "whitelist": whitelist,
                   "output": str(output)}
        assert self.process.stdin and self.process.stdout
        try:
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            pass  # it died: told below
        try:
            left = _time_left()
        except OcrError:
            self.close(kill=True)
            raise
        if not select.select([self.process.stdout], [], [], left or None)[0]:
            self.close(kill=True)
            raise _overtime()
        answer = self.process.stdout.readline().decode().strip()
        if answer == "ok":
            return output.with_suffix(".tsv").read_text()
        if not answer:  # it ended: Tesseract crashed, or was killed
            self.close(kill=True)
            reason = f"it stopped ({self.process.returncode})"
        else:
            reason = answer.removeprefix("error ")
        raise OcrError(f"tesseract failed: {reason}")

    def close(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        elif self.process.stdin:
            self.process.stdin.close()  # it ends at the end of its input
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# Each thread of each process has its own worker, started on first use.
_workers: dict[tuple[int, int], _Worker] = {}
_workers_lock = threading.Lock()
_workers_pid = 0  # the process that set up closing its workers at exit


def _worker() -> _Worker:
    global _workers_lock, _workers_pid
    pid = os.getpid()
    if _workers_pid != pid:
        # A forked child (a page worker) starts afresh: its parent's workers are not its own, and the
        # lock may have been held by a thread that does not exist in the child.
        _workers_lock = threading.Lock()
        _workers_pid = pid
        # Finalize runs at a normal exit and at a multiprocessing child's exit, which skips atexit;
        # waiting for the workers there also counts their CPU in the parent's.
        multiprocessing.util.Finalize(None, _close_workers, exitpriority=0)
    key = (pid, threading.get_ident())
    with _workers_lock:
        worker = _workers.get(key)
        if worker is None or worker.process.poll() is not None:
            for other in [k for k, w in _workers.items() if k[0] == pid and not w.thread.is_alive()]:
                _workers.pop(other).close()  # a thread that has ended
            worker = _workers[key] = _Worker()
    return worker


def _close_workers() -> None:
    pid = os.getpid()
    for key in [k for k in _workers if k[0] == pid]:
        _workers.pop(key).close()


def _rows(tsv: str) -> list[list[str]]:
    """Tesseract's TSV without its header: level, page, block, paragraph, line, word, left, top,
    width, height, confidence, text (absent in rows of no text)."""
    return [line.split("\t") for line in tsv.strip().split("\n")[1:] if line]


def _reading(rows: list[list[str]]) -> Reading:
    lines: dict[tuple[str, str, str], list[OcrWord]] = {}
    for row in rows:
        raw = row[11] if len(row) > 11 else ""
        text = normalize_text(raw).strip()
        # Whole numbers, as pytesseract's table has always given them (what the thresholds were set on).
        confidence = float(int(float(row[10])))
        if not text or confidence < 0:
            continue
        box = (int(row[6]), int(row[7]), int(row[8]), int(row[9]))
        if has_eastern_digits(raw):
            # Debian's Arabic model knows only ٠ and ١ of these digits, so whatever it reads as them
            # may have been any ("٦٠٠" read "١٠٠" at 91%): never a sure reading (the digit reader's turn).
            confidence = 0.0
        elif NUMBER.fullmatch(text) and box[2] > NUMBER_WIDTH_PER_CHARACTER * box[3] * len(text):
            confidence = 0.0  # a number that lost digits, however surely the rest was read
        lines.setdefault((row[2], row[3], row[4]), []).append(OcrWord(text, confidence, box))
    return Reading([Line(words) for words in lines.values()])


def detect_rotation(image: Image.Image) -> tuple[int, float] | None:
    """Clockwise degrees (0/90/180/270) the page must turn to be upright and OSD's confidence,
    or None when there is too little text to tell."""
    _limit_threads()
    try:
        osd = pytesseract.image_to_osd(image, config="--psm 0", output_type=pytesseract.Output.DICT,
                                       timeout=_time_left())
    except pytesseract.TesseractError:
        return None  # "Too few characters": nothing to orient by
    except RuntimeError:  # the timeout, as above
        raise _overtime() from None
    return int(osd["rotate"]) % 360, float(osd["orientation_conf"])


@cache
def tessdata_dir() -> Path:
    listing = subprocess.run(
        [pytesseract.pytesseract.tesseract_cmd, "--list-langs"], capture_output=True, text=True, check=False
    )
    match = re.search(r'"([^"]+)"', listing.stdout + listing.stderr)
    if not match:
        raise OcrError("tesseract is not installed or lists no language models")
    return Path(match.group(1))


@cache
def engine_fingerprint(languages: str) -> str:
    """Tesseract's version and a checksum of every model used, so upgrades invalidate cached text."""
    version = str(pytesseract.get_tesseract_version())
    digest = hashlib.sha256(version.encode())
    for lang in sorted({*languages.split("+"), "eng", "osd"}):
        model = tessdata_dir() / f"{lang}.traineddata"
        if not model.exists():
            raise OcrError(f"tesseract language model {lang!r} is not installed ({model})")
        digest.update(lang.encode() + hashlib.sha256(model.read_bytes()).digest())
    return f"tesseract {version} {languages} {digest.hexdigest()[:16]}"


def engine_name(languages: str) -> str:
    return f"tesseract {pytesseract.get_tesseract_version()} {languages}"
