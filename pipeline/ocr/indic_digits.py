"""Reading runs of Arabic-Indic digits (٠-٩) that Tesseract cannot read.

Tesseract's `ara` model knows only ٠ and ١ and the `Arabic` script model turns "٦٤١٧١٤٧" into Persian or
Latin look-alikes, so certificate numbers and dates printed in Arabic-Indic digits need their own
reader. A word crop is binarised, split into glyphs (connected components, grouped when they share
columns, as the two dots of ":" do), and each glyph is matched to its nearest template: every digit,
separator and a set of look-alikes (Western digits, Persian ۴ ۵ ۶, Arabic and Latin letters) rendered
from every installed font whose digits have the Arabic forms. Any glyph nearest a look-alike, far from
every template or too close to two classes makes the whole crop unreadable: a wrong number is worse
than none.
"""

from __future__ import annotations

import functools
import io
import itertools
import math
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from pipeline.ocr import derived
from pipeline.ocr.preprocess import components, ink_box

DIGITS = "٠١٢٣٤٥٦٧٨٩"
SEPARATORS = "/-.:"
# Other shapes a crop may hold: a glyph nearer one of these than (by a margin) any digit vetoes the crop.
# Bare strokes (alef, I, l) are left out: they are the digit one in most fonts, so they would only veto
# real numbers; runs of nothing but strokes and rings are refused instead (see _plausible).
LOOKALIKES = ("0123456789ABCDEFGHJKMNOPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz()"
              "بتثجحخدذرزسشصضطظعغفقكلمنهويىءة")
_LOOKALIKE_FAVOUR = 1.1  # a look-alike must be this much nearer than the best digit to veto
# Families whose digits are Urdu/Persian or decorative forms, or that only borrow them.
_EXCLUDED_FAMILIES = ("nastaliq", "urdu", "syriac", "thaana", "siyaq", "quran")
_GRID = 16  # side of the normalised glyph bitmap
_CROSSING_ROWS = (0.1, 0.2, 0.35)  # the tops of ٢ and ٣ differ by one tooth, which a coarse bitmap blurs
_CROSSING_COLUMNS = (0.3, 0.5, 0.7)
_CROSSING_WEIGHT = 1.5
_FEATURES = _GRID * _GRID + 5 + len(_CROSSING_ROWS) + len(_CROSSING_COLUMNS)
# Size and place in the band, in units of fully different bitmap pixels per band height: "٠" and "."
# are the same dot, one at mid-height and one on the baseline.
_GEOMETRY_WEIGHTS = np.array([6.0, 6.0, 10.0, 10.0, 6.0], dtype=np.float32)
_READABLE = frozenset(DIGITS + SEPARATORS) - {"."}
_FULL_HEIGHT = "١٢٣٤٦٧٨٩"  # digits spanning the run's band in every font (٥ and ٠ are shorter)
_TEMPLATE_SIZES = (18, 30, 52)  # font px: small sizes teach the rasterisation of small print
_MAX_DISTANCE = 5.5  # nearest template farther than this: not a glyph we know
_FULL_MARGIN = 0.25  # relative margin to the runner-up class that earns confidence 100
MIN_CONFIDENCE = 60.0  # leave-one-font-out: at 60, 1 in 60 accepted runs was wrong; at 40, 1 in 23


@dataclass(frozen=True)
class DigitReading:
    """A digit run in logical order (most significant digit first) and its confidence, 0-100."""

    text: str
    confidence: float


@dataclass(frozen=True)
class Templates:
    """Feature rows grouped by class: rows starts[i] up to the next start depict classes[i]."""

    features: np.ndarray
    classes: tuple[str, ...]
    starts: np.ndarray

    @functools.cached_property
    def squared_norms(self) -> np.ndarray:
        """Each row's squared length, for the distances of every read (computed once, not per call)."""
        return (self.features**2).sum(axis=1)

    @functools.cached_property
    def columns(self) -> np.ndarray:
        """The features transposed and contiguous, for the per-read product (computed once)."""
        return np.ascontiguousarray(self.features.T)


@dataclass(frozen=True)
class _Glyph:
    mask: np.ndarray  # the glyph's ink, cropped to its bounding box
    top: int
    left: int
    parts: int = 1  # connected components: every digit is one stroke, ":" is two dots


