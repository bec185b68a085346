"""`read_document`: a whole file to text, page by page, text layer first, OCR in parallel, cached."""

from __future__ import annotations

import contextlib
import multiprocessing
import re
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from pipeline.models import OcrWord, PageText, TextResult
from pipeline.ocr import coverage, engine, indic_digits, preprocess
from pipeline.ocr.arabic import normalize_text
from pipeline.ocr.cache import TextCache, cache_key
from pipeline.ocr.errors import OcrError
from pipeline.ocr.images import image_frames, load_image, pdf_page_count, render_pdf_page
from pipeline.ocr.mrz import looks_like_mrz, mrz_lines, read_mrz
from pipeline.ocr.textlayer import read_layers
from pipeline.settings import Settings, get_settings

# Line images are read at their own size and at twice it, each with and without layout analysis;
# the reading Tesseract is most confident in wins (layout analysis sometimes drops a line outright).
LINE_SCALES = (1.0, 2.0)
LINE_PADDING = 20
# Layout analysis (PSM 7) drops some lines outright, e.g. on a shaded field; the raw mode (13) keeps them.
_LINE_MODES = (engine.PSM_SINGLE_LINE, engine.PSM_RAW_LINE)
# Tesseract models for languages written in Arabic script.
ARABIC_SCRIPT_MODELS = frozenset({"ara", "fas", "urd", "pus", "snd", "uig", "kur_ara", "Arabic"})
# A page line read below this confidence is read again with its own script's models only.
REREAD_LINE_BELOW = 80.0
# A page read below this mean confidence may be sideways or upside down: ask OSD and read again.
REORIENT_BELOW = 50.0
# Second readings (skipped ink, weak lines, words in the other script) a page may spend: a busy photo
# has dozens of weak lines, and reading them all again costs seconds for little.
MAX_REREADS_PER_PAGE = 20
# A word in the other script than its line's, read at least this confidently, is taken as written;
# one read less surely is replaced by its line's script's reading if that is at least this confident.
FOREIGN_WORD_TRUSTED = 90.0
FOREIGN_WORD_MIN_CONFIDENCE = 25.0
# A number (ASCII digits, perhaps with date separators) as a word of a page read.
_NUMBER = re.compile(r"[0-9][0-9/.\-:]*")
_NUMBER_ALPHABET = "0123456789/-.:"
DIGIT_REREAD_MIN_CONFIDENCE = 80.0
# Inside a number, digits stand closer than this many line heights; words stand further apart.
INDIC_RUN_GAP = 0.45
# A word read at least this confidently (a Latin number, an Arabic word) is not offered to the
# Arabic-Indic digit reader.
INDIC_TRUSTED = 90.0
ARABIC_WORD_FAIR = 60.0
LATIN_WORD_FAIR = 70.0
# A line found in ink the page read skipped is kept only when read at least this confidently
# (the skipped ink may be a stamp, a signature or a logo).
UNREAD_LINE_MIN_CONFIDENCE = 50.0


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


@dataclass
class RereadBudget:
    """Tesseract runs left for second readings of one page."""

    left: int

    def take(self) -> bool:
        if self.left <= 0:
            return False
        self.left -= 1
        return True


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
        reading, rotation = engine.read(image, job.languages, engine.PSM_AUTO), 0
        if reading.confidence < REORIENT_BELOW:
            image, reading, rotation = _reorient(image, reading, job.languages)
        budget = RereadBudget(MAX_REREADS_PER_PAGE)
        # Most useful first, as the budget may run out: lost lines, then numbers, then single words.
        reading = read_skipped_lines(image, reading, job.languages, budget)
        reading = reread_digit_words(image, reading, job.languages, budget)
        reading = read_indic_numbers(image, reading)
        reading = reread_foreign_words(image, reading, job.languages, budget)
        reading = reread_weak_lines(image, reading, job.languages, budget)
        reading = attach_row_values(reading)
        mrz = read_mrz(image, reading.lines, unsure=reading.confidence < REORIENT_BELOW)
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


def attach_row_values(reading: engine.Reading) -> engine.Reading:
    """A line that ends in a label's colon with nothing after it gets the line printed beside it on the
    same row, in another column: layout analysis reads columns one after the other, so a Latin name set
    left of its Arabic label ("اسم العامل :" ... "Leila Reyes") would otherwise come out far from it."""
    lines = list(reading.lines)
    for line in list(lines):
        if line not in lines or not line.text.rstrip().endswith(":"):
            continue
        beside = [other for other in lines if other is not line and not other.text.rstrip().endswith(":")
                  and _same_row(line.box, other.box) and _apart(line.box, other.box)]
        if len(beside) == 1:
            lines.remove(beside[0])
            lines[lines.index(line)] = engine.Line(line.words + beside[0].words)
    return engine.Reading(lines)


