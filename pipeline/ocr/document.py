"""`read_document`: a whole file to text, page by page, text layer first, OCR in parallel, cached."""

from __future__ import annotations

import contextlib
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from pipeline.models import PageText, TextResult
from pipeline.ocr import engine, indic_digits, preprocess, second_readings, word_order
from pipeline.ocr.cache import TextCache, cache_key
from pipeline.ocr.errors import OcrError
from pipeline.ocr.images import image_frames, load_image, pdf_page_count, render_pdf_page
from pipeline.ocr.mrz import mrz_lines, read_mrz
from pipeline.ocr.second_readings import LINE_PADDING, script_languages
from pipeline.ocr.textlayer import read_layers
from pipeline.settings import Settings, get_settings

# Line images are read at their own size and at twice it, each with and without layout analysis;
# the reading Tesseract is most confident in wins (layout analysis sometimes drops a line outright).
LINE_SCALES = (1.0, 2.0)
# Layout analysis (PSM 7) drops some lines outright, e.g. on a shaded field; the raw mode (13) keeps them.
_LINE_MODES = (engine.PSM_SINGLE_LINE, engine.PSM_RAW_LINE)
# A page read below this mean confidence may be sideways or upside down: ask OSD and read again.
REORIENT_BELOW = 50.0
# The resolution a page is read again with when its first read cut lines at a column of strokes.
SECOND_RESOLUTION = 300


@dataclass(frozen=True)
class PageJob:
    """One page to OCR: picklable, so a worker process renders or decodes the page itself."""

    path: Path
    kind: str  # "pdf" or "image"
    index: int  # 0-based page or frame
    number: int  # 1-based page number in the document
    languages: str
    dpi: int
    max_pixels: int
    timeout: float | None = None  # seconds for all Tesseract runs of the page; None: no limit



@dataclass(frozen=True)
class DocumentRequest:
    path: Path
    mime: str
    sha256: str


def read_document(path: Path, mime: str, sha256: str, settings: Settings | None = None) -> TextResult:
    """The text of every page in logical order; raises OcrError (one-line reason) for unreadable input."""
    (outcome,) = read_documents([DocumentRequest(Path(path), mime, sha256)], settings)
    if isinstance(outcome, OcrError):
        raise outcome
    return outcome


def read_documents(
    requests: list[DocumentRequest], settings: Settings | None = None
) -> list[TextResult | OcrError]:
    """Several documents at once, in request order, each a TextResult or the OcrError saying why not.

    The pages of all documents share one pool, so two workers stay busy even when documents have
    odd page counts. `seconds` is the time spent on a document's own pages (text layer and OCR).
    """
    settings = settings or get_settings()
    fingerprint = engine.engine_fingerprint(settings.ocr_languages)
    cache = TextCache(settings.path("cache", "ocr"))
    outcomes: list[TextResult | OcrError | None] = [None] * len(requests)
    planned: dict[int, tuple[str, list[PageText], list[PageJob]]] = {}
    for i, request in enumerate(requests):
        key = cache_key(request.sha256, fingerprint, _settings_part(settings))
        outcomes[i] = cache.get(key, request.sha256)
        if outcomes[i] is None:
            try:
                planned[i] = (key, *_plan(request.path, request.mime, settings))
            except OcrError as exc:
                outcomes[i] = exc
    owners = [i for i, (_, _, jobs) in planned.items() for _ in jobs]
    read = _run([job for _, _, jobs in planned.values() for job in jobs], settings.ocr_workers)
    failures: dict[int, OcrError] = {}
    for owner, page in zip(owners, read, strict=True):
        if isinstance(page, OcrError):
            failures.setdefault(owner, page)
        else:
            planned[owner][1].append(page)
    for i, (key, pages, _) in planned.items():
        if i in failures:
            outcomes[i] = failures[i]
            continue
        pages.sort(key=lambda p: p.number)
        outcomes[i] = TextResult(sha256=requests[i].sha256, pages=pages, engine=_engine(pages, settings),
                                 seconds=round(sum(p.seconds for p in pages), 3))
        cache.put(key, outcomes[i])
    return [o for o in outcomes if o is not None]


def _engine(pages: list[PageText], settings: Settings) -> str:
    sources = {p.source for p in pages}
    return " + ".join(
        part for part, used in (("pdfplumber", "text_layer" in sources),
                                (engine.engine_name(settings.ocr_languages), "ocr" in sources)) if used
    )


def _settings_part(settings: Settings) -> dict[str, object]:
    return {"languages": settings.ocr_languages, "dpi": settings.ocr_dpi, "max_pixels": settings.max_image_pixels}


def _plan(path: Path, mime: str, settings: Settings) -> tuple[list[PageText], list[PageJob]]:
    """Pages already read from the text layer, and the jobs for the pages that need OCR."""
    def job(kind: str, index: int) -> PageJob:
        return PageJob(path, kind, index, index + 1, settings.ocr_languages, settings.ocr_dpi,
                       settings.max_image_pixels, settings.ocr_page_timeout_seconds)

    if mime == "application/pdf":
        count = pdf_page_count(path)
        if count > settings.max_pages:
            raise OcrError(f"PDF has {count} pages, over the limit of {settings.max_pages}")
        started = time.perf_counter()
        try:
            layers = read_layers(path)
        except Exception:  # pdfminer raises many types; a broken layer just means OCR
            layers = []
        per_page = (time.perf_counter() - started) / max(count, 1)
        done = [
            PageText(number=i + 1, text=layer.text, source="text_layer", mean_confidence=100.0,
                     seconds=round(per_page, 4), mrz=mrz_lines(layer.text.splitlines()))
            for i, layer in enumerate(layers[:count]) if layer.usable
        ]
        have = {p.number for p in done}
        return done, [job("pdf", i) for i in range(count) if i + 1 not in have]
    if mime.startswith("image/"):
        frames = image_frames(path, settings.max_image_pixels)
        if frames > settings.max_pages:
            raise OcrError(f"image has {frames} frames, over the limit of {settings.max_pages}")
        return [], [job("image", i) for i in range(frames)]
    raise OcrError(f"cannot read text from {mime or 'unknown type'}: only PDF and images are supported")