@functools.cache
def digit_fonts() -> tuple[str, ...]:
    """Installed font files with Arabic-Indic digits in their Arabic (not Urdu/Persian) forms (asked of
    fontconfig once a process: the word check asks for every page it checks)."""
    try:
        listing = subprocess.run(["fc-list", ":charset=0663", "file", "family"], capture_output=True, text=True,
                                 timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    fonts = []
    for line in listing.splitlines():
        path, _, family = line.partition(":")
        if not any(word in (path + family).lower() for word in _EXCLUDED_FAMILIES):
            fonts.append(path.strip())
    return tuple(sorted(set(fonts)))


def read_digit_run(image: Image.Image, templates: Templates | None = None) -> DigitReading | None:
    """The Arabic-Indic digit run in a word crop (dark ink on light paper), or None when not clearly one.

    `templates` defaults to those of every installed digit font; pass `build_templates(fonts)` to read
    with a chosen set.
    """
    templates = templates or default_templates()
    gray = np.asarray(image.convert("L"), dtype=np.uint8)
    if min(gray.shape) < 6:
        return None
    if gray.shape[0] < 48:
        # Thresholding an upsampled crop keeps the sub-pixel shape that small print carries in its grey.
        scale = 48 / gray.shape[0]
        size = (max(1, round(gray.shape[1] * scale)), 48)
        gray = np.asarray(Image.fromarray(gray).resize(size, Image.Resampling.BICUBIC), dtype=np.uint8)
    ink = _binarise(gray)
    if ink is None:
        return None
    split = _split_glyphs(ink)
    if split is None:
        return None
    glyphs, band = split
    # Every digit is one stroke and ":" two dots: more parts is a letter with its dots, refused unread.
    if not 2 <= len(glyphs) <= 40 or any(glyph.parts > 2 for glyph in glyphs):
        return None
    text = ""
    confidence = 100.0
    # Glyph by glyph: most crops offered are words, refused at their first or second glyph.
    for glyph in glyphs:
        ((label, glyph_confidence),) = _classify(_features(glyph, band)[None, :], templates)
        if label == "٠":
            label = _dot(glyph, band)
        if glyph.parts != (2 if label == ":" else 1):
            return None  # a letter with its dots (i, ب, أ) or a broken stroke
        if label is None or glyph_confidence < MIN_CONFIDENCE:
            return None
        text += label
        confidence = min(confidence, glyph_confidence)
    # A label's colon or a full stop beside the number belongs to the sentence ("الراتب : ٦٠٠").
    text = text.strip(":.")
    return DigitReading(text, round(confidence, 1)) if _plausible(text) else None


def _dot(glyph: _Glyph, band: tuple[float, float]) -> str | None:
    """A lone dot is zero at mid-height and a full stop on the baseline; fonts differ in little else."""
    band_top, band_bottom = band
    centre = (glyph.top + glyph.mask.shape[0] / 2 - band_top) / (band_bottom - band_top)
    if centre < 0.72:
        return "٠"
    return "." if centre > 0.8 else None


@functools.cache
def default_templates() -> Templates:
    fonts = digit_fonts()
    return derived.stored("digit-templates", map(Path, fonts), __file__, lambda: build_templates(fonts),
                          _dump_templates, _load_templates)


def _dump_templates(templates: Templates) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, features=templates.features, classes=np.array(templates.classes), starts=templates.starts)
    return buffer.getvalue()


def _load_templates(data: bytes) -> Templates:
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        return Templates(arrays["features"], tuple(str(c) for c in arrays["classes"]), arrays["starts"])