def _same_row(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    """Boxes whose vertical spans overlap by at least half the shorter one."""
    overlap = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return overlap >= 0.5 * min(a[3], b[3])


def _apart(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0]


def reread_weak_lines(
    image: Image.Image, reading: engine.Reading, languages: str, budget: RereadBudget
) -> engine.Reading:
    """Read again, with only its own script's models, each line the page read was unsure of; keep
    whichever reading of the line is more confident. Mixed-language models put Latin look-alikes into
    hard Arabic lines (and back); clean lines are left alone, so clean pages cost nothing extra."""
    lines = []
    for line in reading.lines:
        focused = script_languages(languages, line.text)
        if line.confidence >= REREAD_LINE_BELOW or focused == languages or not budget.take():
            lines.append(line)
            continue
        left, top, width, height = line.box
        margin = max(2, height // 4)
        again = _read_as_line(image, (left - margin, top - margin, left + width + margin, top + height + margin),
                              focused, engine.PSM_SINGLE_LINE)
        better = again.words and again.confidence > line.confidence
        lines.append(engine.Line(again.words) if better else line)
    return engine.Reading(lines)


def reread_foreign_words(
    image: Image.Image, reading: engine.Reading, languages: str, budget: RereadBudget
) -> engine.Reading:
    """Read again, alone and with its line's script's models, each word written in the other script:
    mixed-language models turn whole Arabic words into Latin look-alikes ("سامي" -> "gle", "اسم" ->
    "el"). The line's script wins when the mixed reading was unsure of the word and the focused
    models read only letters of that script there, not at a guess; the two confidences are not
    compared (the right Arabic reading often scores lower than the wrong Latin one). A Latin name
    or code stays: read surely, or read by the Arabic model as noise at confidence near 0."""
    lines = []
    for line in reading.lines:
        focused = script_languages(languages, line.text)
        if focused == languages:
            lines.append(line)
            continue
        words: list[OcrWord] = []
        for word in line.words:
            if (word.confidence >= FOREIGN_WORD_TRUSTED or not any(c.isalpha() for c in word.text)
                    or script_languages(languages, word.text) == focused or not budget.take()):
                words.append(word)
                continue
            left, top, width, height = word.box
            # Room for dots and marks above and below, none beside: neighbouring words must stay out.
            margin = max(2, height // 4)
            again = _read_as_line(image, (left - 2, top - margin, left + width + 2, top + height + margin),
                                  focused, engine.PSM_SINGLE_LINE)
            # Tesseract sometimes boxes a misread word across its neighbours: what the crop shows of
            # them is theirs already.
            others = [w.box for w in line.words if w is not word]
            own = [w for w in again.words if not any(b[0] <= w.box[0] + w.box[2] / 2 <= b[0] + b[2] for b in others)]
            words.extend(own if _plausibly_in_script(own, focused) else [word])
        lines.append(engine.Line(words))
    return engine.Reading(lines)


def _plausibly_in_script(words: list[OcrWord], languages: str) -> bool:
    """A reading made only of letters of `languages`' script (two or more, no digits or marks) and not
    a guess: the Arabic model reads a Latin name as Arabic-looking noise at confidence near 0."""
    text = "".join(w.text for w in words)
    arabic = all(lang in ARABIC_SCRIPT_MODELS for lang in languages.split("+"))
    letters = [c for c in text if c.isalpha() and (("\u0600" <= c <= "\u06ff") == arabic)]
    return (len(letters) >= 2 and len(letters) == len(text)
            and engine.Line(words).confidence >= FOREIGN_WORD_MIN_CONFIDENCE)


def reread_digit_words(
    image: Image.Image, reading: engine.Reading, languages: str, budget: RereadBudget
) -> engine.Reading:
    """Read again, with the Latin model held to digits and date separators, each number in an Arabic
    line: the Arabic model loses Latin digits there ("13" -> "3"). The new reading is kept only when
    it is a number holding every digit the first one had, in order, read confidently."""
    latin = "+".join(lang for lang in languages.split("+") if lang not in ARABIC_SCRIPT_MODELS)
    if not latin or latin == languages:
        return reading
    lines = []
    for line in reading.lines:
        if script_languages(languages, line.text) == latin:
            lines.append(line)
            continue
        words: list[OcrWord] = []
        for word in line.words:
            if not _NUMBER.fullmatch(word.text) or not budget.take():
                words.append(word)
                continue
            left, top, width, height = word.box
            margin = max(2, height // 4)
            again = _read_as_line(image, (left - 2, top - margin, left + width + 2, top + height + margin),
                                  latin, engine.PSM_SINGLE_LINE, whitelist=_NUMBER_ALPHABET)
            text = "".join(w.text for w in again.words)
            keeps_digits = _is_subsequence([c for c in word.text if c.isdigit()], [c for c in text if c.isdigit()])
            better = _NUMBER.fullmatch(text) and keeps_digits and again.confidence >= DIGIT_REREAD_MIN_CONFIDENCE
            words.append(OcrWord(text, round(again.confidence, 2), word.box) if better else word)
        lines.append(engine.Line(words))
    return engine.Reading(lines)


def read_indic_numbers(image: Image.Image, reading: engine.Reading) -> engine.Reading:
    """Read Arabic-Indic digit runs with our own reader (`indic_digits`): Tesseract's Arabic model has
    no ٢-٩ and turns "٦٤١٧١٤٧" into "عه" or "VENVIVEYV", split into words at random. Each Arabic line
    is cut into runs of ink at word gaps; a run not read confidently as a Latin number or Arabic words
    is offered to the reader, and a run it is sure of replaces the words it covers."""
    lines = []
    for line in reading.lines:
        english = not any("\u0600" <= c <= "\u06ff" for c in line.text) and any(map(_latin_word, line.words))
        if english or all(_read_surely(w) for w in line.words) or looks_like_mrz(line.text):
            lines.append(line)
        else:
            lines.append(_read_numbers_in_line(image, line))
    return engine.Reading(lines)


def _read_numbers_in_line(image: Image.Image, line: engine.Line) -> engine.Line:
    box_left, top, width, height = line.box
    margin = max(2, height // 4)
    # Tesseract's boxes around a misread run often stop short of its first or last digit.
    left = max(0, box_left - height // 2)
    crop = image.crop((left, max(0, top - margin), min(image.width, box_left + width + height // 2),
                       min(image.height, top + height + margin)))
    words = list(line.words)
    numbers: list[OcrWord] = []
    for start, end in coverage.column_runs(preprocess.ink_mask(crop).any(axis=0), gap=INDIC_RUN_GAP * height):
        covered = [w for w in words if w.box[0] <= left + end and left + start <= w.box[0] + w.box[2]]
        if not covered or all(_read_surely(w) for w in covered) or any(map(_latin_text, covered)):
            continue
        # The run as cut, else (a number set close to a word) each unsure word it covers alone.
        spans = [((start, end), covered)] + ([((w.box[0] - left, w.box[0] + w.box[2] - left), [w])
                                              for w in covered if not _read_surely(w)] if len(covered) > 1 else [])
        for (span_start, span_end), replaced in spans:
            found = indic_digits.read_digit_run(
                crop.crop((max(0, span_start - height // 4), 0, span_end + height // 4, crop.height)))
            if found is None:
                continue
            number = OcrWord(normalize_text(found.text), found.confidence,
                             (left + span_start, top, span_end - span_start + 1, height))
            numbers.append(number)
            at = words.index(replaced[0])
            words = [number if i == at else w for i, w in enumerate(words) if i == at or w not in replaced]
            if replaced is covered:
                break
    return engine.Line(join_number_pieces(words, numbers, height))


def join_number_pieces(words: list[OcrWord], numbers: list[OcrWord], height: int) -> list[OcrWord]:
    """Numbers read in pieces (a wide gap inside "٠٧/٠٤/٢٠١٦") joined left to right where they stand
    closer than a line height; digit runs are written left to right even in Arabic."""
    pieces = sorted(numbers, key=lambda w: w.box[0])
    joined: list[list[OcrWord]] = []
    for piece in pieces:
        if joined and piece.box[0] - (joined[-1][-1].box[0] + joined[-1][-1].box[2]) < height:
            joined[-1].append(piece)
        else:
            joined.append([piece])
    for group in (g for g in joined if len(g) > 1):
        whole = OcrWord("".join(w.text for w in group), min(w.confidence for w in group),
                        (group[0].box[0], group[0].box[1], group[-1].box[0] + group[-1].box[2] - group[0].box[0],
                         group[0].box[3]))
        at = min(words.index(w) for w in group)
        words = [whole if i == at else w for i, w in enumerate(words) if i == at or w not in group]
    return words


def _latin_word(word: OcrWord) -> bool:
    """A Latin word read fairly well."""
    return word.confidence >= LATIN_WORD_FAIR and sum(c.isascii() and c.isalpha() for c in word.text) >= 3


def _latin_text(word: OcrWord) -> bool:
    """A Latin word in lower or mixed case read fairly well (a name, a unit): digit runs misread as
    Latin come out as capitals and digits ("VENVIVEYV", "TEWIEV")."""
    return _latin_word(word) and sum(c.isascii() and c.islower() for c in word.text) >= 2


def _read_surely(word: OcrWord) -> bool:
    """Not a digit run in disguise: punctuation, a confident Latin number, or an Arabic word of three
    letters or more read fairly well (a digit run misread as Arabic comes out as short, unsure words)."""
    if not any(c.isalnum() for c in word.text):
        return True
    if _NUMBER.fullmatch(word.text):
        return word.confidence >= INDIC_TRUSTED
    return sum("\u0621" <= c <= "\u064a" for c in word.text) >= 3 and word.confidence >= ARABIC_WORD_FAIR


def _is_subsequence(part: list[str], whole: list[str]) -> bool:
    rest = iter(whole)
    return all(c in rest for c in part)


def read_skipped_lines(
    image: Image.Image, reading: engine.Reading, languages: str, budget: RereadBudget
) -> engine.Reading:
    """Read the text-sized ink no word of the page read covers (see `coverage`), each run as a line
    (again with its own script's models when unsure), and put each line found after the line above it
    in its column.
    A run the line mode reads as nothing is read again without layout analysis (PSM 13)."""
    height = preprocess.line_height(image)
    if not height or not reading.lines:
        return reading
    lines = list(reading.lines)
    for region in coverage.unread_regions(image, [w.box for w in reading.words], height):
        if not budget.take():
            break
        psm = engine.PSM_SINGLE_LINE
        best = _read_as_line(image, region, languages, psm)
        if not best.words and budget.take():
            psm = engine.PSM_RAW_LINE
            best = _read_as_line(image, region, languages, psm)
        focused = script_languages(languages, best.text)
        if best.confidence < REREAD_LINE_BELOW and focused != languages and budget.take():
            again = _read_as_line(image, region, focused, psm)
            best = again if again.words and again.confidence >= best.confidence else best
        if best.confidence < UNREAD_LINE_MIN_CONFIDENCE or sum(c.isalnum() for c in best.text) < 2:
            # Tesseract cannot read Arabic-Indic digits: a line of them is noise to it.
            number = indic_digits.read_digit_run(image.crop(region))
            if number is None:
                continue
            width, height = region[2] - region[0], region[3] - region[1]
            best = engine.Reading([engine.Line([OcrWord(normalize_text(number.text), number.confidence,
                                                        (region[0], region[1], width, height))])])
        lines.insert(_place(lines, region), engine.Line(best.words))
    return engine.Reading(lines)


def _read_as_line(
    image: Image.Image, box: tuple[int, int, int, int], languages: str, psm: int, whitelist: str | None = None
) -> engine.Reading:
    """One line of text inside `box` (left, top, right, bottom), read alone; boxes in page pixels."""
    origin = (max(0, box[0]), max(0, box[1]))
    crop = image.crop((*origin, min(image.width, box[2]), min(image.height, box[3])))
    return engine.read(preprocess.pad(crop, LINE_PADDING), languages, psm, whitelist).to_original(
        1.0, LINE_PADDING, origin)



def _place(lines: list[engine.Line], region: tuple[int, int, int, int]) -> int:
    """Where a line found at `region` goes in reading order: after the nearest line above it that shares
    its columns, else before the first such line below it, else last."""
    def shares_columns(line: engine.Line) -> bool:
        left, _, width, _ = line.box
        return left < region[2] and region[0] < left + width

    above = [(line.box[1], i) for i, line in enumerate(lines) if shares_columns(line) and line.box[1] < region[1]]
    if above:
        return max(above)[1] + 1
    below = [i for i, line in enumerate(lines) if shares_columns(line)]
    return min(below) if below else len(lines)


def script_languages(languages: str, sample: str) -> str:
    """The subset of `languages` for the script most of `sample`'s letters are in (all if unsure)."""
    arabic = sum("\u0600" <= c <= "\u06ff" for c in sample)
    latin = sum(c.isascii() and c.isalpha() for c in sample)
    wanted = [lang for lang in languages.split("+") if (lang in ARABIC_SCRIPT_MODELS) == (arabic >= latin)]
    return "+".join(wanted) or languages


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
