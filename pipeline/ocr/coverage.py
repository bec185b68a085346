"""Ink the page read left unread.

Tesseract's layout analysis sometimes drops whole lines: a value printed under its label, the
right-hand column of a bilingual form. Every text-sized run of ink that no read word covers is
found here, so the page reader can read it as a line of its own.
"""

from __future__ import annotations

import itertools

import numpy as np
from PIL import Image

from pipeline.ocr.preprocess import dark_ink_mask, ink_mask, page_row_ink, text_bands

# Estimates run on a copy reduced so a text line is about this tall (cheap, and blind to specks).
_WORK_LINE_HEIGHT = 16
# Words of one line are closer than this many line heights; columns are further apart.
WORD_GAP = 1.5
# A run of ink this many line heights tall (or short) is not a text line (rules, stamps, noise).
_MIN_HEIGHT, _MAX_HEIGHT = 0.5, 2.5
# A band up to this many line heights tall may be lines whose tall letters and tails touch (Amiri's
# "النوع" over its value "أنثى"): it is cut where its rows hold least ink, when that row holds no more
# than this share of its fullest row (a picture's rows are all inked). Taller ones are pictures.
_MAX_TOUCHING = 6.0
_VALLEY = 0.25
# A row of a line holds this many line heights of ink at least: a short word alone on its row (its
# thin strokes hold a few pixels per row) is a line, not specks.
_ROW_INK = 0.1
_FAINT = 0.1  # a row of a line holding less than this share of its fullest row's ink is a faint edge
# Share of a region's pixels that must be ink: text is dense, scanner noise is sparse.
_MIN_INK = 0.06
# Ink running unbroken down this many line heights is a rule or a frame, not text.
_RULE_LENGTH = 3
# Unread ink on more than this share of a page's rows is a patterned background, not skipped lines.
_PATTERNED_ROWS = 0.5


