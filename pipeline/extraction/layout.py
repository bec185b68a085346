"""Reading by position on bilingual forms: a field's English label on the same row as its Arabic label,
the value printed under the Arabic label.

OCR loses or garbles an Arabic label now and then ("اسم الزوج" read "اعم تيع", or not at all), and the
value under it is then nobody's. The English label beside it still says which field that row is, so the
value is the line under that row in the other column, before the next labelled row.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.extraction.labels import label_count, label_only, labeled_values
from pipeline.models import OcrWord
from pipeline.ocr.word_order import mostly_arabic, right_to_left

# Words further apart than this many word heights on one row belong to different columns.
_COLUMN_GAP = 2.5


@dataclass(frozen=True)
class _Segment:
    """A run of words on one row of one column, as printed."""

    text: str
    left: int
    right: int
    top: int
    bottom: int

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> int:
        return self.bottom - self.top


def field_texts(text: str, pages: Sequence[Sequence[OcrWord]], doc_type: str) -> dict[str, str]:
    """Field -> raw value text: from labels in the text, else by position under a row that only its
    label in the other language still names."""
    found = labeled_values(text, doc_type)
    for words in pages:
        for name, value in row_values(words, doc_type).items():
            found.setdefault(name, value)
    return found


def row_values(words: Sequence[OcrWord], doc_type: str) -> dict[str, str]:
    """Values found by position: for each segment that is only a field's label, the first line under
    its row in another column, when that line is no label and lies above the next labelled row."""
    segments = _segments(words)
    labels = [(s, name) for s in segments if (name := label_only(s.text, doc_type))]
    values: dict[str, str] = {}
    for label, name in labels:
        below = [s for s in segments if s.top >= label.bottom and _apart(s, label)]
        # The next row whose label sits in this label's column closes this field's block.
        ends = [other.top for other, _ in labels if other.top > label.bottom and not _apart(other, label)]
        below = [s for s in below if s.middle < min(ends, default=label.bottom + 3 * label.height)]
        first = min(below, key=lambda s: s.top, default=None)
        if first is not None and not label_count(first.text, doc_type):
            values.setdefault(name, first.text)
    return values


def _apart(a: _Segment, b: _Segment) -> bool:
    """In different columns: no shared pixel column."""
    return a.right < b.left or b.right < a.left


def _segments(words: Sequence[OcrWord]) -> list[_Segment]:
    words = [w for w in words if w.text.strip()]
    if not words:
        return []
    height = statistics.median(w.box[3] for w in words)
    rows: list[list[OcrWord]] = []
    for word in sorted(words, key=lambda w: w.box[1] + w.box[3] / 2):
        if rows and _same_row(word, rows[-1]):
            rows[-1].append(word)
        else:
            rows.append([word])
    segments = []
    for row in rows:
        row.sort(key=lambda w: w.box[0])
        run = [row[0]]
        for word in row[1:]:
            if word.box[0] - (run[-1].box[0] + run[-1].box[2]) > _COLUMN_GAP * height:
                segments.append(_segment(run))
                run = []
            run.append(word)
        segments.append(_segment(run))
    return segments


def _same_row(word: OcrWord, row: list[OcrWord]) -> bool:
    """Overlapping the row by half the lower of the two heights (a word read from a crop of two lines
    has a box that tall, so centres alone would split its row)."""
    top, bottom = min(w.box[1] for w in row), max(w.box[1] + w.box[3] for w in row)
    overlap = min(bottom, word.box[1] + word.box[3]) - max(top, word.box[1])
    return overlap >= 0.5 * min(word.box[3], bottom - top)


def _segment(words: list[OcrWord]) -> _Segment:
    ordered = right_to_left(words) if mostly_arabic(" ".join(w.text for w in words)) else words
    return _Segment(" ".join(w.text for w in ordered), min(w.box[0] for w in words),
                    max(w.box[0] + w.box[2] for w in words), min(w.box[1] for w in words),
                    max(w.box[1] + w.box[3] for w in words))
