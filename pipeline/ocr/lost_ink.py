"""Ink inside a line that no word's box takes in: a letter or digit Tesseract dropped.

Tesseract sometimes drops a digit and is sure of what it kept ("21 أكتوبر 2005" read "1 أكتوبر 2005",
the "1" at 95%: the "2" stands in no word's box). A number beside such ink is doubted, so a value holding
it is reviewed, not verified with a digit lost. Words of letters are not: their boxes often stop short of
a letter's hook or tail ("JOHN" boxed without its "J"'s hook, a piece of its own).
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from pipeline.models import OcrWord
from pipeline.ocr import engine
from pipeline.ocr.preprocess import components, otsu_threshold
from pipeline.ocr.word_check import DOUBTED_CONFIDENCE

# A piece of ink at least this share of its line's word height tall is a glyph (dots, commas, rules and
# specks are shorter); one more than this many word heights tall is no glyph of the line (a frame).
GLYPH_HEIGHT = 0.4
TALLEST = 2.0
LOST_CONFIDENCE = DOUBTED_CONFIDENCE  # a number beside a lost glyph: no field accepts it


def doubt_beside_lost_ink(image: Image.Image, reading: engine.Reading) -> engine.Reading:
    """The reading with the numbers beside each glyph-sized piece of ink inside a line, in no word's box,
    doubted."""
    gray = np.asarray(image.convert("L"))
    boxes = [w.box for w in reading.words]
    return engine.Reading([_line_doubted(gray, line, boxes) for line in reading.lines])


def _line_doubted(gray: np.ndarray, line: engine.Line, boxes: list[tuple[int, int, int, int]]) -> engine.Line:
    # Only numbers are doubted: a line without one is not looked at (most lines; this runs on every page).
    if len(line.words) < 2 or not any(_number(w) for w in line.words):
        return line
    height = float(np.median([w.box[3] for w in line.words]))
    left, top, width, line_height = line.box
    # The line's rows and a word height around them: a glyph's ink is taken whole, then judged by where it is.
    outer_top = max(0, top - int(height))
    region = gray[outer_top:top + line_height + int(height), left:left + width]
    if region.size == 0:
        return line
    found = components(region <= otsu_threshold(np.bincount(region.ravel(), minlength=256).tolist()))
    covered = np.zeros(region.shape, dtype=bool)
    for box_left, box_top, box_width, box_height in boxes:
        covered[max(0, box_top - outer_top):max(0, box_top + box_height - outer_top),
                max(0, box_left - left):max(0, box_left + box_width - left)] = True
    touched = np.bincount(found.labels[covered], minlength=len(found.areas) + 1)[1:] > 0
    heights = found.bottoms - found.tops
    middles = (found.tops + found.bottoms) / 2 + outer_top
    lost = ~touched & (heights >= GLYPH_HEIGHT * height) & (heights <= TALLEST * height) & \
        (middles >= top) & (middles <= top + line_height)
    words = list(line.words)
    for index in np.flatnonzero(lost):
        start, end = left + int(found.lefts[index]), left + int(found.rights[index])
        right_of = [i for i, w in enumerate(words) if w.box[0] >= end]
        left_of = [i for i, w in enumerate(words) if w.box[0] + w.box[2] <= start]
        beside = [min(right_of, key=lambda i: words[i].box[0], default=None),
                  max(left_of, key=lambda i: words[i].box[0] + words[i].box[2], default=None)]
        for i in beside:
            if i is not None and _number(words[i]):
                words[i] = OcrWord(words[i].text, min(words[i].confidence, LOST_CONFIDENCE), words[i].box)
    return line if words == line.words else engine.Line(words)


def _number(word: OcrWord) -> bool:
    return any(c.isdigit() for c in word.text)