def _run(jobs: list[PageJob], workers: int) -> list[PageText | OcrError]:
    workers = min(workers, len(jobs))
    if workers <= 1:
        return [_ocr_page_or_error(j) for j in jobs]
    # fork: workers start in milliseconds and inherit loaded modules (and the digit templates, built
    # once here rather than in each worker); they run no threads of ours.
    indic_digits.default_templates()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(_ocr_page_or_error, jobs))


def _ocr_page_or_error(job: PageJob) -> PageText | OcrError:
    # One unreadable page fails its own document, not the others sharing the pool.
    try:
        with engine.page_deadline(job.timeout) if job.timeout else contextlib.nullcontext():
            return ocr_page(job)
    except OcrError as exc:
        return OcrError(f"page {job.number}: {exc}")
    except (OSError, ValueError, MemoryError) as exc:  # truncated or malformed image data found mid-decode
        return OcrError(f"page {job.number} cannot be read: {exc}".splitlines()[0])


def page_image(job: PageJob) -> Image.Image:
    if job.kind == "pdf":
        return render_pdf_page(job.path, job.index, job.dpi, job.max_pixels)
    return load_image(job.path, job.index, job.max_pixels)


def ocr_page(job: PageJob) -> PageText:
    """Read one page image: clean it up, turn it upright, OCR it, and read its MRZ if it has one."""
    started = time.perf_counter()
    image = preprocess.even_illumination(page_image(job))
    if preprocess.is_single_line(image):
        reading, rotation, mrz = read_line(image, job.languages), 0, None
    else:
        image, _ = preprocess.deskew(preprocess.upscale_small_text(image, job.max_pixels))
        reading, rotation = read_page(image, job.languages), 0
        if reading.confidence < REORIENT_BELOW:
            image, reading, rotation = _reorient(image, reading, job.languages)
        reading = second_readings.improve(image, reading, job.languages)
        mrz = read_mrz(image, reading.lines, unsure=reading.confidence < REORIENT_BELOW)
    reading = word_order.logical_order(reading)
    return PageText(
        number=job.number,
        text=reading.text,
        source="ocr",
        mean_confidence=round(reading.confidence, 2),
        seconds=round(time.perf_counter() - started, 3),
        words=reading.words,
        rotation=rotation,
        mrz=mrz,
    )


def read_page(image: Image.Image, languages: str) -> engine.Reading:
    """The page read. Where it took a column of strokes for a ruled line (words that are only bars:
    right-aligned Arabic lines starting with an alef cut in two, "سم |" ... "لمولود"), the page is read
    again told another resolution, which moves Tesseract's size thresholds, and the reading with fewer
    bars (then the more confident one) is kept. Whether a page is cut depends on those thresholds
    chaotically, so no single resolution avoids it (seen both told 96 dpi and left to estimate)."""
    reading = engine.read(image, languages, engine.PSM_AUTO)
    if not stroke_words(reading):
        return reading
    again = engine.read(image, languages, engine.PSM_AUTO, dpi=SECOND_RESOLUTION)
    return min((reading, again), key=lambda r: (stroke_words(r), -r.confidence))


def stroke_words(reading: engine.Reading) -> int:
    return sum(1 for word in reading.words if set(word.text) <= set("|\\/![]"))


def read_line(image: Image.Image, languages: str) -> engine.Reading:
    """A single text line: read once with every language, then again with only the languages of the
    script that dominates (Latin models hallucinate Latin words inside Arabic lines and back), keeping
    the most confident of those readings (see LINE_SCALES)."""
    first = engine.read(preprocess.pad(image, LINE_PADDING), languages, engine.PSM_SINGLE_LINE).to_original(
        1.0, LINE_PADDING)
    focused = script_languages(languages, first.text)
    best = first if focused == languages else engine.Reading([])
    for scale in LINE_SCALES:
        scaled = image if scale == 1.0 else image.resize(
            (round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS)
        padded = preprocess.pad(scaled, LINE_PADDING)
        for psm in _LINE_MODES:
            reading = engine.read(padded, focused, psm).to_original(scale, LINE_PADDING)
            if reading.words and (not best.words or reading.confidence > best.confidence):
                best = reading
    return best


def _reorient(
    image: Image.Image, reading: engine.Reading, languages: str
) -> tuple[Image.Image, engine.Reading, int]:
    """Turn a page OSD says is not upright, keeping whichever reading is more confident."""
    found = engine.detect_rotation(image)
    if not found or found[0] == 0:
        return image, reading, 0
    turned, _ = preprocess.deskew(image.rotate(-found[0], expand=True, fillcolor=255))
    second = engine.read(turned, languages, engine.PSM_AUTO)
    if second.confidence > reading.confidence:
        return turned, second, found[0]
    return image, reading, 0
