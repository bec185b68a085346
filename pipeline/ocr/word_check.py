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
"""

from __future__ import annotations

import functools
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from pipeline.models import OcrWord
from pipeline.ocr import engine
from pipeline.ocr.arabic import fold_for_matching
from pipeline.ocr.indic_digits import digit_fonts
from pipeline.ocr.preprocess import ink_box, otsu_threshold, text_bands

# Words read at least this surely and found in the dictionary are left alone.
CHECK_BELOW = 80.0
# Share of ink a drawing must share with the word (intersection over union) to say anything, and how
# much better than the next drawing it must do to decide.
MIN_MATCH = 0.6
MARGIN = 0.1
EDIT_COST = 0.05  # per letter a dictionary word differs from the reading
# A page's font is the installed one that draws its sure words closest, if it draws them this well.
FONT_MATCH = 0.6
_FONT_SAMPLE = 6  # sure words drawn to find the page's font
_ASPECT_SLACK = float(np.log(1.15))  # a word drawn 15% wider or narrower for its height is another word
_TALL = 1.5  # a word box this many times the page's median word height was read from a crop of two lines
_SHORT = 5  # letters: a reading this short may have lost two, or lost one and misread one
_LETTERS = "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي"
_DRAWN_SIZE = 64  # font px the words are drawn at before being fitted to the ink
CHECKED_CONFIDENCE = 90.0  # a word its drawing decided: sure enough for a field, never certain
DOUBTED_CONFIDENCE = 30.0  # a checked word its drawing contradicts and no dictionary word explains


def check_words(image: Image.Image, reading: engine.Reading) -> engine.Reading:
    """The reading with unsure Arabic words replaced, confirmed or doubted by drawing (see the module note)."""
    # Only in lines with a sure Arabic word: a line of nothing but unsure "words" is noise read as
    # letters (a photo, a pattern), where drawings would be compared for nothing.
    arabic = [w for w in reading.words if _arabic_word(w.text)]
    sure = [w for w in arabic if not _unsure(w)]
    sure_ids = {id(w) for w in sure}
    unsure = [w for line in reading.lines if any(id(x) in sure_ids for x in line.words)
              for w in line.words if _arabic_word(w.text) and id(w) not in sure_ids]
    if not unsure:
        return reading
    gray = np.asarray(image.convert("L"))
    font = _page_font(gray, sure)
    if font is None:
        return reading
    height = float(np.median([w.box[3] for w in arabic]))
    checked = {id(w): _checked(gray, w, font, tall=w.box[3] > _TALL * height) for w in unsure}
    return engine.Reading([engine.Line([checked.get(id(w), w) for w in line.words]) for line in reading.lines])


def _arabic_word(text: str) -> bool:
    return len(text) >= 2 and all("\u0621" <= c <= "\u064a" for c in text)


def _unsure(word: OcrWord) -> bool:
    return word.confidence < CHECK_BELOW or word.text not in dictionary()


def _checked(gray: np.ndarray, word: OcrWord, font: str, tall: bool) -> OcrWord:
    inks = _inks(gray, word.box, tall)
    if not inks:
        return word
    aspects = [ink.shape[1] / ink.shape[0] for ink in inks]
    candidates = {text: edits for text, edits in neighbours(word.text).items()
                  if any(_similar_aspect(_aspect(text, font), aspect) for aspect in aspects)} | {word.text: 0}
    # What Tesseract read is evidence too: each letter a word differs from the reading costs it a little,
    # so a drawing that differs from another only by a dot does not overrule the letters read.
    scores = sorted(((match - EDIT_COST * candidates[text], match, text) for text in candidates
                     if (match := _fit(inks, _drawn(text, font))) > 0), reverse=True)
    if scores:
        (best, match, text), runner_up = scores[0], scores[1][0] if len(scores) > 1 else 0.0
        if match >= MIN_MATCH and best - runner_up >= MARGIN:
            return OcrWord(text, max(word.confidence, CHECKED_CONFIDENCE), word.box)
    own = next((match for _, match, text in scores if text == word.text), 0.0)
    if own < MIN_MATCH or any(match > own for _, match, _ in scores):
        # Its own drawing does not fit its ink ("كريم" read "كيم" at 74%, a third narrower than the ink),
        # or a dictionary word's fits it better though not clearly ("وليد" read "وايد"): whatever
        # Tesseract's confidence, the word is in doubt.
        return OcrWord(word.text, min(word.confidence, DOUBTED_CONFIDENCE), word.box)
    return word


def _page_font(gray: np.ndarray, sure: list[OcrWord]) -> str | None:
    sample = [(w.text, inks) for w in sorted(sure, key=lambda w: -len(w.text))[:_FONT_SAMPLE]
              if (inks := _inks(gray, w.box, False))]
    if not sample:
        return None
    # The median: a word whose box Tesseract merged with its neighbour matches no font at all. The fonts
    # with Arabic-Indic digits (the digit reader's) are the installed Arabic fonts.
    scored = [(float(np.median([_fit(inks, _drawn(text, f)) for text, inks in sample])), f) for f in digit_fonts()]
    score, font = max(scored, default=(0.0, ""))
    return font if score >= FONT_MATCH else None


def _inks(gray: np.ndarray, box: tuple[int, int, int, int], tall: bool) -> list[np.ndarray]:
    """Where the word's ink may be: all the ink in its box, trimmed, and in a box taller than the page's
    words each run of its bands of ink (a word read from a crop of two lines has a box that takes in
    part of the other line; a word's dots below may be a band of their own)."""
    left, top, width, height = box
    crop = gray[max(0, top - 2):top + height + 2, max(0, left - 2):left + width + 2]
    if crop.size == 0:
        return []
    mask = crop <= otsu_threshold(np.bincount(crop.ravel(), minlength=256).tolist())
    bands = text_bands(mask) if tall else []
    parts = [mask[bands[i][0]:bands[j][1] + 1] for i in range(len(bands)) for j in range(i, len(bands))] or [mask]
    return [ink for ink in map(_trimmed, parts) if ink is not None]


def _fit(inks: list[np.ndarray], drawn: np.ndarray | None) -> float:
    return max((_match(ink, drawn) for ink in inks), default=0.0)


def _trimmed(mask: np.ndarray) -> np.ndarray | None:
    top, bottom, left, right = ink_box(mask)
    return mask[top:bottom, left:right] if bottom - top >= 3 and right - left >= 3 else None


@functools.lru_cache(maxsize=4096)
def _drawn(text: str, font_path: str) -> np.ndarray | None:
    font = _font(font_path)
    canvas = Image.new("L", (_DRAWN_SIZE * (len(text) + 2), _DRAWN_SIZE * 3), 255)
    ImageDraw.Draw(canvas).text((_DRAWN_SIZE, _DRAWN_SIZE), text, font=font, fill=0, direction="rtl")
    return _trimmed(np.asarray(canvas) < 128)


@functools.cache
def _font(path: str) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, _DRAWN_SIZE)


