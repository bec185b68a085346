"""Image clean-up before Tesseract: even illumination, contrast, deskew, text size, line detection.

Everything works on 8-bit grayscale PIL images and small numpy arrays; estimates (skew, text height)
are made on a reduced copy so a 300 DPI page costs milliseconds, not seconds.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from PIL import Image, ImageFilter, ImageOps

# Tesseract's LSTM models read best when a text line is roughly 30-60 pixels tall, but enlarging pays
# only below about 24: on generated phone photos of mixed Arabic/English pages (the page read alone),
# ink bands of 17 px read at 9.7% character error as they were and 6.0% enlarged (6 pages), bands of
# 24-28 px at 5.9% as they were and 6.8% enlarged, in 0.74x the time (8 pages); bench/ocr_accuracy.py's
# pages read the same with 30 and 24 here (17.87%), in 20 s instead of 24.
MIN_LINE_HEIGHT = 24
TARGET_LINE_HEIGHT = 45
MAX_UPSCALE = 4.0
MAX_SKEW_DEGREES = 15.0
# Paper brighter in one place than another by more than this many grey levels is evened out first.
EVEN_PAPER_SPREAD = 24
_ESTIMATE_WIDTH = 600  # pixels across the reduced copy used for estimates
# A pixel divided by its paper's brightness, looked up by (pixel << 8 | paper): a table lookup costs a
# third of the float arithmetic over a whole page.
_EVENED = np.clip(np.arange(256, dtype=np.float32)[:, None] / np.maximum(np.arange(256, dtype=np.float32), 1.0)
                  * 255.0, 0, 255).astype(np.uint8).ravel()


def otsu_threshold(histogram: list[int]) -> int:
    """The grey level that best splits ink from paper (Otsu's between-class variance), from an 8-bit
    image's histogram (PIL's `histogram()`: a tenth of numpy's bincount time on a page)."""
    hist = np.asarray(histogram, dtype=np.float64)
    prob = hist / max(hist.sum(), 1)
    weight = np.cumsum(prob)
    mean = np.cumsum(prob * np.arange(256))
    between = (mean[-1] * weight - mean) ** 2 / (weight * (1 - weight) + 1e-12)
    return int(np.argmax(between))


def ink_mask(image: Image.Image) -> np.ndarray:
    return np.asarray(image) <= otsu_threshold(image.histogram())


def ink_box(mask: np.ndarray) -> tuple[int, int, int, int]:
    """top, bottom, left, right (exclusive ends) of the ink; empty boxes for no ink."""
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return 0, 0, 0, 0
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def dark_ink_mask(image: Image.Image) -> np.ndarray:
    """Ink on a patterned background: Otsu's split again within what the first split called ink."""
    pixels = np.asarray(image)
    darker = pixels[pixels <= otsu_threshold(image.histogram())]
    return pixels <= otsu_threshold(np.bincount(darker, minlength=256).tolist())


def even_illumination(image: Image.Image) -> Image.Image:
    """Divide by an estimate of the paper's brightness (shadows and gradients on phone photos), then
    stretch the contrast; pages whose paper is already even are returned unchanged."""
    factor = max(1, min(image.size) // 200)
    small = image.reduce(factor) if factor > 1 else image
    paper_small = small.filter(ImageFilter.MaxFilter(5)).filter(ImageFilter.GaussianBlur(6))
    low, high = np.percentile(np.asarray(paper_small), [2, 98])
    if high - low < EVEN_PAPER_SPREAD:
        return image  # an even scan: Tesseract's own thresholding copes, and this saves a full-page pass
    index = np.asarray(image, dtype=np.uint16) << 8
    index |= np.asarray(paper_small.resize(image.size))
    return ImageOps.autocontrast(Image.fromarray(_EVENED[index]))


def _reduced(image: Image.Image) -> tuple[Image.Image, float]:
    factor = max(1, image.width // _ESTIMATE_WIDTH)
    return (image.reduce(factor) if factor > 1 else image), float(factor)


def page_row_ink(mask: np.ndarray) -> float:
    """Ink pixels a row of `mask` needs to be text by the page's measure: half a percent of its width."""
    return max(1, 0.005 * mask.shape[1])


def text_bands(mask: np.ndarray, row_ink: float | None = None) -> list[tuple[int, int]]:
    """Horizontal bands of ink (text lines), as (top, bottom) rows; dots and marks above or below a
    line are merged into it when the gap is small next to the line's height. A row is ink when it
    holds more than `row_ink` ink pixels (by default `page_row_ink`)."""
    rows = mask.sum(axis=1) > (page_row_ink(mask) if row_ink is None else row_ink)
    bands: list[list[int]] = []
    for y in np.flatnonzero(rows):
        if bands and y == bands[-1][1] + 1:
            bands[-1][1] = y
        else:
            bands.append([y, y])
    merged: list[list[int]] = []
    for top, bottom in bands:
        if merged:
            prev = merged[-1]
            height = max(prev[1] - prev[0], bottom - top) + 1
            if top - prev[1] <= max(2, 0.35 * height) and min(prev[1] - prev[0], bottom - top) < 0.5 * height:
                prev[1] = bottom
                continue
        merged.append([top, bottom])
    return [(t, b) for t, b in merged]


def line_height(image: Image.Image) -> float | None:
    """Median height of the text lines on an (upright, deskewed) image, in its own pixels."""
    small, factor = _reduced(image)
    mask = ink_mask(small)
    # Bands are taken in vertical strips so a photo or a side column does not swallow the text lines.
    height = _median_band_height(mask, 4)
    if height and height > small.height / 8:
        # Not a line: photos and a patterned background fill every strip (a low-resolution ID card), so
        # the lines are looked for as the darkest ink, in narrower strips between the pictures.
        height = _median_band_height(dark_ink_mask(small), 16, tallest=small.height / 8)
    return height * factor if height else None


def _median_band_height(mask: np.ndarray, strips: int, tallest: float | None = None) -> float | None:
    heights = [b - t + 1 for strip in np.array_split(mask, strips, axis=1) for t, b in text_bands(strip)
               if b - t >= 2 and (tallest is None or b - t + 1 <= tallest)]
    return float(np.median(heights)) if heights else None


def is_single_line(image: Image.Image) -> bool:
    """The image is a strip holding one line of text (a crop, not a page): one band of ink that fills
    most of its height and is much wider than tall."""
    small, _ = _reduced(image)
    bands = [b for b in text_bands(ink_mask(small)) if b[1] - b[0] >= 2]
    if len(bands) != 1:
        return False
    height = bands[0][1] - bands[0][0] + 1
    return height >= 0.4 * small.height and 2 * height <= small.width


def upscale_small_text(image: Image.Image, max_pixels: int) -> Image.Image:
    """Enlarge images whose text lines are too small for Tesseract (phone crops, low-DPI scans)."""
    height = line_height(image)
    if not height or height >= MIN_LINE_HEIGHT:
        return image
    factor = min(TARGET_LINE_HEIGHT / height, MAX_UPSCALE, (max_pixels / (image.width * image.height)) ** 0.5)
    if factor <= 1.05:
        return image
    # Bicubic: half of Lanczos's time on a page, and Tesseract reads the result as well (the bench's
    # phone photos: character error 6.3% vs 6.4%).
    return image.resize((round(image.width * factor), round(image.height * factor)), Image.Resampling.BICUBIC)


def skew_angle(image: Image.Image) -> float:
    """Degrees the text lines are turned counter-clockwise (projection profile: the angle at which
    ink rows are sharpest); 0.0 when there is too little ink to tell."""
    small, _ = _reduced(image)
    ys, xs = np.nonzero(ink_mask(small))
    if len(xs) < 200:
        return 0.0
    if len(xs) > 40_000:
        pick = np.random.default_rng(0).choice(len(xs), 40_000, replace=False)
        xs, ys = xs[pick], ys[pick]
    xs = xs.astype(np.float64) - small.width / 2
    ys = ys.astype(np.float64) - small.height / 2

    def sharpness(degrees: float) -> float:
        theta = np.deg2rad(degrees)
        rotated = ys * np.cos(theta) + xs * np.sin(theta)
        counts = np.bincount((rotated - rotated.min()).astype(np.int64))
        return float(np.sum(counts.astype(np.float64) ** 2))

    coarse = max(np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + 0.1, 1.0), key=sharpness)
    return float(max(np.arange(coarse - 1.0, coarse + 1.01, 0.1), key=sharpness))


def deskew(image: Image.Image) -> tuple[Image.Image, float]:
    angle = skew_angle(image)
    if abs(angle) < 0.3:
        return image, 0.0
    # Bilinear: a third of bicubic's time on a full page (80 vs 260 ms for 8 Mpx), and Tesseract reads
    # the result as well (the bench's phone photos: character error 6.4% vs 10.3%).
    return image.rotate(-angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255), angle


def pad(image: Image.Image, pixels: int) -> Image.Image:
    return ImageOps.expand(image, pixels, fill=255)


class Components(NamedTuple):
    """8-connected components of a crop's ink: labels 1..n (0 is paper), numbered in scan order of
    their first pixel, and per component (index label - 1) its pixel count and box (exclusive ends)."""

    labels: np.ndarray
    areas: np.ndarray
    tops: np.ndarray
    bottoms: np.ndarray
    lefts: np.ndarray
    rights: np.ndarray


def components(ink: np.ndarray) -> Components:
    """The components of `ink`, over its horizontal runs of ink, in numpy: a crop has hundreds of runs."""
    height, width = ink.shape
    padded = np.zeros((height, width + 2), dtype=np.int8)
    padded[:, 1:-1] = ink
    edges = np.diff(padded, axis=1)
    rows, starts = np.nonzero(edges == 1)
    ends = np.nonzero(edges == -1)[1]  # exclusive; runs come in scan order
    if rows.size == 0:
        none = np.zeros(0, dtype=np.int64)
        return Components(np.zeros(ink.shape, dtype=np.int32), none, none, none, none, none)
    # Runs [start, end) on neighbouring rows touch (diagonally or better) when each starts no later
    # than the other ends; those of the row above a run form one index range, found by binary search.
    stride = width + 2
    above = (rows - 1) * stride
    first = np.searchsorted(rows * stride + ends, above + starts, side="left")
    last = np.searchsorted(rows * stride + starts, above + ends, side="right")
    touching = np.maximum(last - first, 0)
    lower = np.repeat(np.arange(rows.size), touching)
    upper = np.repeat(first, touching) + np.arange(touching.sum()) - np.repeat(np.cumsum(touching) - touching, touching)
    # Union by hooking each pair's roots to the smaller and halving paths until every pair agrees:
    # each component's root is then its first run.
    parent = np.arange(rows.size)
    while True:
        while not np.array_equal(grand := parent[parent], parent):
            parent = grand
        low, high = parent[lower], parent[upper]
        if np.array_equal(low, high):
            break
        np.minimum.at(parent, np.maximum(low, high), np.minimum(low, high))
    roots, owners = np.unique(parent, return_inverse=True)
    lengths = ends - starts
    offsets = np.repeat(rows * width + starts - (np.cumsum(lengths) - lengths), lengths)
    labels = np.zeros(height * width, dtype=np.int32)
    labels[offsets + np.arange(lengths.sum())] = np.repeat(owners + 1, lengths)
    tops, lefts = np.full(roots.size, height), np.full(roots.size, width)
    bottoms, rights = np.zeros(roots.size, dtype=np.int64), np.zeros(roots.size, dtype=np.int64)
    np.minimum.at(tops, owners, rows)
    np.maximum.at(bottoms, owners, rows + 1)
    np.minimum.at(lefts, owners, starts)
    np.maximum.at(rights, owners, ends)
    areas = np.bincount(owners, weights=lengths, minlength=roots.size).astype(np.int64)
    return Components(labels.reshape(height, width), areas, tops, bottoms, lefts, rights)