@functools.cache
def build_templates(fonts: Sequence[str]) -> Templates:
    """Templates of every digit, separator and look-alike rendered from `fonts` (a tuple, for caching)."""
    rows: list[np.ndarray] = []
    labels: list[str] = []
    for path in fonts:
        for size in _TEMPLATE_SIZES:
            font = ImageFont.truetype(path, size)
            band = _band([ink_box(ink >= 128)[:2] for ch in _FULL_HEIGHT if (ink := _render(font, ch)) is not None])
            if band is None:
                continue
            missing = _render(font, "\ue000")
            # Look-alikes need only one rendering each: they veto, they are not read.
            wanted = DIGITS + SEPARATORS + (LOOKALIKES if size == _TEMPLATE_SIZES[1] else "")
            for ch in wanted:
                gray = _render(font, ch)
                # A font without the character draws its .notdef box, which is no template of anything.
                if gray is None or (ch not in DIGITS and missing is not None and np.array_equal(gray, missing)):
                    continue
                # Two stroke weights per rendering of a digit or separator: faint and heavy print of one design.
                for threshold in (80, 176) if ch in DIGITS + SEPARATORS else (128,):
                    glyph = _glyph_of(gray >= threshold)
                    if glyph is not None:
                        rows.append(_features(glyph, band))
                        labels.append(ch)
    if not rows:
        return Templates(np.zeros((0, _FEATURES), dtype=np.float32), (), np.zeros(0, dtype=np.intp))
    for ch, glyph, band in _drawn_separators():
        rows.append(_features(glyph, band))
        labels.append(ch)
    order = sorted(range(len(labels)), key=labels.__getitem__)
    ordered = [labels[i] for i in order]
    classes = tuple(sorted(set(ordered)))
    starts = np.array([ordered.index(ch) for ch in classes], dtype=np.intp)
    return Templates(np.stack([rows[i] for i in order]).astype(np.float32), classes, starts)


def _drawn_separators() -> list[tuple[str, _Glyph, tuple[float, float]]]:
    """Separators drawn as plain strokes and dots: many digit fonts lack them and pages mix in another font's."""
    drawn = []
    for band_height in (24, 60):
        h = band_height
        band = (float(h), float(2 * h))
        for weight in (0.07, 0.13):
            w = max(1, round(weight * h))
            shapes: list[tuple[str, list[tuple[str, tuple[float, ...]]]]] = []
            for slant in (0.25, 0.5):
                for overshoot in (0.0, 0.12):
                    top, bottom = h * (1 - overshoot), h * (2 + overshoot)
                    shapes.append(("/", [("line", (h, bottom, h + slant * h, top))]))
            for length in (0.3, 0.55):
                for middle in (1.45, 1.6):
                    shapes.append(("-", [("line", (h, middle * h, h + length * h, middle * h))]))
            dot = max(w + 1.0, 0.14 * h)
            shapes.append((".", [("dot", (h, 2 * h - dot, h + dot, 2 * h))]))
            for upper in (1.35, 1.5):
                shapes.append((":", [("dot", (h, upper * h, h + dot, upper * h + dot)),
                                     ("dot", (h, 2 * h - dot, h + dot, 2 * h))]))
            for ch, strokes in shapes:
                canvas = Image.new("L", (4 * h, 3 * h), 0)
                draw = ImageDraw.Draw(canvas)
                for kind, xy in strokes:
                    if kind == "line":
                        draw.line(xy, fill=255, width=w)
                    else:
                        draw.ellipse(xy, fill=255)
                glyph = _glyph_of(np.asarray(canvas) >= 128)
                if glyph is not None:
                    drawn.append((ch, glyph, band))
    return drawn


def _render(font: ImageFont.FreeTypeFont, ch: str) -> np.ndarray | None:
    """Ink darkness (0-255) of `ch` drawn on a fixed baseline, so positions compare across characters."""
    size = int(font.size)
    canvas = Image.new("L", (size * 3, size * 3), 0)
    ImageDraw.Draw(canvas).text((size, size * 2), ch, font=font, fill=255, anchor="ls")
    ink = np.asarray(canvas)
    return ink if ink.max() >= 128 else None


def _glyph_of(mask: np.ndarray) -> _Glyph | None:
    top, bottom, left, right = ink_box(mask)
    if bottom == top:
        return None
    return _Glyph(mask[top:bottom, left:right], top, left)