@functools.lru_cache(maxsize=65536)
def _aspect(text: str, font_path: str) -> float:
    """Width for height of the word as the font sets it (its layout only: a tenth of drawing it)."""
    left, top, right, bottom = _font(font_path).getbbox(text, direction="rtl")
    return (right - left) / max(1, bottom - top)


def _similar_aspect(a: float, b: float) -> bool:
    return abs(np.log(a / b)) <= _ASPECT_SLACK


def _match(ink: np.ndarray, drawn: np.ndarray | None) -> float:
    """Intersection over union of the ink and the drawing fitted to it; 0 when their shapes differ by
    more than the aspect slack in width for height."""
    if drawn is None:
        return 0.0
    height, width = ink.shape
    if not _similar_aspect(drawn.shape[1] / drawn.shape[0], width / height):
        return 0.0
    fitted = np.asarray(Image.fromarray(drawn.astype(np.uint8) * 255).resize((width, height),
                                                                            Image.Resampling.BILINEAR)) > 127
    return float((ink & fitted).sum() / max(1, (ink | fitted).sum()))


@functools.cache
def dictionary() -> frozenset[str]:
    """The word list inside the installed `ara` model (its LSTM word DAWG), unpacked once a process."""
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "ara."
        try:
            subprocess.run(["combine_tessdata", "-u", str(engine.tessdata_dir() / "ara.traineddata"), str(prefix)],
                           capture_output=True, timeout=60, check=True)
            listing = Path(tmp) / "words.txt"
            subprocess.run(["dawg2wordlist", f"{prefix}lstm-unicharset", f"{prefix}lstm-word-dawg", str(listing)],
                           capture_output=True, timeout=60, check=True)
            return frozenset(listing.read_text(encoding="utf-8").split())
        except (OSError, subprocess.SubprocessError):
            return frozenset()  # no word list: no word is sure, so no line is checked


@functools.lru_cache(maxsize=4096)
def neighbours(text: str) -> dict[str, int]:
    """Dictionary words the reading may have been, with the letters they differ by: one or two letters
    lost (stacked), one misread, one lost and one misread, or one too many and one misread. Spellings of
    the reading itself (ة for ه, ى for ي, the alef's hamza) are no other word."""
    words = dictionary()
    inserted, changed, dropped = _inserted(text), _changed(text), _dropped(text)
    once = inserted | changed | dropped
    twice = {e for d in dropped for e in _changed(d)}
    if len(text) <= _SHORT:  # a long word has tens of thousands of such edits, and loses fewer letters
        twice |= {e for i in inserted for e in _inserted(i)} | {e for c in changed for e in _inserted(c)}
    found = {e: 2 for e in twice if e in words}
    found.update({e: 1 for e in once if e in words})
    same = fold_for_matching(text)
    return {e: edits for e, edits in found.items() if fold_for_matching(e) != same}


def _dropped(text: str) -> set[str]:
    return {text[:i] + text[i + 1:] for i in range(len(text))}


def _inserted(text: str) -> set[str]:
    return {text[:i] + letter + text[i:] for i in range(len(text) + 1) for letter in _LETTERS}


def _changed(text: str) -> set[str]:
    return {text[:i] + letter + text[i + 1:] for i in range(len(text)) for letter in _LETTERS if letter != text[i]}
