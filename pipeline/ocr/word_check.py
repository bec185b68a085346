"""Unsure Arabic words checked by drawing them.

Tesseract's Arabic model drops letters a font stacks (Amiri's "محمد" read "مد", "سامي" read "ساي") and
reads a stacked medial ه as ب ("مهندس" read "مبندس"), often fairly surely; no model on hand reads these
fonts better. The word's ink still shows the whole word. So an unsure or unknown Arabic word is drawn,
in the page's own font, beside the words of Tesseract's Arabic dictionary a letter or two away from it,
and each drawing is laid over the ink: a dictionary word that covers the ink clearly better than the
reading replaces it, and a reading that covers it clearly better than every neighbour is confirmed; a
reading whose drawing does not fit, or that a neighbour fits better though not clearly, is doubted (its
confidence lowered, so a field holding it is reviewed). A page whose sure words no installed font draws
closely is left as read: without its font there is nothing to compare with.

Sure words are checked too where there is a reason: a letter or two from a word the forms print (their
labels, sex words, months), a shape the font does not give its letters, a drawing that hardly covers
the ink, or a short word a stacked letter may have left out; and any word whose dots the ink's marks
show as another word's is doubted. A short line that may be one of the form lines with a closed-list
value ("الجنس : أنثى"), or its label or value alone, is drawn whole as each; a word between a date's
day and year, as each month name. `LineJudge` compares two readings of a line the
same way, for the second readings.
"""

from __future__ import annotations

import functools
import itertools
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from pipeline.models import OcrWord
from pipeline.ocr import coverage, derived, engine
from pipeline.ocr.arabic import fold_for_matching
from pipeline.ocr.indic_digits import digit_fonts
from pipeline.ocr.preprocess import Components, components, ink_box, otsu_threshold, text_bands

# Words read at least this surely and found in the dictionary are left alone.
CHECK_BELOW = 80.0
# Share of ink a drawing must share with the word (intersection over union) to say anything, and how
# much better than the next drawing it must do to decide.
MIN_MATCH = 0.6
MARGIN = 0.1
SWAP_MATCH = 0.7  # a dictionary word replaced by another (an unsure one by one of its length): this fit at least
POOR_FIT = 0.3  # a sure word's drawing covering its ink less than this is checked like an unsure one
LINE_MATCH = 0.25  # share of a line's width its words explain (word gaps and marks explain none)
EDIT_COST = 0.05  # per letter a dictionary word differs from the reading
_STACKED_WIDTH = 0.08  # a word set this much wider or narrower with one letter more has it stacked
# A page's font is the installed one that draws its sure words closest, if it draws them this well.
FONT_MATCH = 0.6
_FONT_SAMPLE = 10  # sure words drawn to find the page's font
_ASPECT_SLACK = float(np.log(1.15))  # a word drawn 15% wider or narrower for its height is another word
_MISFIT_SLACK = float(np.log(1.3))  # a sure word's ink this much wider or narrower is checked
_LOST_REACH = 0.6  # word heights: how far beside its box a word's lost letters are looked for
# A form line drawn whole fits its ink less closely than a word (the colon's spacing varies); a value
# taken from a drawing must win clearly.
FORM_LINE_MATCH = 0.5
FORM_LINE_MARGIN = 0.15
_FORM_LINE_WORDS = 4  # a label and its value, a colon, and one word more misread in pieces
_SURE_WORD = 90.0  # a word read this surely (a bilingual form's English label) is no misread form line
_TALL = 1.5  # a word box this many times the page's median word height was read from a crop of two lines
_SHORT = 5  # letters: a reading this short may have lost two
_SHORT_SURE = 3  # letters: a reading this short, however sure and well drawn, may have lost a stacked one
_LOST_AND_MISREAD = 6  # letters: a reading this short may have lost one and misread one
_MARKS = ".:،,"  # punctuation read at a word's ends, not part of it
_LETTERS = "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي"
_NON_JOINING = "آأؤإادذرزوةى"  # letters never joined to the letter after them
# A gap this many ink heights wide parts two words; pieces beyond it at the ends of a word's ink,
# together no wider than this share of it, are a neighbour's.
_WORD_GAP = 0.3
_STRAY = 0.3
# Where two drawings differ (a dot), the ink within this share of the word's height of a pixel only
# one of them inks counts for it; at least this share of the word's area must differ, and the ink
# must show this much of one side's own pixels and no more than the other share of the other's.
_DOT_SLACK = 0.03
_DIFFERENCE = 0.002
_SHOWN = 0.7
_NOT_SHOWN = 0.3
# Letters drawn alike but for their dots (ة/ه and ى/ي are spellings of one letter, not other words); a
# mark (dot, hamza) is a piece of ink at most this share of its word's height tall and wide.
_DOTTED = ("بتثنيى", "جحخ", "دذ", "رز", "سش", "صض", "طظ", "عغ", "فق")
_MARK_HEIGHT, _MARK_WIDTH = 0.3, 0.4
_DRAWN_SIZE = 64  # font px the words are drawn at before being fitted to the ink
CHECKED_CONFIDENCE = 90.0  # a word its drawing decided: sure enough for a field, never certain
DOUBTED_CONFIDENCE = 30.0  # a checked word its drawing contradicts and no dictionary word explains


