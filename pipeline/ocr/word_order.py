"""Lines and words of a page read in logical order, from where they stand on the page.

Tesseract orders a line's words by the direction it judges the line to have. When misreads put Latin
look-alikes into an Arabic line ("اسم" read "el"), it may judge the line left to right and list the
Arabic words backwards ("07/04/2016 : الولادة تاريخ"), or list first a run it took for Latin;
later readings that replace those words keep that order. A line whose letters are mostly Arabic,
listed left to right, is therefore put in right-to-left order by its words' boxes, each run of
left-to-right words (Latin words, numbers) kept left to right inside.
"""

from __future__ import annotations

from itertools import combinations, pairwise

from pipeline.models import OcrWord
from pipeline.ocr.engine import Line, Reading


def _arabic(text: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" and c.isalpha() for c in text)


def _left_to_right(text: str) -> bool:
    """A word written left to right: Latin letters or digits, no Arabic letters."""
    return not _arabic(text) and any((c.isascii() and c.isalnum()) or c.isdigit() for c in text)


def mostly_arabic(text: str) -> bool:
    arabic = sum("\u0600" <= c <= "\u06ff" and c.isalpha() for c in text)
    latin = sum(c.isascii() and c.isalpha() for c in text)
    return arabic > latin


def _listed_left_to_right(line: Line) -> bool:
    """Tesseract listed some of the line's Arabic words left to right (it judged the line's direction,
    or a run's, wrong): one Arabic word listed after another stands wholly to its right, or after a
    left-to-right word (a date in Arabic-Indic digits it read as Latin junk, listed first). Only then is
    the line reordered: Arabic word boxes often reach into their neighbours, so positions are a worse
    guide to the order than a right-to-left listing."""
    arabic = [w.box for w in line.words if _arabic(w.text)]
    if any(b[0] >= a[0] + a[2] for a, b in pairwise(arabic)):
        return True
    return any(_arabic(b.text) and b.box[0] >= a.box[0] + a.box[2]
               for i, a in enumerate(line.words) if _left_to_right(a.text) for b in line.words[i + 1:])


def logical_order(reading: Reading) -> Reading:
    """Lines of a column top to bottom, and every mostly-Arabic line listed left to right put right to
    left by position, left-to-right runs kept inside."""
    return Reading([_right_to_left(line) if mostly_arabic(line.text) and _listed_left_to_right(line) else line
                    for line in _top_to_bottom(reading.lines)])


def _top_to_bottom(lines: list[Line]) -> list[Line]:
    """Tesseract's order, except that no line comes after a line below it in the same column: layout
    analysis sometimes lists a value before the label printed above it ("6524996" before "رقم القيد"),
    and a label takes the line after it as its value."""
    ordered: list[Line] = []
    for line in lines:
        left, top, width, height = line.box
        below = (i for i, other in enumerate(ordered)
                 if other.box[0] < left + width and left < other.box[0] + other.box[2]
                 and other.box[1] >= top + height - height // 4)
        at = next(below, None)
        if at is None:
            ordered.append(line)
        else:
            ordered.insert(at, line)
    return ordered


def _one_row(words: list[OcrWord]) -> bool:
    """Every two words on the same row (punctuation aside: a colon is too short to judge by): a line
    that took in words of the row below (layout analysis sometimes does) is not reordered by position."""
    words = [w for w in words if any(c.isalnum() for c in w.text)]
    return all(same_row(a.box, b.box) for a, b in combinations(words, 2))


def same_row(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    """Boxes whose vertical spans overlap by at least half the shorter one (a word's tall letters and
    dots make its box reach above or below its neighbours')."""
    overlap = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return overlap >= 0.5 * min(a[3], b[3])


def _right_to_left(line: Line) -> Line:
    if not _one_row(line.words):
        return line
    ordered = right_to_left(line.words)
    return line if ordered == line.words else Line(ordered)


def right_to_left(words: list[OcrWord]) -> list[OcrWord]:
    """One row's words in reading order, set right to left by position, left-to-right runs (Latin words,
    numbers) kept left to right inside."""
    visual = sorted(words, key=lambda w: -(w.box[0] + w.box[2] / 2))
    ordered: list[OcrWord] = []
    run: list[OcrWord] = []  # left-to-right words (and neutrals between them), right to left as found
    for word in visual:
        if _left_to_right(word.text):
            run.append(word)
        elif run and not _arabic(word.text):
            run.append(word)  # a neutral (":", "-") may sit between two left-to-right words
        else:
            ordered += _flush(run)
            run = []
            ordered.append(word)
    return ordered + _flush(run)


def _flush(run: list[OcrWord]) -> list[OcrWord]:
    """A left-to-right run in reading order; neutrals trailing it (to its left) stay outside it."""
    end = len(run)
    while end and not _left_to_right(run[end - 1].text):
        end -= 1
    return list(reversed(run[:end])) + run[end:]