def _binarise(gray: np.ndarray) -> np.ndarray | None:
    """Ink mask by Otsu's threshold; None when the crop has no contrast worth reading."""
    hist = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    levels = np.arange(256, dtype=np.float64)
    weight = np.cumsum(hist)
    total = weight[-1]
    mass = np.cumsum(hist * levels)
    with np.errstate(divide="ignore", invalid="ignore"):
        dark_mean = mass / weight
        light_mean = (mass[-1] - mass) / (total - weight)
        between = weight * (total - weight) * (dark_mean - light_mean) ** 2
    between = np.nan_to_num(between[:-1])
    threshold = int(np.argmax(between))
    if light_mean[threshold] - dark_mean[threshold] < 40:
        return None
    ink = gray <= threshold
    # Ink is the minority; a mostly dark crop is a photo, an inverted word or a smudge.
    return ink if ink.mean() < 0.5 else None


def _band(extents: Sequence[tuple[int, int]]) -> tuple[float, float] | None:
    """The digits' common top and bottom: medians over the glyphs at least 55% as tall as the tallest."""
    if not extents:
        return None
    tallest = max(bottom - top for top, bottom in extents)
    tall = [(top, bottom) for top, bottom in extents if bottom - top >= 0.55 * tallest]
    top = float(np.median([t for t, _ in tall]))
    bottom = float(np.median([b for _, b in tall]))
    return (top, bottom) if bottom - top >= 4 else None


def _split_glyphs(ink: np.ndarray) -> tuple[list[_Glyph], tuple[float, float]] | None:
    """Glyphs left to right and the run's band, without specks and neighbouring lines' ink at the edges."""
    labels, areas, tops, bottoms, lefts, rights = components(ink)
    count = areas.size
    if count == 0 or count > 60:
        return None
    tallest = int((bottoms - tops).max())
    keep = areas >= max(2.0, 0.008 * tallest**2)
    band = _band([(int(tops[i]), int(bottoms[i])) for i in np.flatnonzero(keep)])
    if band is None:
        return None
    band_top, band_bottom = band
    centres = (tops + bottoms) / 2
    touches_edge = (tops == 0) | (bottoms == ink.shape[0]) | (lefts == 0) | (rights == ink.shape[1])
    outside_band = (centres < band_top) | (centres > band_bottom)
    # Ink wholly above or below the band is the lines' above and below too (the dots of a "ي" over a
    # number set under its label).
    wholly_outside = (bottoms <= band_top) | (tops >= band_bottom)
    keep &= ~(touches_edge & outside_band) & ~wholly_outside
    column_starts, column_ends = lefts.tolist(), rights.tolist()
    kept = sorted(np.flatnonzero(keep).tolist(), key=column_starts.__getitem__)
    # Components sharing most of their columns are one glyph (":" and any letter with its dots);
    # each group with the columns it spans so far.
    groups: list[tuple[list[int], int, int]] = []
    for i in kept:
        left, right = column_starts[i], column_ends[i]
        if groups:
            members, group_left, group_right = groups[-1]
            overlap = min(group_right, right) - max(group_left, left)
            if overlap > 0.5 * min(group_right - group_left, right - left):
                groups[-1] = ([*members, i], min(group_left, left), max(group_right, right))
                continue
        groups.append(([i], left, right))
    # Each glyph's ink, cut from its components' common box by a component-to-glyph table.
    glyph_of = np.zeros(count + 1, dtype=np.int32)
    for number, (members, _, _) in enumerate(groups, 1):
        glyph_of[np.array(members) + 1] = number
    glyphs = []
    for number, (members, left, right) in enumerate(groups, 1):
        top, bottom = int(tops[members].min()), int(bottoms[members].max())
        glyphs.append(_Glyph(glyph_of[labels[top:bottom, left:right]] == number, top, left, len(members)))
    return glyphs, band