def check_words(image: Image.Image, reading: engine.Reading) -> engine.Reading:
    """The reading with unsure Arabic words replaced, confirmed or doubted by drawing (see the module note)."""
    arabic, sure, unsure = _arabic_words(reading)
    if not sure:
        return reading
    gray = np.asarray(image.convert("L"))
    font = _page_font(gray, reading)
    if font is None:
        return reading
    joined = [_joined_pieces(gray, line, font) for line in reading.lines]
    if any(after is not before for after, before in zip(joined, reading.lines, strict=True)):
        reading = engine.Reading(joined)
        arabic, sure, unsure = _arabic_words(reading)
    height = float(np.median([w.box[3] for w in arabic]))
    lines = _lines_of(reading)
    own = {id(w): _own_box(w, lines[id(w)]) for w in unsure + sure}
    checked = {id(w): _checked(gray, own[id(w)], font, w.box[3] > _TALL * height, None,
                               _wider_boxes(own[id(w)].box, w, lines[id(w)])) for w in unsure}
    # Where Tesseract boxed a word over its neighbour's, letters a replacement puts at the word's ends
    # may be that neighbour's ("عبدالرحمن" read "عبد" "الرحمن", the latter boxed over both: the "د" at
    # its edge made it "والرحمن", and verified).
    for w in unsure:
        found = checked[id(w)].text.strip(_MARKS)
        core = w.text.strip(_MARKS)
        if own[id(w)].box != w.box and found != core and core in (found[1:], found[:-1]):
            checked[id(w)] = _doubted(checked[id(w)])
    # Sure words are checked where there is a reason, and never on a drawing of another shape than
    # their ink alone (fit 0: that says more about the box than the word; right words were doubted so).
    for w in sure:
        core, tall = w.text.strip(_MARKS), w.box[3] > _TALL * height
        inks = [] if tall else _inks(gray, own[id(w)].box, False)
        fit = _fit(inks, _drawn(core, font)) if inks else 0.0
        if 0 < fit < POOR_FIT:
            # The box may cut off a letter's tail (Amiri's "ق" curls out of it): judged on whole letters.
            fit = max(fit, _fit(_whole_letters(gray, own[id(w)].box), _drawn(core, font)))
        # One whose drawing has the ink's shape but hardly covers it ("وليد" read "ويد" at 88%, a quarter
        # of its ink) is in doubt, unless its own drawing wins the check after all; never replaced (its
        # box may hold only part of it: a right "آمنة" became "سنة").
        if 0 < fit < POOR_FIT:
            found = _checked(gray, own[id(w)], font, tall, None, ())
            checked[id(w)] = found if found.text == w.text else OcrWord(w.text, DOUBTED_CONFIDENCE, w.box)
            continue
        # One a letter or two from a word the forms print ("ذو" where "الجنس : ذكر" is printed) is checked
        # against those words; one its font sets far narrower or wider than its ink may have lost or
        # gained letters ("كريم" read "كيم"), and is checked against its dictionary neighbours too; one
        # whose drawing fits its ink no better than fairly may have lost a stacked letter ("ليلى" read "ليل"
        # at 93%, fit 0.52), and is checked against the neighbours one letter away (those two away cost a
        # scanned page 5% more for nothing). Each is only replaced, never doubted: what misfits is often
        # its box (on six sets the fair-fit check replaced five readings, all wrong ones, no right one).
        misshapen = bool(inks) and not any(_similar_aspect(_aspect(core, font), i.shape[1] / i.shape[0], _MISFIT_SLACK)
                                           for i in inks)
        fair = bool(inks) and POOR_FIT <= fit < MIN_MATCH
        reach = 2 if misshapen else 1 if fair else 0  # letters a neighbour may differ by
        near = {text: edits for text, edits in neighbours(core).items() if edits <= reach} if reach else {}
        if rivals := form_rivals(core) | near:
            wider = _wider_boxes(own[id(w)].box, w, lines[id(w)]) if reach else []
            checked[id(w)] = _checked(gray, own[id(w)], font, tall, rivals, wider)
            # Left as read, though a neighbour with one more letter (one the font stacks and the reading
            # lost) covers its ink better by the margin, only not after paying for that letter (9876's
            # "ليلى" read "ليل" at 89%: 0.67 against 0.52): in doubt. Neighbours of the reading's length
            # did so for right words ("علي", "السيد", "مريم" on three sets) and for no wrong one.
            if fair and checked[id(w)].text == w.text and _longer_fits_better(inks, core, near, font, fit, MARGIN):
                checked[id(w)] = _doubted(w)
        # A short word whose drawing fits well may still have lost a letter the font stacks ("ليلى" read
        # "ليل" at 93%, fit 0.61 against 0.70): a neighbour one letter longer that covers its ink better
        # by half the margin puts it in doubt (never replaces it).
        one_away = (text for text, edits in neighbours(core).items() if edits == 1)
        if fit >= MIN_MATCH and len(core) <= _SHORT_SURE and checked.get(id(w), w).text == w.text and \
                _longer_fits_better(inks, core, one_away, font, fit, MARGIN / 2):
            checked[id(w)] = _doubted(w)
    # However surely read and well drawn, a word whose dots the ink shows as another word's is in doubt.
    for w in sure + unsure:
        found = checked.get(id(w), w)
        if found.confidence > DOUBTED_CONFIDENCE and w.box[3] <= _TALL * height and \
                _dots_show_other(gray, own[id(w)].box, found.text.strip(_MARKS), font):
            checked[id(w)] = _doubted(found)
    # A value set under its label (bilingual forms) is a line of its own: under a label of a closed-list
    # field (as read, or as its drawing showed), the line may be that list's words alone.
    lines: list[engine.Line] = []
    for line in reading.lines:
        words = _month_word(gray, _lost_between(engine.Line([checked.get(id(w), w) for w in line.words])), font)
        lines.append(_form_line(gray, words, font, under_label=bool(lines) and _is_form_label(lines[-1])))
    return engine.Reading(lines)


def _lines_of(reading: engine.Reading) -> dict[int, engine.Line]:
    """Each word's line, by the word's identity."""
    return {id(w): line for line in reading.lines for w in line.words}


def _doubted(word: OcrWord) -> OcrWord:
    """The word as read, at a confidence no field accepts."""
    return OcrWord(word.text, min(word.confidence, DOUBTED_CONFIDENCE), word.box)


def _longer_fits_better(inks: list[np.ndarray], read: str, texts: Iterable[str], font: str, fit: float,
                        by: float) -> bool:
    """Whether one of `texts` a letter longer than the reading covers its ink better than its own
    drawing's `fit` by `by` (a letter the font stacks, which the reading may have lost)."""
    longer = [text for text in texts if len(text) == len(read) + 1]
    return max((_fit(inks, _drawn(text, font)) for text in longer), default=0.0) - fit >= by


def _lost_between(line: engine.Line) -> engine.Line:
    """The line with a piece of a word that lost a letter where it was split doubted: a word no
    dictionary holds, ending in a letter that never joins the next, beside a word that with one letter
    between them makes a dictionary word ("للمقاولات" read "للمقا" and "لات", each drawn as read; the
    name they were in would be verified without its و)."""
    words = list(line.words)
    ordered = sorted(range(len(words)), key=lambda i: -words[i].box[0])  # right to left
    for i, j in itertools.pairwise(ordered):
        right, left = words[i], words[j]
        gap = right.box[0] - (left.box[0] + left.box[2])
        if (_arabic_word(right.text) and _arabic_word(left.text) and right.text not in dictionary()
                and right.text[-1] in _NON_JOINING and 0 <= gap <= max(right.box[3], left.box[3])
                and any(right.text + letter + left.text in dictionary() for letter in _LETTERS)):
            words[i] = OcrWord(right.text, min(right.confidence, DOUBTED_CONFIDENCE), right.box)
    return line if words == line.words else engine.Line(words)


def _month_word(gray: np.ndarray, line: engine.Line, font: str) -> engine.Line:
    """The line with a word set between a date's day and its year ("14 مايو 1999" read "14 مابيو 1999")
    that is no month name read surely taken as the month name whose drawing clearly fits its ink best
    (names of one month do not compete: أبريل, ابريل); months whose drawings fit alike decide nothing.
    A date's value on its own line has no sure word beside it for the word check to start from."""
    words = list(line.words)
    for i in range(1, len(words) - 1):
        word, numbers = words[i], {words[i - 1].text, words[i + 1].text}
        if not (any(_is_day(n) for n in numbers) and any(_is_year(n) for n in numbers)) or (
                word.text in month_names() and not _unsure(word)):
            continue
        shown = _closed_list_line(gray, _own_box(word, line).box, word.text, month_names(), font)
        if shown is not None:
            words[i] = OcrWord(shown.text, CHECKED_CONFIDENCE, word.box)
    return line if words == line.words else engine.Line(words)