def unread_regions(
    image: Image.Image, boxes: list[tuple[int, int, int, int]], line_height: float
) -> list[tuple[int, int, int, int]]:
    """Boxes (left, top, right, bottom, in `image` pixels) of text-sized ink outside every read word's
    box, top to bottom; `line_height` is the page's typical text line height in pixels."""
    factor = max(1, int(line_height // _WORK_LINE_HEIGHT))
    small = image.reduce(factor) if factor > 1 else image
    mask = ink_mask(small)
    if mask.mean() > 0.5:  # no paper to speak of (a photo, a dark page): nothing to judge by
        return []
    height = line_height / factor
    mask = _unread(mask, boxes, factor, height)
    row_ink = page_row_ink(mask)
    if sum(b - t + 1 for t, b in text_bands(mask)) > _PATTERNED_ROWS * mask.shape[0]:
        # Unread "ink" on most rows is a patterned background (security printing), not text: the text
        # is the ink darker than the pattern (whose specks are too many for rows of a few pixels).
        mask = _unread(dark_ink_mask(small), boxes, factor, height)
        bands = text_bands(mask)
    else:
        bands = text_bands(mask, row_ink=min(row_ink, _ROW_INK * height))
    # Rows of a few pixels find a short word's line; a longer line is cut to its fuller rows, as before
    # (a faint edge taken in changes how Tesseract reads the crop).
    cored = [_cored(mask, line, row_ink) for line in _lines(mask, bands, height)]
    lines = [line for line in cored if line[1] - line[0] + 1 >= _MIN_HEIGHT * height]
    found = []
    # A margin around the ink, as the reduced copy's ink misses faint edges; never past the middle of
    # the gap to the next line (lines cut apart touch: a margin would put part of one into the other's
    # reading).
    pad = max(1, round(0.25 * height))
    middles = [(above + 1 + below) // 2 for (_, above), (below, _) in itertools.pairwise(lines)]
    for (top, bottom), first, last in zip(lines, [0, *middles], [*middles, mask.shape[0]], strict=False):
        for left, right in column_runs(mask[top:bottom + 1].any(axis=0), gap=WORD_GAP * height):
            region = mask[top:bottom + 1, left:right + 1]
            if right - left + 1 >= height and region.mean() >= _MIN_INK:
                found.append((max(0, (left - pad) * factor), max(first, top - pad) * factor,
                              min(image.width, (right + 1 + pad) * factor), min(last, bottom + 1 + pad) * factor))
    return found


def _cored(mask: np.ndarray, line: tuple[int, int], row_ink: float) -> tuple[int, int]:
    """The line cut to its rows holding more than `row_ink` pixels of ink or more than `_FAINT` of its
    fullest row's."""
    top, bottom = line
    rows = mask[top:bottom + 1].sum(axis=1)
    full = np.flatnonzero(rows > min(row_ink, _FAINT * rows.max()))
    return (top + int(full[0]), top + int(full[-1])) if full.size else line


def _lines(mask: np.ndarray, bands: list[tuple[int, int]], height: float) -> list[tuple[int, int]]:
    """The bands no taller than a line, and those up to `_MAX_TOUCHING` lines tall cut into lines, each
    cut at a valley: the row of least ink in its middle part (the one nearest the middle of those)."""
    lines, todo = [], [(int(t), int(b)) for t, b in bands if b - t + 1 <= _MAX_TOUCHING * height]
    while todo:
        top, bottom = todo.pop(0)
        if bottom - top + 1 <= _MAX_HEIGHT * height:
            lines.append((top, bottom))
            continue
        edge = round(_MIN_HEIGHT * height)
        ink = mask[top:bottom + 1].sum(axis=1)
        rows = ink[edge:len(ink) - edge]
        if rows.min() > _VALLEY * ink.max():
            continue
        middle = (bottom - top) / 2 - edge
        cut = top + edge + min(np.flatnonzero(rows == rows.min()), key=lambda row: abs(row - middle))
        todo[:0] = [(top, int(cut) - 1), (int(cut) + 1, bottom)]
    return lines


def _unread(mask: np.ndarray, boxes: list[tuple[int, int, int, int]], factor: int, height: float) -> np.ndarray:
    """`mask` without the read words (and a margin around them) and without rules and frames."""
    margin = max(1, round(0.3 * height))
    for left, top, width, box_height in boxes:
        mask[max(0, top // factor - margin):(top + box_height) // factor + margin + 1,
             max(0, left // factor - margin):(left + width) // factor + margin + 1] = False
    # A frame or a vertical rule (a photo's border, a table's side) inks every row it passes, which
    # would merge the text lines beside it into one band too tall to be text.
    return mask & ~_vertical_strokes(mask, round(_RULE_LENGTH * height))


def _vertical_strokes(mask: np.ndarray, length: int) -> np.ndarray:
    """The ink pixels on an unbroken vertical run at least `length` pixels long."""
    rows = mask.shape[0]
    strokes = np.zeros_like(mask)
    if length < 1 or rows < length:
        return strokes
    # Only a column with that much ink can hold such a run: on most pages none or a few.
    candidates = np.flatnonzero(np.count_nonzero(mask, axis=0) >= length)
    if candidates.size == 0:
        return strokes
    zero = np.zeros((1, candidates.size), dtype=np.int32)
    inked = np.concatenate([zero, np.cumsum(mask[:, candidates], axis=0, dtype=np.int32)])
    starts = (inked[length:] - inked[:-length]) == length  # the `length` rows from here are all ink
    counted = np.concatenate([zero, np.cumsum(starts, axis=0, dtype=np.int32)])
    # A pixel is on such a run when one starts at most `length` - 1 rows above it.
    y = np.arange(rows)
    first, last = np.clip(y - length + 1, 0, len(starts)), np.clip(y + 1, 0, len(starts))
    strokes[:, candidates] = (counted[last] - counted[first]) > 0
    return strokes


def column_runs(columns: np.ndarray, gap: float) -> list[tuple[int, int]]:
    """Runs of True (columns with ink), joining runs separated by fewer than `gap` False columns."""
    inked = np.flatnonzero(columns)
    if inked.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(inked) > gap)
    firsts = inked[np.concatenate(([0], breaks + 1))].tolist()
    lasts = inked[np.concatenate((breaks, [inked.size - 1]))].tolist()
    return list(zip(firsts, lasts, strict=True))