def _features(glyph: _Glyph, band: tuple[float, float]) -> np.ndarray:
    """Shape on a fixed grid (aspect ratio softened to its square root) plus size and place in the band."""
    height, width = glyph.mask.shape
    band_top, band_bottom = band
    band_height = band_bottom - band_top
    aspect = math.sqrt(width / height)
    size = (_GRID, max(1, round(_GRID / aspect))) if aspect >= 1 else (max(1, round(_GRID * aspect)), _GRID)
    shape = Image.fromarray(glyph.mask.astype(np.uint8) * 255).resize(size, Image.Resampling.BOX)
    grid = Image.new("L", (_GRID, _GRID), 0)
    grid.paste(shape, ((_GRID - size[0]) // 2, (_GRID - size[1]) // 2))
    # A little blur so strokes a pixel apart in two fonts still overlap.
    bitmap = np.asarray(grid.filter(ImageFilter.BoxBlur(1)), dtype=np.float32) / 255
    geometry = np.array([
        height / band_height,
        width / band_height,
        (glyph.top - band_top) / band_height,
        (glyph.top + height - band_bottom) / band_height,
        math.log(width / height) / 4,
    ], dtype=np.float32)
    crossings = [_crossings(glyph.mask, f) for f in _CROSSING_ROWS]
    crossings += [_crossings(glyph.mask.T, f) for f in _CROSSING_COLUMNS]
    return np.concatenate([bitmap.ravel(), _GEOMETRY_WEIGHTS * geometry,
                           _CROSSING_WEIGHT * np.array(crossings, dtype=np.float32)])


def _crossings(mask: np.ndarray, fraction: float) -> float:
    """Strokes met by the row at `fraction` of the height: median over three neighbouring rows, for noise."""
    middle = round(fraction * (mask.shape[0] - 1))
    rows = mask[max(0, middle - 1):middle + 2]
    starts = sorted((rows[:, 0].astype(np.int32) + (rows[:, 1:] & ~rows[:, :-1]).sum(axis=1)).tolist())
    # The median of at most three numbers, without np.median's overhead (six calls a glyph).
    half = len(starts) // 2
    return float(starts[half] if len(starts) % 2 else (starts[half - 1] + starts[half]) / 2)


def _classify(features: np.ndarray, templates: Templates) -> list[tuple[str | None, float]]:
    """Per glyph, the nearest digit or separator and a confidence from its margin over the runner-up class.

    None for a glyph far from every template or nearer a look-alike than to any digit (with the digit
    favoured a little: an unseen font's digit may resemble another font's letter). "." counts as "٠":
    the caller tells the two dots apart by height.
    """
    if not templates.classes:
        return [(None, 0.0)] * len(features)
    # einsum, not `@`: a product this small costs OpenBLAS ~8 ms in waking its threads (which then
    # compete with the other workers' Tesseracts) against 0.6 ms done in this thread.
    products = np.einsum("ij,jk->ik", features, templates.columns)
    squared = (features**2).sum(axis=1)[:, None] - 2 * products + templates.squared_norms[None, :]
    per_class = np.sqrt(np.maximum(np.minimum.reduceat(squared, templates.starts, axis=1), 0))
    results: list[tuple[str | None, float]] = []
    for row in per_class.tolist():
        nearest: dict[str, float] = {}
        for ch, distance in zip(templates.classes, row, strict=True):
            key = "٠" if ch == "." else ch
            nearest[key] = min(distance, nearest.get(key, math.inf))
        ranked = sorted((distance, ch) for ch, distance in nearest.items() if ch in _READABLE)
        lookalike = _LOOKALIKE_FAVOUR * min((d for ch, d in nearest.items() if ch not in _READABLE), default=math.inf)
        if not ranked or ranked[0][0] > _MAX_DISTANCE or lookalike < ranked[0][0]:
            results.append((None, 0.0))
            continue
        best, label = ranked[0]
        runner_up = min(ranked[1][0] if len(ranked) > 1 else math.inf, lookalike)
        margin = (runner_up - best) / max(runner_up, 1e-6)
        results.append((label, 100.0 * min(1.0, margin / _FULL_MARGIN)))
    return results


def _plausible(text: str) -> bool:
    """A number, not a word that happens to look like one.

    At least two digits; separators only between digits; not only zeros (dots), and not a short run of
    nothing but ones, fives and sevens, which are also alef, heh and Latin I, l, o, V ("اه" would read
    "٥١", "IV" "١٧").
    """
    digits = {ch for ch in text if ch in DIGITS}
    count = sum(ch in DIGITS for ch in text)
    if count < 2 or digits <= {"٠"} or (digits <= {"١", "٥", "٧"} and count <= 4):
        return False
    if text[0] in SEPARATORS or text[-1] in SEPARATORS:
        return False
    return all(not (a in SEPARATORS and b in SEPARATORS) for a, b in itertools.pairwise(text))