def _is_day(text: str) -> bool:
    return text.isdigit() and len(text) <= 2 and 1 <= int(text) <= 31


def _is_year(text: str) -> bool:
    return text.isdigit() and len(text) == 4


@functools.cache
def month_names() -> dict[str, str]:
    """The Arabic month names of one word, each with the month it names."""
    return _arabic_vocabulary("months")


def _arabic_words(reading: engine.Reading) -> tuple[list[OcrWord], list[OcrWord], list[OcrWord]]:
    """The reading's Arabic words, those of them read surely, and the unsure ones worth checking: only in
    lines with a sure Arabic word (a line of nothing but unsure "words" is noise read as letters, a photo
    or a pattern, where drawings would be compared for nothing)."""
    arabic = [w for w in reading.words if _arabic_word(w.text)]
    sure = [w for w in arabic if not _unsure(w)]
    sure_ids = {id(w) for w in sure}
    unsure = [w for line in reading.lines if any(id(x) in sure_ids for x in line.words)
              for w in line.words if _arabic_word(w.text) and id(w) not in sure_ids]
    return arabic, sure, unsure


def _joined_pieces(gray: np.ndarray, line: engine.Line, font: str) -> engine.Line:
    """The line with each word Tesseract split in two where a letter that never joins the next leaves a
    gap ("عبدالرحمن" read "عبدالر" and "حمن") made one again: two neighbouring pieces, neither a word of
    the dictionary, less than a word gap apart, the first ending in such a letter, whose joining is a
    dictionary word whose drawing fits their ink. Its drawing cannot tell it from the two pieces (the
    gap is all that differs): the dictionary does."""
    words: list[OcrWord] = []
    for word in line.words:
        joined = _join(gray, words[-1], word, font) if words else None
        words[-1:] = [joined] if joined else [*words[-1:], word]
    return line if len(words) == len(line.words) else engine.Line(words)


def _join(gray: np.ndarray, first: OcrWord, second: OcrWord, font: str) -> OcrWord | None:
    """The one word two neighbouring pieces are (see `_joined_pieces`), or None."""
    right, left = sorted((first, second), key=lambda w: -w.box[0])  # the word's first piece is the right one
    text = right.text + left.text
    # (A piece with a mark at either end makes no dictionary word.)
    if not (_arabic_word(right.text) and _arabic_word(left.text)) or right.text[-1] not in _NON_JOINING \
            or {right.text, left.text} & dictionary() or text not in dictionary():
        return None
    gap = right.box[0] - (left.box[0] + left.box[2])
    top = min(right.box[1], left.box[1])
    bottom = max(right.box[1] + right.box[3], left.box[1] + left.box[3])
    if not 0 <= gap <= _WORD_GAP * (bottom - top):
        return None
    box = (left.box[0], top, right.box[0] + right.box[2] - left.box[0], bottom - top)
    if _fit(_inks(gray, box, False), _drawn(text, font)) < MIN_MATCH:
        return None
    return OcrWord(text, max(min(first.confidence, second.confidence), CHECKED_CONFIDENCE), box)


def _form_line(gray: np.ndarray, line: engine.Line, font: str, under_label: bool = False) -> engine.Line:
    """A short line read unsurely, or with letters of the other script, that is one of the lines the
    forms print with a value from a closed list ("الجنس : أنثى" read "Gil : Egil", "الحسين:: أنه", "ees"),
    or its label alone ("الجنس" read "اج"), or `under_label`, its value alone ("أنثى" read "ill", or "="):
    the whole line drawn as each such line and laid over its ink; one that fits clearly best, and clearly
    better than the reading, is the line. A line of sure words (and marks) is left alone: sure Arabic
    words, or Latin ones read as surely as a bilingual form's English labels are."""
    candidates = {**form_lines(), **form_labels(), **(form_values() if under_label else {})}
    if not 1 <= len(line.words) <= _FORM_LINE_WORDS or _settled(line, under_label):
        return line
    # The run of ink across its row (a junk reading is often boxed over part of its line), or, where
    # that shows nothing (it may take in marks of the lines above and below), the line's own box.
    run = _row_run(gray, line.box)
    # Or that run over the line's own rows only (what it took in above may be a label's tails).
    rows = (run[0], line.box[1], run[2], line.box[3])
    return next((shown for box in dict.fromkeys((run, line.box, rows))
                 if (shown := _closed_list_line(gray, box, line.text, candidates, font))), line)


def _row_run(gray: np.ndarray, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """The box widened to the runs of ink across its rows that it overlaps (ink less than a word gap
    apart), and to their ink up to half its height above and below: a line read as junk is often
    boxed over part of its ink ("الجنس : ذكر" read "ees" over "الجنس" alone)."""
    left, top, width, height = box
    reach = height // 2
    window = gray[max(0, top - reach):top + height + reach]
    if window.size == 0:
        return box
    ink = window <= otsu_threshold(np.bincount(window.ravel(), minlength=256).tolist())
    rows = slice(top - max(0, top - reach), top - max(0, top - reach) + height)
    runs = [(a, b + 1) for a, b in coverage.column_runs(ink[rows].any(axis=0), gap=coverage.WORD_GAP * height)
            if a < left + width and b >= left]
    start, end = min([left, *(a for a, _ in runs)]), max([left + width, *(b for _, b in runs)])
    inked = np.flatnonzero(ink[:, start:end].any(axis=1)) + max(0, top - reach)  # page rows
    upper = min(top, int(inked[0])) if inked.size else top
    lower = max(top + height, int(inked[-1]) + 1) if inked.size else top + height
    return start, upper, end - start, lower - upper


def _settled(line: engine.Line, under_label: bool) -> bool:
    """The line's words (its marks aside) are sure: Arabic ones of the dictionary, or any read at least
    `_SURE_WORD` (a bilingual form's English labels), except `under_label`, where a closed list's Arabic
    word is printed ("ذكر" read "3" at 93%)."""
    worded = [w for w in line.words if any(c.isalnum() for c in w.text)]
    return bool(worded) and all((_arabic_word(w.text) and not _unsure(w))
                                or (w.confidence >= _SURE_WORD and not under_label) for w in worded)


def _closed_list_line(gray: np.ndarray, box: tuple[int, int, int, int], read: str, candidates: dict[str, str],
                      font: str) -> engine.Line | None:
    """The one of `candidates` (text -> what it says) whose drawing clearly fits the line's ink best,
    clearly better than the text as `read` and than every candidate saying something else, as a line
    of words sure enough for a field; None when none does."""
    # And the pieces mostly inside the box, whole: a value set close under its label is boxed with the
    # label's tails above it, and no band between them parts the two ("ذكر" under "الجنس").
    inks = _inks(gray, box, tall=True, word=False) + _whole_letters(gray, box, word=False)
    body = _line_core(inks)
    if not body:
        return None
    # Candidates that say the same (with a colon or without, أنثى or انثى) do not compete.
    scores = sorted(((_fit_whole_or_body(inks, body, text, font), text, value)
                     for text, value in ((read, None), *candidates.items())),
                    key=lambda score: score[0], reverse=True)
    best, text, value = scores[0]
    runner_up = max((score for score, _, other in scores if other != value or other is None), default=0.0)
    if value is None or best < FORM_LINE_MATCH or best - runner_up < FORM_LINE_MARGIN:
        return None
    left, top, width, height = box
    parts = text.split()
    # The words' own boxes are not known: each gets a share of the line by its letters.
    shares = np.cumsum([0] + [len(p) + 1 for p in parts]) / (len(text) + 1)
    return engine.Line([OcrWord(part, CHECKED_CONFIDENCE, (left + int(width * (1 - b)), top,
                                                           max(1, int(width * (b - a))), height))
                        for part, a, b in zip(parts, shares[:-1], shares[1:], strict=True)])


@functools.cache
def form_lines() -> dict[str, str]:
    """The lines forms print whose value comes from a closed list, each with the value it says: each
    Arabic label of the sex field with each Arabic sex word, with a colon between them and without."""
    return {f"{label}{sep}{word}": code for label in sorted(_sex_labels()) for word, code in form_values().items()
            for sep in (" : ", " ")}


@functools.cache
def form_values() -> dict[str, str]:
    """The Arabic words of the closed list (the sex words), each with the value it says."""
    return _arabic_vocabulary("sex")


def _arabic_vocabulary(section: str) -> dict[str, str]:
    """The one-word Arabic entries of a section of the extraction's vocabulary, each with its key."""
    from pipeline.extraction.vocabulary import vocabulary  # the data lives with the extraction that reads it

    return {word: str(key) for key, words in vocabulary()[section].items() for word in words if _arabic_word(word)}


def form_labels() -> dict[str, str]:
    """The Arabic labels of the closed-list field, each saying "label" (they do not compete)."""
    return dict.fromkeys(sorted(_sex_labels()), "label")


def form_texts() -> dict[str, str]:
    """Everything of a closed-list field the forms print on a line of its own or together: its labels,
    its values, and label-and-value lines."""
    return {**form_lines(), **form_labels(), **form_values()}


@functools.cache
def _sex_labels() -> frozenset[str]:
    from pipeline.extraction.vocabulary import vocabulary

    return frozenset(p for fields in vocabulary()["labels"].values() for p in fields.get("sex", []) if _arabic_word(p))


def _is_form_label(line: engine.Line) -> bool:
    """The line is a closed-list field's Arabic label alone (with or without its colon)."""
    return line.text.strip(" :") in _sex_labels()


def _line_core(masks: list[np.ndarray | None]) -> list[np.ndarray]:
    """A line's ink cut to its body (the rows holding at least a quarter of its busiest row's ink) and
    half the body's height above and below it: marks of the lines above and below left out, its own
    dots and tall letters kept, the same for the ink and for a drawing."""
    cut = []
    for mask in masks:
        if mask is None:
            continue
        rows = mask.sum(axis=1)
        body = np.flatnonzero(rows >= 0.25 * rows.max())
        reach = (body[-1] - body[0] + 1) // 2
        if (trimmed := _trimmed(mask[max(0, body[0] - reach):body[-1] + reach + 1])) is not None:
            cut.append(trimmed)
    return cut


def _wider_boxes(box: tuple[int, int, int, int], word: OcrWord, line: engine.Line) -> list[tuple[int, int, int, int]]:
    """The word's own `box` widened into the free space beside it (to the right, the left, or both; up to
    `_LOST_REACH` of its height, never into another word's box): a word that lost letters is often
    boxed without them (Amiri's "الخالدي" read "لحالدي", its first alef outside the box)."""
    left, top, width, height = box
    reach = int(_LOST_REACH * height)
    others = [w.box for w in line.words if w is not word]
    right_end = min([b[0] for b in others if b[0] >= left + width] + [left + width + reach])
    left_end = max([b[0] + b[2] for b in others if b[0] + b[2] <= left] + [left - reach])
    boxes = [(left, top, right_end - left, height), (left_end, top, left + width - left_end, height),
             (left_end, top, right_end - left_end, height)]
    return [box for box in dict.fromkeys(boxes) if box[2] > width]


def _own_box(word: OcrWord, line: engine.Line) -> OcrWord:
    """The word with its box cut to the widest stretch no other word of its line covers: read without
    layout analysis, a line's last word is sometimes boxed across the whole line (and that box, wider and
    over most of this one, cuts nothing from it)."""
    left, top, width, height = word.box
    free = [(left, left + width)]
    for other in line.words:
        start, end = other.box[0], other.box[0] + other.box[2]
        if other is word or (other.box[2] > width and 2 * (min(end, left + width) - max(start, left)) > width):
            continue
        free = [part for a, b in free for part in ((a, min(b, start)), (max(a, end), b)) if part[1] > part[0]]
    a, b = max(free, key=lambda part: part[1] - part[0], default=(left, left + width))
    return word if b - a == width else OcrWord(word.text, word.confidence, (a, top, b - a, height))


class LineJudge:
    """Which of two readings of an Arabic line its ink shows: each word drawn in the page's font over
    the ink under its box, and a reading scored by the share of the line's width its words explain.
    Tesseract's confidences in such lines mean little (a right "القحطاني" at 5%, a wrong "ب طارق ا
    تحطاني" surer on average); a reading that lost or garbled words explains less of the line."""

    def __init__(self, image: Image.Image, reading: engine.Reading) -> None:
        self._gray = np.asarray(image.convert("L"))
        self._font = _page_font(self._gray, reading)

    def prefers(self, first: engine.Line, second: engine.Line) -> engine.Line | None:
        """`first` or `second`, whichever the ink under both clearly shows; None when it shows neither."""
        if self._font is None:
            return None
        width = engine.Line(first.words + second.words).box[2]
        one, two = (self._explained(line) / max(1, width) for line in (first, second))
        if max(one, two) < LINE_MATCH or abs(one - two) < MARGIN:
            return None
        return first if one > two else second

    def shown_word(self, word: OcrWord) -> OcrWord | None:
        """The dictionary word the ink under `word`'s box clearly shows, drawn in the page's font: the
        word as read or one of its dictionary neighbours (as the word check decides an unsure word), at
        the confidence of a word so decided; None when no drawing clearly fits."""
        if self._font is None or not _arabic_word(word.text):
            return None
        checked = _checked_letters(self._gray, word, self._font, tall=False)
        return checked if checked.confidence >= CHECKED_CONFIDENCE and checked.text in dictionary() else None

    def form_line(self, box: tuple[int, int, int, int], read: str) -> engine.Line | None:
        """The closed-list field's label, value or both (`form_texts`) the ink in `box` (left, top,
        width, height) clearly shows, drawn whole in the page's font, better than the text as `read`;
        None when none does."""
        if self._font is None:
            return None
        return _closed_list_line(self._gray, box, read, form_texts(), self._font)

    def _explained(self, line: engine.Line) -> float:
        """The width of the line's words, each weighted by how closely its drawing fits its ink."""
        total = 0.0
        for word in line.words:
            own = _own_box(word, line)
            if inks := _inks(self._gray, own.box, tall=False):
                total += own.box[2] * _fit(inks, _drawn(word.text, self._font))
        return total


def _arabic_word(text: str) -> bool:
    core = text.strip(_MARKS)
    return len(core) >= 2 and all("\u0621" <= c <= "\u064a" for c in core)


def _unsure(word: OcrWord) -> bool:
    return word.confidence < CHECK_BELOW or not in_dictionary(word.text)


def in_dictionary(text: str) -> bool:
    """A word of Tesseract's Arabic dictionary, marks read at its ends aside."""
    return text.strip(_MARKS) in dictionary()


def _checked(gray: np.ndarray, word: OcrWord, font: str, tall: bool, rivals: dict[str, int] | None,
             wider: Sequence[tuple[int, int, int, int]] = ()) -> OcrWord:
    """The word's letters checked; a mark Tesseract read at either end ("السيد.") is kept as read."""
    core = word.text.strip(_MARKS)
    if core == word.text:
        return _checked_letters(gray, word, font, tall, rivals, wider)
    start = word.text.index(core)
    checked = _checked_letters(gray, OcrWord(core, word.confidence, word.box), font, tall, rivals, wider)
    return OcrWord(word.text[:start] + checked.text + word.text[start + len(core):], checked.confidence, word.box)


def _checked_letters(gray: np.ndarray, word: OcrWord, font: str, tall: bool,
                     rivals: dict[str, int] | None = None, wider: Sequence[tuple[int, int, int, int]] = ()) -> OcrWord:
    """Replaced, confirmed or doubted against its dictionary neighbours (drawn over the ink in its box,
    or in the `wider` boxes); a sure word only replaced by one of its `rivals` (form words) whose drawing
    fits clearly better, else left as it is."""
    inks = _inks(gray, word.box, tall)
    if not inks:
        return word
    # The box may cut off a letter's tail: the letters it holds, whole, are one more ink.
    inks += [] if tall else _whole_letters(gray, word.box)
    # Letters a reading lost may stand outside its box: looked for there when its drawing does not fit
    # the box (each wider box is one more ink for every candidate to be drawn over).
    if _fit(inks, _drawn(word.text, font)) < MIN_MATCH:
        inks += [ink for box in wider for ink in _inks(gray, box, tall)]
    aspects = [ink.shape[1] / ink.shape[0] for ink in inks]
    rivals_read = (neighbours(word.text) | form_rivals(word.text)) if rivals is None else rivals
    candidates = {text: edits for text, edits in rivals_read.items()
                  if any(_similar_aspect(_aspect(text, font), aspect) for aspect in aspects)} | {word.text: 0}
    # What Tesseract read is evidence too: each letter a word differs from the reading costs it a little,
    # so a drawing that differs from another only by a dot does not overrule the letters read.
    scores = sorted(((match - EDIT_COST * _edits(word.text, text, candidates[text], font), match, text)
                     for text in candidates if (match := _fit(inks, _drawn(text, font))) > 0), reverse=True)
    if scores:
        (best, match, text), runner_up = scores[0], scores[1][0] if len(scores) > 1 else 0.0
        if match >= MIN_MATCH and best - runner_up >= MARGIN:
            decided = _one_further(inks, font, word.text, text, match)
            if rivals is not None and decided is not None and not _gives_way(word.text, decided, match):
                return word
            return _decided(word, decided, swap_fit=match if rivals is None else None)
    # Two drawings fit about as well when they differ by a dot ("الحليج", "الخليج"): the ink where
    # they differ decides, if it clearly shows one.
    close = [(text, match) for _, match, text in scores[:2] if match >= MIN_MATCH]
    shown = _ink_shows(inks, _drawn(close[0][0], font), _drawn(close[1][0], font)) if len(close) == 2 else None
    if shown is not None:
        if close[shown][0] == word.text and word.text not in dictionary():
            # A few pixels where a dot would be are no proof of a reading no dictionary holds against the
            # word it fits as well as ("العتييي" kept over "العتيبي" at low resolution, and verified).
            return _doubted(word)
        # The same rule as a drawing's clear fit: a dictionary word is swapped for another of its length
        # only on a drawing that fits well ("عمر" read right at 78% became "عمو" at 0.66, and verified).
        return _decided(word, _one_further(inks, font, word.text, *close[shown]),
                        swap_fit=close[shown][1] if rivals is None else None)
    if rivals is not None:
        return word
    own = next((match for _, match, text in scores if text == word.text), 0.0)
    others = [(score, match, text) for score, match, text in scores if text != word.text]
    if own < MIN_MATCH and others and others[0][1] >= MIN_MATCH and \
            others[0][0] - (others[1][0] if len(others) > 1 else 0.0) >= MARGIN:
        # A reading whose own drawing does not fit its ink is no evidence against the one dictionary word
        # that fits clearly best of the rest (Amiri's stacked "لخ": "الخليج" read "اهليج").
        return _decided(word, _one_further(inks, font, word.text, others[0][2], others[0][1]))
    if own < MIN_MATCH or any(match > own for _, match, _ in scores):
        # Its own drawing does not fit its ink ("كريم" read "كيم" at 74%, a third narrower than the ink),
        # or a dictionary word's fits it better though not clearly ("وليد" read "وايد"): whatever
        # Tesseract's confidence, the word is in doubt.
        return _doubted(word)
    return word


def _edits(read: str, text: str, edits: int, font: str) -> int:
    """The letters `text` differs from the reading by; none when it is the reading with a letter more
    or less that the font sets no wider: a letter it stacks over its neighbours ("سالم" and "سام",
    "ليلى" and "ليل" are set as wide in Amiri), which Tesseract loses or makes up, reading along the
    line. Only then: a letter lost beside one misread ("مبندس" and "سندس") is two letters' evidence."""
    if edits != 1 or abs(len(text) - len(read)) != 1:
        return edits
    widths = [_advance(t, font) for t in (read, text)]
    return 0 if abs(widths[0] - widths[1]) <= _STACKED_WIDTH * max(widths) else edits


def _gives_way(read: str, rival: str, match: float) -> bool:
    """Whether a sure reading gives way to the rival whose drawing fits its ink `match`: a word of the
    dictionary only on a drawing that fits well (a right "سامي" at 92% became "أمامي" at 0.62, two
    letters otherwise), or to the word it is with one letter lost, the font's stacking ("ليل" for
    "ليلى", "ساي" for "سامي")."""
    return read not in dictionary() or match >= SWAP_MATCH or read in _dropped(rival) or rival == read


def _one_further(inks: list[np.ndarray], font: str, reading: str, text: str, match: float) -> str | None:
    """`text`, the word whose drawing fits the ink of `reading` clearly best among the reading's
    neighbours (`match`), or a word one letter from it whose drawing fits clearly better still: the
    reading may be two letters from the word, and then its best neighbour is a step on the way (Amiri's
    "ليلى" read "لييل": "ليل" fits 0.62, "ليلى" 0.83). None when one fits better, but not clearly."""
    if text == reading:
        return text
    aspects = [ink.shape[1] / ink.shape[0] for ink in inks]
    further = sorted(((_fit(inks, _drawn(other, font)), other) for other, edits in neighbours(text).items()
                      if edits == 1 and other != reading
                      and any(_similar_aspect(_aspect(other, font), aspect) for aspect in aspects)), reverse=True)
    if not further or further[0][0] <= match:
        return text
    return further[0][1] if further[0][0] - match >= MARGIN else None


def _decided(word: OcrWord, text: str | None, swap_fit: float | None = None) -> OcrWord:
    """The word as its drawing decided: sure enough for a field when it is a dictionary word; a reading
    no dictionary holds keeps its own confidence (its drawing fitting its ink proves little when the
    word it misreads may be no neighbour the check drew: "العتيبي" read "العتبيي"). A dictionary word
    read is replaced by another of its length (one letter for another between two real words) only on
    a drawing that fits well (`swap_fit`), else doubted: a fair fit is what a font not quite the page's
    gives (a right "محمد" became "تحمد" at 0.62 in Amiri Bold over a page set in Amiri Regular; "ساهي"
    became a right "سامي" at 0.73 and 0.80)."""
    swap = text is not None and text != word.text and len(text) == len(word.text) and word.text in dictionary()
    if text is None or (swap and swap_fit is not None and swap_fit < SWAP_MATCH):
        return _doubted(word)
    if text == word.text and text not in dictionary():
        return word
    return OcrWord(text, max(word.confidence, CHECKED_CONFIDENCE), word.box)


def _ink_shows(inks: list[np.ndarray], first: _Drawing | None, second: _Drawing | None) -> int | None:
    """0 when the ink clearly shows `first` where the two drawings differ, 1 when `second`, else None:
    each drawing fitted to the ink it fits best, the pixels only one of them inks looked up in the
    ink (a few pixels' slack: the fit is not exact)."""
    if first is None or second is None:
        return None
    ink = max(inks, key=lambda i: _match(i, first) + _match(i, second))
    height, width = ink.shape
    one, two = (_fitted(d, width, height) for d in (first, second))
    near = _dilated(ink, max(1, round(height * _DOT_SLACK)))
    least = max(6, int(_DIFFERENCE * height * width))
    shown = [float(near[own & ~other].mean()) if (own & ~other).sum() >= least else None
             for own, other in ((one, two), (two, one))]
    for i in (0, 1):
        mine, theirs = shown[i], shown[1 - i]
        if mine is not None and mine >= _SHOWN and (theirs is None or theirs <= _NOT_SHOWN):
            return i
        if mine is not None and mine <= _NOT_SHOWN and theirs is None:
            return 1 - i  # what only this drawing inks (a dot) is not there
    return None


def _dots_show_other(gray: np.ndarray, box: tuple[int, int, int, int], read: str, font: str) -> bool:
    """Whether the marks of the ink show a dictionary word that differs from the reading only in one
    letter's dots ("منى" read "متى" at 90% on a noisy page: the drawings fit alike, one faint dot tells).
    Only the marks are compared, and the ink as it is: where the two bodies differ by a pixel of fitting,
    and around each dot, any ink is near both drawings."""
    others = _dotted_neighbours(read)  # first: most words have none, and their ink is not looked at
    drawn = _drawn(read, font) if others else None
    inks = _inks(gray, box, False) if drawn is not None else []
    # A drawing that does not fit the ink (a box that cut the word) places its dots nowhere near the ink's.
    if not inks or _fit(inks, drawn) < MIN_MATCH:
        return False
    return any(_marks_deny(inks, drawn, _drawn(other, font)) for other in others)


def _dotted_neighbours(text: str) -> list[str]:
    """The dictionary words that are the reading with one letter's dots otherwise."""
    same = fold_for_matching(text)
    return [other for i, letter in enumerate(text) for group in _DOTTED if letter in group for dotted in group
            if dotted != letter and (other := text[:i] + dotted + text[i + 1:]) in dictionary()
            and fold_for_matching(other) != same]


def _marks_deny(inks: list[np.ndarray], read: _Drawing | None, other: _Drawing | None) -> bool:
    """Whether the ink's marks lack those only the reading's drawing has and show at least half of those
    only the other's has, if it has any (where one dot is set between two, little is only its own)."""
    if read is None or other is None:
        return False
    ink = max(inks, key=lambda i: _match(i, read) + _match(i, other))
    height, width = ink.shape
    mine, theirs = (_marks(_fitted(d, width, height)) for d in (read, other))
    shown = _marks(ink)
    own, others = mine & ~theirs, theirs & ~mine
    return bool(own.any()) and float(shown[own].mean()) <= _NOT_SHOWN and (
        not others.any() or float(shown[others].mean()) >= 0.5)


def _marks(mask: np.ndarray) -> np.ndarray:
    """The pieces of the ink small enough to be marks."""
    found = components(mask)
    height = mask.shape[0]
    small = (found.bottoms - found.tops < _MARK_HEIGHT * height) & (found.rights - found.lefts < _MARK_WIDTH * height)
    return _pieces(found, small)


def _pieces(found: Components, chosen: np.ndarray) -> np.ndarray:
    """The ink of the `chosen` components (one flag per component)."""
    return np.concatenate([[False], chosen])[found.labels]


@functools.lru_cache(maxsize=4096)
def _fitted(drawing: _Drawing, width: int, height: int) -> np.ndarray:
    """The drawing resized to an ink's shape; kept, as a word is fitted to the same shape many times (a
    page asks for about 300 shapes ten times each: each of a word's inks, each candidate, each pass)."""
    fitted = np.asarray(Image.fromarray(drawing.mask.astype(np.uint8) * 255).resize((width, height),
                                                                                   Image.Resampling.BILINEAR)) > 127
    fitted.flags.writeable = False  # shared by every caller
    return fitted


def _dilated(mask: np.ndarray, radius: int) -> np.ndarray:
    padded = np.pad(mask, radius)
    height, width = mask.shape
    out = np.zeros_like(mask)
    for dy in range(2 * radius + 1):
        for dx in range(2 * radius + 1):
            out |= padded[dy:dy + height, dx:dx + width]
    return out


def _page_font(gray: np.ndarray, reading: engine.Reading) -> str | None:
    _, sure, _ = _arabic_words(reading)
    if not sure:
        return None
    lines = _lines_of(reading)
    height = float(np.median([w.box[3] for w in sure]))
    # Each word on its own ink: a line's last word is sometimes boxed across the whole line, and a line
    # read from a crop of two over both lines' height (half the sample of a page, which then had no font).
    sample = [(w.text, inks) for w in sorted(sure, key=lambda w: -len(w.text))[:_FONT_SAMPLE]
              if (inks := _inks(gray, _own_box(w, lines[id(w)]).box, w.box[3] > _TALL * height))]
    if not sample:
        return None
    # The median: a word whose box Tesseract merged with its neighbour matches no font at all. The fonts
    # with Arabic-Indic digits (the digit reader's) are the installed Arabic fonts.
    scored = [(float(np.median([_fit(inks, _drawn(text, f)) for text, inks in sample])), f) for f in digit_fonts()]
    score, font = max(scored, default=(0.0, ""))
    return font if score >= FONT_MATCH else None


def _inks(gray: np.ndarray, box: tuple[int, int, int, int], tall: bool, word: bool = True) -> list[np.ndarray]:
    """Where the word's ink may be: all the ink in its box, trimmed, and in a box taller than the page's
    words each run of its bands of ink (a word read from a crop of two lines has a box that takes in
    part of the other line; a word's dots below may be a band of their own); for a `word`, each also
    without pieces at its ends that look like a neighbour's, and, where ink crosses the box's top or
    bottom, the box's without another line's letters (`_without_other_lines`)."""
    left, top, width, height = box
    crop = gray[max(0, top - 2):top + height + 2, max(0, left - 2):left + width + 2]
    if crop.size == 0:
        return []
    mask = crop <= otsu_threshold(np.bincount(crop.ravel(), minlength=256).tolist())
    bands = text_bands(mask) if tall else []
    # All of it too: a box "taller than the page's words" may be one word with a tall letter and a
    # descender in small print (Amiri's "إبراهيم" at 49 pixels among words of 30), which no band holds whole.
    parts = [mask[bands[i][0]:bands[j][1] + 1] for i in range(len(bands)) for j in range(i, len(bands))] + [mask]
    if word and (mask[0].any() or mask[-1].any()):
        parts.append(_without_other_lines(mask))
    inks = [ink for ink in map(_trimmed, parts) if ink is not None]
    if not word:  # a line's ends are its own words, not a neighbour's
        return inks
    return inks + [cut for ink in inks if (cut := _without_stray_ends(ink)) is not None]


def _without_other_lines(mask: np.ndarray) -> np.ndarray:
    """The box's ink (and its 2-pixel margin) without the pieces that come in over its top and end above
    its middle, or come in under its bottom and start below it: letters of the line above or below, set
    close (the "ج" of a label over its value "يوسف"; the "م" of one over "وليد", read "وليل" at 84% with a
    box no drawing fitted). A word's own tall letters that cross its box reach its middle ("سالم" boxed
    over "سا" and half its "لم": without them "سا" fitted, and was verified)."""
    found, height = components(mask), mask.shape[0]
    above = (found.tops == 0) & (2 * found.bottoms <= height)
    below = (found.bottoms == height) & (2 * found.tops >= height)
    return mask & ~_pieces(found, above | below)


def _whole_letters(gray: np.ndarray, box: tuple[int, int, int, int], word: bool = True) -> list[np.ndarray]:
    """The ink in the box with the rest of the letters it mostly holds: each connected piece of ink at
    least half inside the box is taken whole (a tail the box cuts off), and the marks over and under
    them. Only ever more than the box's ink: leaving out a neighbour's letter poking in would let a
    reading split off a word's beginning fit ("عبدالرحمن" read "عبدا رحمن"), and a piece mostly outside
    may be the rest of the word itself ("سالم" boxed on "سا"). For a `word`, also without pieces at its
    ends that look like a neighbour's."""
    left, top, width, height = box
    reach = max(4, height // 2)
    outer_left, outer_top = max(0, left - reach), max(0, top - reach)
    region = gray[outer_top:top + height + reach, outer_left:left + width + reach]
    crop = gray[max(0, top - 2):top + height + 2, max(0, left - 2):left + width + 2]
    if crop.size == 0:
        return []
    found = components(region <= otsu_threshold(np.bincount(crop.ravel(), minlength=256).tolist()))
    labels = found.labels
    rows = slice(max(0, top - 2) - outer_top, top + height + 2 - outer_top)
    columns = slice(max(0, left - 2) - outer_left, left + width + 2 - outer_left)
    count = int(labels.max()) + 1
    keep = np.bincount(labels[rows, columns].ravel(), minlength=count) >= 0.5 * np.bincount(labels.ravel(),
                                                                                              minlength=count)
    keep[0] = False
    if not keep.any():
        return []
    # The marks the box left out: the dot of a "ن" whose bowl it cut, a hamza above it ("أنثى" boxed
    # without it fits the drawing of "انثى", not its own).
    kept = np.flatnonzero(keep[1:])
    start, end = found.lefts[kept].min(), found.rights[kept].max()
    upper, lower = found.tops[kept].min(), found.bottoms[kept].max()
    gap = max(3, (lower - upper) // 5)  # a mark sits close to its letter; the next line's marks do not
    over = np.minimum(found.rights, end) - np.maximum(found.lefts, start)
    near = (found.bottoms >= upper - gap) & (found.tops <= lower + gap)
    keep[1:] |= near & (2 * over >= found.rights - found.lefts) & (found.areas < 0.25 * found.areas[kept].max())
    whole = keep[labels]
    # And all the ink inside the box (what the box holds of a piece mostly outside it stays).
    whole[rows, columns] |= labels[rows, columns] > 0
    if (ink := _trimmed(whole)) is None:
        return []
    return [ink] + [cut for cut in [_without_stray_ends(ink)] if word and cut is not None]


def _without_stray_ends(ink: np.ndarray) -> np.ndarray | None:
    """The ink without narrow pieces at its ends set a word gap apart (a neighbour's last letter inside
    a box drawn loosely), or None when there are none."""
    columns = np.flatnonzero(ink.any(axis=0))
    gaps = np.flatnonzero(np.diff(columns) > _WORD_GAP * ink.shape[0])
    if not len(gaps):
        return None
    starts = [columns[0], *columns[gaps + 1]]
    ends = [*columns[gaps], columns[-1]]
    widths = [b - a + 1 for a, b in zip(starts, ends, strict=True)]
    widest = int(np.argmax(widths))
    if sum(widths) - widths[widest] > _STRAY * ink.shape[1]:
        return None
    left, right = starts[widest], ends[widest] + 1
    return _trimmed(ink[:, left:right])


def _fit(inks: list[np.ndarray], drawn: _Drawing | None) -> float:
    return max((_match(ink, drawn) for ink in inks), default=0.0)


def _fit_whole_or_body(inks: list[np.ndarray], body: list[np.ndarray], text: str, font: str) -> float:
    """The better fit of the drawing of `text` to a line's `inks` whole or to both cut to their bodies
    (`body` is `_line_core(inks)`, cut once for every drawing): the cut leaves out marks of the lines
    above and below, but at some sizes the ink's body keeps a hamza the drawing's loses ("أنثى" alone),
    which only the whole fits."""
    return max(_fit(inks, _drawn(text, font)), _fit(body, _drawn_body(text, font)))


def _trimmed(mask: np.ndarray) -> np.ndarray | None:
    top, bottom, left, right = ink_box(mask)
    return mask[top:bottom, left:right] if bottom - top >= 3 and right - left >= 3 else None


@dataclass(frozen=True, eq=False)
class _Drawing:
    """A word drawn in a font (its ink, trimmed). Compared by identity: `_drawn` keeps one per word and
    font, and `_fitted` keeps its resizings by it."""

    mask: np.ndarray


@functools.lru_cache(maxsize=4096)
def _drawn(text: str, font_path: str) -> _Drawing | None:
    font = _font(font_path)
    canvas = Image.new("L", (_DRAWN_SIZE * (len(text) + 2), _DRAWN_SIZE * 3), 255)
    ImageDraw.Draw(canvas).text((_DRAWN_SIZE, _DRAWN_SIZE), text, font=font, fill=0, direction="rtl")
    mask = _trimmed(np.asarray(canvas) < 128)
    return None if mask is None else _Drawing(mask)


@functools.lru_cache(maxsize=1024)
def _drawn_body(text: str, font_path: str) -> _Drawing | None:
    """The drawing cut to its body as `_line_core` cuts a line's ink."""
    drawn = _drawn(text, font_path)
    body = _line_core([drawn.mask]) if drawn is not None else []
    return _Drawing(body[0]) if body else None


@functools.cache
def _font(path: str) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, _DRAWN_SIZE)


@functools.lru_cache(maxsize=65536)
def _aspect(text: str, font_path: str) -> float:
    """Width for height of the word as the font sets it (its layout only: a tenth of drawing it)."""
    left, top, right, bottom = _font(font_path).getbbox(text, direction="rtl")
    return (right - left) / max(1, bottom - top)


@functools.lru_cache(maxsize=65536)
def _advance(text: str, font_path: str) -> float:
    """How far the font advances setting the word (its layout only)."""
    return _font(font_path).getlength(text, direction="rtl")


def _similar_aspect(a: float, b: float, slack: float = _ASPECT_SLACK) -> bool:
    return abs(np.log(a / b)) <= slack


def _match(ink: np.ndarray, drawn: _Drawing | None) -> float:
    """Intersection over union of the ink and the drawing fitted to it; 0 when their shapes differ by
    more than the aspect slack in width for height."""
    if drawn is None:
        return 0.0
    height, width = ink.shape
    if not _similar_aspect(drawn.mask.shape[1] / drawn.mask.shape[0], width / height):
        return 0.0
    fitted = _fitted(drawn, width, height)
    return float((ink & fitted).sum() / max(1, (ink | fitted).sum()))


@functools.cache
def form_words() -> frozenset[str]:
    """The Arabic words the documents' forms print: their labels, sex words, months and titles (the
    extraction's vocabulary, kept as data)."""
    from pipeline.extraction.vocabulary import vocabulary  # the data lives with the extraction that reads it

    data = vocabulary()
    phrases = [p for fields in data["labels"].values() for wordings in fields.values() for p in wordings]
    phrases += [p for section in ("sex", "months", "type_words") for words in data[section].values() for p in words]
    return frozenset(w for p in phrases for w in str(p).split() if _arabic_word(w))


@functools.lru_cache(maxsize=4096)
def form_rivals(text: str) -> dict[str, int]:
    """Form words a sure reading may have been (one letter off, or two in a short word), with the letters
    they differ by; none for a reading that is a form word itself."""
    from pipeline.extraction.normalise import edit_distance

    words = form_words()
    if text in words:
        return {}
    reach = 2 if len(text) <= _SHORT else 1
    same = fold_for_matching(text)
    # Words longer or shorter by more than the reach are further than it (and most are: half the time).
    return {w: d for w in words if abs(len(w) - len(text)) <= reach and (d := edit_distance(text, w, reach)) <= reach
            and fold_for_matching(w) != same}


@functools.cache
def dictionary() -> frozenset[str]:
    """The word list inside the installed `ara` model (its LSTM word DAWG), unpacked once an install."""
    model = engine.tessdata_dir() / "ara.traineddata"
    try:
        return derived.stored("ara-words", [model], __file__, lambda: _unpack_words(model),
                              lambda words: "\n".join(sorted(words)).encode(),
                              lambda data: frozenset(data.decode("utf-8").split()))
    except (OSError, subprocess.SubprocessError):
        return frozenset()  # no word list: no word is sure, so no line is checked


def _unpack_words(model: Path) -> frozenset[str]:
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "ara."
        subprocess.run(["combine_tessdata", "-u", str(model), str(prefix)], capture_output=True, timeout=60,
                       check=True)
        listing = Path(tmp) / "words.txt"
        subprocess.run(["dawg2wordlist", f"{prefix}lstm-unicharset", f"{prefix}lstm-word-dawg", str(listing)],
                       capture_output=True, timeout=60, check=True)
        return frozenset(listing.read_text(encoding="utf-8").split())


@functools.lru_cache(maxsize=4096)
def neighbours(text: str) -> dict[str, int]:
    """Dictionary words the reading may have been, with the letters they differ by: one or two letters
    lost (stacked), one misread, two read in each other's place, one lost and one misread, or one too
    many and one misread. Spellings of
    the reading itself (ة for ه, ى for ي, the alef's hamza) are no other word."""
    words = dictionary()
    inserted, changed, dropped = _inserted(text), _changed(text), _dropped(text)
    once = inserted | changed | dropped | _swapped(text)
    twice = {e for d in dropped for e in _changed(d)}
    # A long word has tens of thousands of such edits (a tenth of a second at six letters), and loses
    # fewer letters; Amiri's "الخ" read "لح" is one lost and one misread in six.
    if len(text) <= _SHORT:
        twice |= {e for i in inserted for e in _inserted(i)}
    if len(text) <= _LOST_AND_MISREAD:
        twice |= {e for c in changed for e in _inserted(c)}
    found = {e: 2 for e in twice if e in words}
    found.update({e: 1 for e in once if e in words})
    same = fold_for_matching(text)
    return {e: edits for e, edits in found.items() if fold_for_matching(e) != same}


def _swapped(text: str) -> set[str]:
    """Two neighbouring letters read in each other's place."""
    return {text[:i] + text[i + 1] + text[i] + text[i + 2:] for i in range(len(text) - 1)}


def _dropped(text: str) -> set[str]:
    return {text[:i] + text[i + 1:] for i in range(len(text))}


def _inserted(text: str) -> set[str]:
    return {text[:i] + letter + text[i:] for i in range(len(text) + 1) for letter in _LETTERS}


def _changed(text: str) -> set[str]:
    return {text[:i] + letter + text[i + 1:] for i in range(len(text)) for letter in _LETTERS if letter != text[i]}
