"""Second readings of a page: what the first Tesseract page read got wrong or left out, read again.

Lines the layout analysis skipped, numbers the Arabic model cut short, words read in the wrong script,
Arabic-Indic digits (which Tesseract's Arabic model cannot read), weak lines, and label values printed
beside their label in another column. Tesseract runs share one budget per page.
"""

from __future__ import annotations

import functools
import itertools
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np
from PIL import Image

from pipeline.models import OcrWord
from pipeline.ocr import coverage, engine, indic_digits, lost_ink, preprocess, word_check
from pipeline.ocr.arabic import normalize_text
from pipeline.ocr.crops import Crop, CropReader
from pipeline.ocr.mrz import looks_like_mrz
from pipeline.ocr.word_order import same_row

# Crops are padded with white before Tesseract reads them alone.
LINE_PADDING = 20
RAW_LINE_PADDING = 4
# Tesseract models for languages written in Arabic script.
ARABIC_SCRIPT_MODELS = frozenset({"ara", "fas", "urd", "pus", "snd", "uig", "kur_ara", "Arabic"})
# A page line read below this confidence is read again with its own script's models only.
REREAD_LINE_BELOW = 80.0
# Second readings (skipped ink, weak lines, words in the other script) a page may spend: a busy photo
# has dozens of weak lines, and reading them all again costs seconds for little.
MAX_REREADS_PER_PAGE = 20
# A word whose box is wider than this many line heights for each character read lost characters
# ("S76731560" read "2 0": the "2" spans "S7673").
LOST_CHARACTERS_WIDTH = 2.0
# A word in the other script than its line's, read at least this confidently, is taken as written;
# one read less surely is replaced by its line's script's reading if that is at least this confident.
FOREIGN_WORD_TRUSTED = 90.0
FOREIGN_WORD_MIN_CONFIDENCE = 25.0
_NUMBER_ALPHABET = "0123456789/-.:"
DIGIT_REREAD_MIN_CONFIDENCE = 80.0
# Inside a number, digits stand closer than this many line heights; words stand further apart.
INDIC_RUN_GAP = 0.45
# A word read at least this confidently (a Latin number, an Arabic word) is not offered to the
# Arabic-Indic digit reader.
INDIC_TRUSTED = 90.0
ARABIC_WORD_FAIR = 60.0
LATIN_WORD_FAIR = 70.0
# A Latin word its line read below this is read again alone; read alone at least this surely, one
# letter for another, it is the word.
LATIN_WORD_CERTAIN = 95.0
# A line read as Latin below this, on a page with sure Arabic words, may be Arabic read as look-alikes
# whole ("المهنة : كهربائي" read "ae ced" at 33%).
LATIN_JUNK_BELOW = 50.0
_FORM_MARKS = ":.،"  # the punctuation forms print beside values, however unsurely read
# A line found in ink the page read skipped is kept only when read at least this confidently
# (the skipped ink may be a stamp, a signature or a logo).
UNREAD_LINE_MIN_CONFIDENCE = 50.0
UNREAD_WORD_SURE = 85.0  # a skipped line read less surely is kept when one of its words is read this surely
# Skipped ink taller than this many line heights (with the padding around it) holds two lines.
TWO_LINES = 1.9


@dataclass
class RereadBudget:
    """Tesseract runs left for second readings of one page."""

    left: int

    def take(self) -> bool:
        if self.left <= 0:
            return False
        self.left -= 1
        return True


def improve(image: Image.Image, reading: engine.Reading, languages: str) -> engine.Reading:
    """Every second reading, most useful first as the budget may run out: lost lines, then numbers,
    then single words and weak lines; then unsure Arabic words checked by drawing them; last, label
    values from the same row."""
    budget = RereadBudget(MAX_REREADS_PER_PAGE)
    crops = CropReader(image, LINE_PADDING)
    reading = read_skipped_lines(image, reading, languages, budget, crops)
    # Arabic-Indic numbers first (no Tesseract run): a line they settle is no weak line, and a line
    # whose numbers are Arabic-Indic holds no Latin digits to read again.
    with_numbers = read_indic_numbers(image, reading)
    indic_lines = {i for i, (before, after) in enumerate(zip(reading.lines, with_numbers.lines, strict=True))
                   if before.words != after.words}
    reading = with_numbers
    # The crops the word and line passes will probably read, foreseen from the reading as it stands,
    # read now in one Tesseract run per setting; a pass reads what its predecessors changed itself.
    # A line unsure only of a word the foreign-word pass reads again is left to the weak-line pass:
    # that word, once read, often settles the line.
    foreign = _foreign_word_crops(crops, reading, languages)
    changing = {i for i, _ in foreign if reading.lines[i].confidence >= REREAD_LINE_BELOW}
    foreseen = itertools.chain(_digit_word_crops(crops, reading, languages, indic_lines).values(), foreign.values(),
                               _latin_word_crops(crops, reading, languages).values(),
                               *(line_crops for i, line_crops in _weak_line_crops(crops, reading, languages).items()
                                 if i not in changing),
                               *_arabic_crops_of_latin_junk(crops, reading, languages).values())
    crops.prefetch(itertools.islice(foreseen, budget.left))
    reading = reread_digit_words(image, reading, languages, budget, crops, indic_lines)
    reading = reread_foreign_words(image, reading, languages, budget, crops)
    reading = reread_latin_words(image, reading, languages, budget, crops)
    reading = reread_weak_lines(image, reading, languages, budget, crops)
    if any(lang in ARABIC_SCRIPT_MODELS for lang in languages.split("+")):
        reading = word_check.check_words(image, reading)
    reading = lost_ink.doubt_beside_lost_ink(image, reading)
    return attach_row_values(_without_specks(_without_number_pieces(reading)))


def attach_row_values(reading: engine.Reading) -> engine.Reading:
    """A line that ends in a label's colon with nothing after it gets the line printed beside it on the
    same row, in another column: layout analysis reads columns one after the other, so a Latin name set
    left of its Arabic label ("اسم العامل :" ... "Leila Reyes") would otherwise come out far from it."""
    lines = list(reading.lines)
    for line in list(lines):
        if line not in lines or (label := _open_label(line)) is None:
            continue
        beside = [other for other in lines if other is not line and _open_label(other) is None
                  and same_row(line.box, other.box) and _apart(line.box, other.box)]
        if len(beside) == 1:
            lines.remove(beside[0])
            lines[lines.index(line)] = engine.Line(label + beside[0].words)
    return engine.Reading(lines)


def _open_label(line: engine.Line) -> list[OcrWord] | None:
    """The words of a line that is a label and its colon with nothing after it, the colon last: a line
    whose text ends in it, or an Arabic line whose colon is its leftmost word (the end of a right-to-left
    line; read beside a Latin value, the colon may come first in the text: ": الطرف الثاني")."""
    if line.text.rstrip().endswith(":"):
        return line.words
    leftmost = min(line.words, key=lambda w: w.box[0], default=None)
    if leftmost is None or leftmost.text != ":" or not any("\u0621" <= c <= "\u064a" for c in line.text):
        return None
    return [w for w in line.words if w is not leftmost] + [leftmost]


def _judge(image: Image.Image, reading: engine.Reading) -> Callable[[], word_check.LineJudge]:
    """The page's `LineJudge`, made on first call: its fonts are drawn only when a pass needs them."""
    return functools.cache(lambda: word_check.LineJudge(image, reading))


def _apart(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0]


def reread_weak_lines(
    image: Image.Image, reading: engine.Reading, languages: str, budget: RereadBudget,
    crops: CropReader | None = None,
) -> engine.Reading:
    """Read again, with only its own script's models, at its size and twice it, each line the page read
    was unsure of (as a whole, or of a word it put in the other script); keep the more confident
    reading, or the confident one in the line's own script over a reading with such a word (whose
    confidence means nothing). Mixed-language models put Latin look-alikes into hard Arabic lines (and
    back), and one such word is often better read with its neighbours than alone; some fonts' words
    are read right only at one of the two sizes. Clean lines are left alone, so clean pages cost
    nothing extra."""
    crops = crops or CropReader(image, LINE_PADDING)
    wanted = _weak_line_crops(crops, reading, languages)
    other_script = _arabic_crops_of_latin_junk(crops, reading, languages)
    # One prefetch: crops of one setting are read in one Tesseract run.
    crops.prefetch(itertools.chain(*list(wanted.values())[:budget.left], *other_script.values()))
    judge = _judge(image, reading)
    lines = []
    for i, line in enumerate(reading.lines):
        if i not in wanted or not budget.take():
            lines.append(line)
            continue
        readings = [crops.read(crop) for crop in wanted[i]]
        if not any(r.words for r in readings) and budget.take():
            # The line mode's layout analysis drops some whole lines (Noto Sans Arabic's "علي حسن السيد").
            readings.append(crops.read(_raw_line(wanted[i][0])))
        focused = wanted[i][0].languages
        # A reading that puts its own script's words where the mixed models put unsure look-alikes, and
        # keeps the line's sure words, is the line's however unsure its new words: the word check
        # judges those by drawing them.
        replacing = [r for r in readings if _replaces_foreign_words(line, r, languages, focused)]
        again = max(replacing or readings, key=lambda r: r.confidence)
        lost = _lost_characters(line)
        mixed = lost or any(_unsure_foreign(word, languages, focused) for word in line.words)
        clean = again.confidence >= REREAD_LINE_BELOW and not any(
            _unsure_foreign(word, languages, focused) for word in again.words)
        # The Arabic model reads Arabic-Indic digits as the only two it knows ("٢٥٠" as "١٠١"): a
        # reading by it that changes a line's digits is not taken (digits have their own readings).
        digits_kept = not _arabic_script(focused) or _digits(again.text) == _digits(line.text)
        # A line that lost characters takes a reading that keeps them all, read fairly.
        whole = lost and not _lost_characters(engine.Line(again.words)) and again.confidence >= LATIN_WORD_FAIR
        # A word read near certainly is not given up for a reading that is surer only on average
        # ("علي حسن السيد", "السيد" at 10%, is no "علي حم ش" at 59%).
        certain = Counter(w.text for w in line.words if w.confidence >= FOREIGN_WORD_TRUSTED
                          and not _unsure_foreign(w, languages, focused))
        keeps_certain = not certain - Counter(w.text for w in again.words)
        better = again.words and digits_kept and (
            (again.confidence > line.confidence and keeps_certain) or (mixed and clean) or whole or bool(replacing))
        # The drawings judge between Arabic readings; a reading that replaced look-alikes word for word
        # needs no judge (the look-alikes' boxes are often wrong, and it draws no better for them).
        if again.words and digits_kept and _arabic_script(focused) and not replacing:
            judged = judge().prefers(line, engine.Line(again.words))
            better = better if judged is None else judged is not line
        chosen = engine.Line(again.words) if better else line
        # A line read as Latin junk is also read with the Arabic models, and taken so only where the
        # drawings clearly show the Arabic reading (a Latin name read unsurely stays Latin).
        if i in other_script and budget.take():
            arabic = max((crops.read(crop) for crop in other_script[i]), key=lambda r: r.confidence)
            shown = judge().prefers(chosen, engine.Line(arabic.words)) if arabic.words else None
            chosen = chosen if shown is None else shown
        lines.append(chosen)
    return engine.Reading(lines)


def _weak_line_crops(crops: CropReader, reading: engine.Reading, languages: str) -> dict[int, list[Crop]]:
    """By line index, the crops each line the page read was unsure of is read again from."""
    wanted = {}
    for i, line in enumerate(reading.lines):
        focused = line_languages(languages, line)
        # The Arabic model has no ٢-٩ and a reading by it that changes digits is never taken: a line
        # weak only in its numbers (Arabic-Indic ones the digit reader refused) has nothing it can mend.
        weak = line.confidence < REREAD_LINE_BELOW and not (_arabic_script(focused) and all(
            w.confidence >= REREAD_LINE_BELOW for w in line.words if any(c.isalpha() for c in w.text)))
        unsure = weak or _lost_characters(line) or any(_unsure_foreign(word, languages, focused)
                                                        for word in line.words)
        # The machine-readable zone has its own reading (`mrz`), with its alphabet; read as a line of
        # English it only loses characters, and extraction falls back on the page's reading of it.
        if unsure and focused != languages and not looks_like_mrz(line.text):
            crop = crops.crop(_around(line.box), focused, engine.PSM_SINGLE_LINE)
            wanted[i] = [crop, crop._replace(scale=2.0)]
    return wanted


def _arabic_crops_of_latin_junk(crops: CropReader, reading: engine.Reading, languages: str) -> dict[int, list[Crop]]:
    """By line index, the crops (at its size and twice it) each line of Latin letters read below
    `LATIN_JUNK_BELOW` is read again from with the Arabic models, on a page with sure Arabic words."""
    arabic = _models(languages, arabic=True)
    if not arabic or arabic == languages or not any(
            w.confidence >= REREAD_LINE_BELOW and _in_script(w.text, arabic) for w in reading.words):
        return {}
    return {i: [crop, crop._replace(scale=2.0)] for i, line in enumerate(reading.lines)
            if line.confidence < LATIN_JUNK_BELOW and not looks_like_mrz(line.text)
            and any(c.isalpha() for c in line.text) and not any("\u0600" <= c <= "\u06ff" for c in line.text)
            for crop in [crops.crop(_around(line.box), arabic, engine.PSM_SINGLE_LINE)]}


def reread_foreign_words(
    image: Image.Image, reading: engine.Reading, languages: str, budget: RereadBudget,
    crops: CropReader | None = None,
) -> engine.Reading:
    """Read again, alone and with its line's script's models, each word written in the other script:
    mixed-language models turn whole Arabic words into Latin look-alikes ("سامي" -> "gle", "اسم" ->
    "el"). The line's script wins when the mixed reading was unsure of the word and the focused
    models read only letters of that script there, not at a guess; the two confidences are not
    compared (the right Arabic reading often scores lower than the wrong Latin one). A Latin name
    or code stays: read surely, or read by the Arabic model as noise at confidence near 0. An Arabic
    word read at such a guess is still taken when the ink shows it, or a dictionary word next to it,
    drawn in the page's font: the Arabic model alone reads Amiri's stacked "علي" as "عل" at 0% (read
    "Je" at 85% by the mixed models), and a Latin name's ink fits no Arabic word's drawing. It keeps the
    guess's confidence: its line stays weak, to be read again whole (a better reading of the line than
    word by word), and the word check decides the word again."""
    judge = _judge(image, reading)

    def keep(line: engine.Line, word: OcrWord, again: engine.Reading) -> list[OcrWord]:
        # Tesseract sometimes boxes a misread word across its neighbours: what the crop shows of
        # them is theirs already.
        others = [w.box for w in line.words if w is not word]
        own = [w for w in again.words if not any(b[0] <= w.box[0] + w.box[2] / 2 <= b[0] + b[2] for b in others)]
        focused = line_languages(languages, line)
        # A label's colon the mixed models read into the word ("ay:") comes back as a word of its own.
        lettered = [w for w in own if w.text != ":"]
        if lettered and _plausibly_in_script(lettered, focused):
            return own
        shown = judge().shown_word(own[0]) if len(own) == 1 and _arabic_script(focused) else None
        return [OcrWord(shown.text, own[0].confidence, own[0].box)] if shown else [word]

    crops = crops or CropReader(image, LINE_PADDING)
    return _reread_words(reading, _foreign_word_crops(crops, reading, languages), budget, crops, keep)


def _foreign_word_crops(
    crops: CropReader, reading: engine.Reading, languages: str
) -> dict[tuple[int, int], Crop]:
    """By (line, word) index, the crop each unsure word in the other script than its line's is read
    again from, with its line's script's models."""
    wanted = {}
    for i, line in enumerate(reading.lines):
        focused = line_languages(languages, line)
        for j, word in enumerate(line.words):
            if focused != languages and _unsure_foreign(word, languages, focused):
                wanted[(i, j)] = crops.crop(_around(word.box, beside=2), focused, engine.PSM_SINGLE_LINE)
    return wanted


def reread_latin_words(
    image: Image.Image, reading: engine.Reading, languages: str, budget: RereadBudget,
    crops: CropReader | None = None,
) -> engine.Reading:
    """Read again, alone with the Latin models, each word of letters a Latin line read short of
    certainty: the line's context pulls a letter toward a likelier word ("Ahmed" read "Anmed" at 79-92%
    in six lines of four generated sets, "Ahmed" at 96% alone each time). The word alone is taken only
    when it is the same word but for one letter for another inside it, read near certainly: the crop
    often cuts a word's first letter, read then as a mark or another letter ("\\hmed", "SRACE" for
    "GRACE" at 92%), or its last ("Samue"). Read alone fairly surely as such a word, but not near
    certainly, the word is in doubt: one of the two readings is wrong ("Ahmed" read "Anmed" at 88% in its
    line and "Ahmed" at 94% alone was verified as "Anmed")."""
    def keep(line: engine.Line, word: OcrWord, again: engine.Reading) -> list[OcrWord]:
        text = "".join(w.text for w in again.words)
        swaps = [i for i, (a, b) in enumerate(zip(word.text, text, strict=False)) if a != b]
        one_letter = (len(text) == len(word.text) and len(swaps) == 1 and 0 < swaps[0] < len(text) - 1
                      and text[swaps[0]].isalpha())
        if one_letter and again.confidence >= LATIN_WORD_CERTAIN:
            return [OcrWord(text, min(word.confidence, again.confidence), word.box)]
        if one_letter and again.confidence >= LATIN_WORD_FAIR:
            return [OcrWord(word.text, min(word.confidence, word_check.DOUBTED_CONFIDENCE), word.box)]
        if text == word.text and again.confidence >= LATIN_WORD_CERTAIN:
            return [OcrWord(text, again.confidence, word.box)]  # the same word, near certainly: confirmed
        return [word]

    crops = crops or CropReader(image, LINE_PADDING)
    return _reread_words(reading, _latin_word_crops(crops, reading, languages), budget, crops, keep)


def _latin_word_crops(crops: CropReader, reading: engine.Reading, languages: str) -> dict[tuple[int, int], Crop]:
    """By (line, word) index, the crop each Latin word of three letters or more, not all capitals, in a
    Latin line, read short of certainty, is read again from alone, with the Latin models. Capitals are
    codes and headings ("KWD", "CONTRACT") or a passport's names, which its MRZ checks; each page with
    such a word costs one more Tesseract run (15% of a scanned page's reading)."""
    latin = _models(languages, arabic=False)
    if not latin:
        return {}
    return {(i, j): crops.crop(_around(word.box, beside=4), latin, engine.PSM_SINGLE_LINE)
            for i, line in enumerate(reading.lines) if line_languages(languages, line) == latin
            for j, word in enumerate(line.words)
            if word.confidence < LATIN_WORD_CERTAIN and len(word.text) >= 3 and not word.text.isupper()
            and all(c.isascii() and c.isalpha() for c in word.text)}


def _replaces_foreign_words(line: engine.Line, again: engine.Reading, languages: str, focused: str) -> bool:
    """`again` reads the line word for word, keeps every word of `focused`'s script the line read surely,
    and reads only that script's letters where the line had unsure words of the other script."""
    if len(again.words) != len(line.words) or not any(_unsure_foreign(w, languages, focused) for w in line.words):
        return False
    sure = Counter(w.text for w in line.words
                   if w.confidence >= REREAD_LINE_BELOW and not _unsure_foreign(w, languages, focused))
    new = Counter(w.text for w in again.words) - sure
    return not sure - Counter(w.text for w in again.words) and all(_in_script(text, focused) for text in new)


def _in_script(text: str, languages: str) -> bool:
    """Letters of the script of `languages`, with no more than a mark at either end (a look-alike read
    again as digits, "es" as "11", is no word of the line's script)."""
    core = text.strip(".:،,;-")
    arabic = _arabic_script(languages)
    return bool(core) and all(c.isalpha() and ("\u0600" <= c <= "\u06ff") == arabic for c in core)


def _lost_characters(line: engine.Line) -> bool:
    """A word of the line spans far more ink than its characters: the reader dropped some, whatever
    its confidence in the ones it kept."""
    return any(word.box[2] > LOST_CHARACTERS_WIDTH * line.box[3] * len(word.text) for word in line.words)


def _unsure_foreign(word: OcrWord, languages: str, focused: str) -> bool:
    """A word of letters read in the other script than its line's, and not surely; never a word of
    Tesseract's Arabic dictionary read fairly (60%) in a Latin line: two columns' labels on one row make
    one line ("اسم الطفل" beside "Name of Child"), and read with the Latin model "الطفل" became "ju",
    and the line read again "Name of Child Je f"."""
    if word.confidence >= ARABIC_WORD_FAIR and word_check.in_dictionary(word.text) and not _arabic_script(focused):
        return False
    return (word.confidence < FOREIGN_WORD_TRUSTED and any(c.isalpha() for c in word.text)
            and script_languages(languages, word.text) != focused)


def _models(languages: str, arabic: bool) -> str:
    """The models of `languages` for the Arabic script, or for the others ("" when there are none)."""
    return "+".join(lang for lang in languages.split("+") if (lang in ARABIC_SCRIPT_MODELS) == arabic)


def _arabic_script(languages: str) -> bool:
    return all(lang in ARABIC_SCRIPT_MODELS for lang in languages.split("+"))


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _plausibly_in_script(words: list[OcrWord], languages: str) -> bool:
    """A reading made only of letters of `languages`' script (two or more, no digits or marks) and not
    a guess: the Arabic model reads a Latin name as Arabic-looking noise at confidence near 0."""
    text = "".join(w.text for w in words)
    arabic = _arabic_script(languages)
    letters = [c for c in text if c.isalpha() and (("\u0600" <= c <= "\u06ff") == arabic)]
    return (len(letters) >= 2 and len(letters) == len(text)
            and engine.Line(words).confidence >= FOREIGN_WORD_MIN_CONFIDENCE)


def reread_digit_words(
    image: Image.Image, reading: engine.Reading, languages: str, budget: RereadBudget,
    crops: CropReader | None = None, indic_lines: Collection[int] = (),
) -> engine.Reading:
    """Read again, with the Latin model held to digits and date separators, each number in an Arabic
    line or alone, but not in `indic_lines` (whose numbers the Arabic-Indic digit reader read): the
    Arabic model loses Latin digits there ("13" -> "3"). The new reading is kept only when it is a
    number holding every digit the first one had, in order, read confidently."""
    def keep(line: engine.Line, word: OcrWord, again: engine.Reading) -> list[OcrWord]:
        text = "".join(w.text for w in again.words)
        keeps_digits = _is_subsequence([c for c in word.text if c.isdigit()], [c for c in text if c.isdigit()])
        better = engine.NUMBER.fullmatch(text) and keeps_digits and again.confidence >= DIGIT_REREAD_MIN_CONFIDENCE
        return [OcrWord(text, round(again.confidence, 2), word.box) if better else word]

    crops = crops or CropReader(image, LINE_PADDING)
    return _reread_words(reading, _digit_word_crops(crops, reading, languages, indic_lines), budget, crops, keep)


def _reread_words(
    reading: engine.Reading, wanted: dict[tuple[int, int], Crop], budget: RereadBudget, crops: CropReader,
    keep: Callable[[engine.Line, OcrWord, engine.Reading], list[OcrWord]],
) -> engine.Reading:
    """Each word wanted (by line and word index) read again from its crop while the budget lasts, and
    replaced by what `keep` makes of the new reading (the word itself when it is not better)."""
    crops.prefetch(list(wanted.values())[:budget.left])
    lines = []
    for i, line in enumerate(reading.lines):
        words: list[OcrWord] = []
        for j, word in enumerate(line.words):
            if (i, j) not in wanted or not budget.take():
                words.append(word)
            else:
                words.extend(keep(line, word, crops.read(wanted[(i, j)])))
        lines.append(engine.Line(words))
    return engine.Reading(lines)


def _digit_word_crops(
    crops: CropReader, reading: engine.Reading, languages: str, indic_lines: Collection[int] = ()
) -> dict[tuple[int, int], Crop]:
    """By (line, word) index, the crop each number in a line without Latin letters (an Arabic line, or
    a number alone: the mixed models read "2006-02-16" as "2006-02-6"), or read unsurely in a Latin line
    (a passport's "02 OCT/OCT 02" read "02 OCT/OCT 2" at 0%), is read again from, with the Latin models
    held to digits and date separators."""
    latin = _models(languages, arabic=False)
    if not latin or latin == languages:
        return {}
    def wanted(line: engine.Line, word: OcrWord) -> bool:
        if not engine.NUMBER.fullmatch(word.text):
            return False
        lettered = any(c.isascii() and c.isalpha() for c in line.text)
        return not lettered or (word.confidence < DIGIT_REREAD_MIN_CONFIDENCE and not looks_like_mrz(line.text))

    return {(i, j): crops.crop(_around(word.box, beside=2), latin, engine.PSM_SINGLE_LINE, _NUMBER_ALPHABET)
            for i, line in enumerate(reading.lines) if i not in indic_lines
            for j, word in enumerate(line.words) if wanted(line, word)}


def read_indic_numbers(image: Image.Image, reading: engine.Reading) -> engine.Reading:
    """Read Arabic-Indic digit runs with our own reader (`indic_digits`): Tesseract's Arabic model has
    no ٢-٩ and turns "٦٤١٧١٤٧" into "عه" or "VENVIVEYV", split into words at random. Each Arabic line
    is cut into runs of ink at word gaps; a run not read confidently as a Latin number or Arabic words
    is offered to the reader, and a run it is sure of replaces the words it covers."""
    lines = []
    for line in reading.lines:
        # A line of Latin letters is English unless none is read near surely: the digit reader refuses
        # Latin letters, and a number under its label was read "Yooo Vy" at 77% and 65%.
        english = not any("\u0600" <= c <= "\u06ff" for c in line.text) and any(
            _latin_word(w) and w.confidence >= FOREIGN_WORD_TRUSTED for w in line.words)
        if english or all(_read_surely(w) for w in line.words) or looks_like_mrz(line.text):
            lines.append(line)
        else:
            lines.append(_read_numbers_in_line(image, line))
    return engine.Reading(lines)


def _read_numbers_in_line(image: Image.Image, line: engine.Line) -> engine.Line:
    box_left, top, width, height = line.box
    margin = max(2, height // 4)
    # Tesseract's boxes around a misread run often stop short of its first or last digits: the crop
    # takes in the ink the line's box reaches into up to a gap of a line height (a date read as one word
    # boxed on its first third, "٢٣/١٠/٢٠٢٠" read "23/1"; Amiri sets "٠" with gaps wider than a word's).
    band = (max(0, top - margin), min(image.height, top + height + margin))
    row = coverage.column_runs(preprocess.ink_mask(image.crop((0, band[0], image.width, band[1]))).any(axis=0),
                               gap=height)
    reached = [(start, end) for start, end in row if start <= box_left + width and box_left <= end]
    left = max(0, min([box_left - height // 2, *(start - height // 4 for start, _ in reached)]))
    right = min(image.width, max([box_left + width + height // 2, *(end + height // 4 for _, end in reached)]))
    crop = image.crop((left, band[0], right, band[1]))
    # A line read as nothing sure is often one number (a bilingual form's value under its label,
    # "٣٧٣٢٦٥٤" read "rvrriog"): it is offered whole first, with the margins of the line's crop.
    # The reader's verdict on a degraded run can turn on a few pixels of paper (one glyph near two
    # classes), and the runs cut below are cut tighter; seen on two generated sets, 2 of 2.
    if not any(_read_surely(w) or _latin_text(w) for w in line.words) and \
            (whole := _digit_word(crop, (left, top, crop.width, height))) is not None:
        return engine.Line([whole])
    words = list(line.words)
    numbers: list[OcrWord] = []
    ink = preprocess.ink_mask(crop).any(axis=0)
    runs = coverage.column_runs(ink, gap=INDIC_RUN_GAP * height)
    for start, end in _within_words(runs, [w for w in words if not _read_surely(w)], left):
        covered = [w for w in words if w.box[0] <= left + end and left + start <= w.box[0] + w.box[2]]
        if not covered or all(_read_surely(w) for w in covered):
            continue
        # The run as cut, else (a number set close to a word) the unsure words it covers, together, then
        # fewer: a number Tesseract split in two ("٤٣٢٤٦٠٩" as "450" "8«اغ") beside its label is cut in
        # the middle of a digit by either piece's box.
        run = (max(0, start - height // 4), end + height // 4)
        for (span_start, span_end), replaced in [(run, covered), *_unsure_groups(covered, run, left)]:
            inked = np.flatnonzero(ink[span_start:span_end + 1])
            if not inked.size:
                continue
            box = (left + span_start + int(inked[0]), top, int(inked[-1] - inked[0]) + 1, height)
            number = _digit_word(crop.crop((span_start, 0, span_end + 1, crop.height)), box)
            if number is None:
                continue
            numbers.append(number)
            at = words.index(replaced[0])
            words = [number if i == at else w for i, w in enumerate(words) if i == at or w not in replaced]
            if len(replaced) > 1:
                break
    # Pieces close together read again as one run: ink between them that no piece read (Amiri's
    # "٠", a lone dot the reader refuses alone) is then read with them, not dropped.
    for group in _close_pieces(numbers, height):
        start, end = group[0].box[0] - left, group[-1].box[0] + group[-1].box[2] - left
        number = _digit_word(crop.crop((max(0, start - height // 4), 0, end + height // 4, crop.height)),
                             (left + start, top, end - start, height))
        if number is not None:
            at = min(words.index(w) for w in group)
            words = [number if i == at else w for i, w in enumerate(words) if i == at or w not in group]
            numbers = [w for w in numbers if w not in group]
    words = join_number_pieces(words, numbers, height)
    # A number read beside ink read as noise (a run the reader refused: "1337" beside "لاغ >", the
    # rest of "٦٤٧١٣٣٧") may go on into it: it is no surer than that noise; and one whose run of ink
    # goes on into ink no word holds may have lost digits there (Amiri's "٧٠٤٧٥٠٥" read "704750": its
    # last "٥", past a wide-set "٠", was in no word's box).
    read = [w for w in words if w not in line.words]
    noise = [w for w in words if w in line.words and not _read_surely(w)]
    unread = _unread_ink(ink, words, runs, left, height)
    return engine.Line([_unsure_beside(w, noise, height, unread) if w in read else w for w in words])


def _without_specks(reading: engine.Reading) -> engine.Reading:
    """The reading without lines that are specks read unsurely as letters: no word a third as tall as
    the page's words. A speck between a label and the value under it ("م«" at 27%, 8 pixels tall, under
    "رقم القيد") stood where the value was looked for."""
    if not reading.words:
        return reading
    height = float(np.median([w.box[3] for w in reading.words]))
    lines = [line for line in reading.lines if line.confidence >= REREAD_LINE_BELOW
             or any(w.box[3] >= height / 3 for w in line.words)]
    return reading if len(lines) == len(reading.lines) else engine.Reading(lines)


def _without_number_pieces(reading: engine.Reading) -> engine.Reading:
    """The reading without numbers that are a piece of a number another line reads over the same ink:
    ink of a line the page read as noise is read as a line of its own where no word's box covers it
    (part of a date: "4/08/20"), and the digit reader then reads the noise line whole ("24/08/2015")."""
    numbers = [w for w in reading.words if engine.NUMBER.fullmatch(w.text)]
    pieces = {id(w) for w in numbers for whole in numbers
              if len(whole.text) > len(w.text) and w.text in whole.text and _mostly_within(w.box, whole.box)}
    if not pieces:
        return reading
    lines = [engine.Line([w for w in line.words if id(w) not in pieces]) for line in reading.lines]
    return engine.Reading([line for line in lines if line.words])


def _mostly_within(inner: tuple[int, int, int, int], outer: tuple[int, int, int, int]) -> bool:
    """Most of `inner`'s width lies within `outer`'s, on rows they share."""
    overlap = min(inner[0] + inner[2], outer[0] + outer[2]) - max(inner[0], outer[0])
    rows = min(inner[1] + inner[3], outer[1] + outer[3]) - max(inner[1], outer[1])
    return rows > 0 and overlap >= 0.8 * inner[2]


def _digit_word(image: Image.Image, box: tuple[int, int, int, int]) -> OcrWord | None:
    """The Arabic-Indic number `image` (a crop of the page at `box`) holds, as a word in Western digits,
    or None when the digit reader is not sure of one."""
    found = indic_digits.read_digit_run(image)
    return None if found is None else OcrWord(normalize_text(found.text), found.confidence, box)


def _unsure_groups(covered: list[OcrWord], run: tuple[int, int],
                   left: int) -> list[tuple[tuple[int, int], list[OcrWord]]]:
    """Each row of unsure words side by side (longest first; one word is a row) that is not all of
    `covered`, with the columns (from `left`) between the words beside it, or the `run`'s end: ink no
    box holds is the number's too (Amiri's "٩" past a wide-set "٠", outside "450"), a box over the
    whole line ("91194" over "رقم الوثيقة : ٦٩١١٩٤") ends at its neighbour, and no neighbour's ink is
    taken in ("٨٠٠" between "الشهري:" and "دينار")."""
    ordered = sorted(covered, key=lambda w: w.box[0])
    count = len(ordered)
    rows = sorted(((i, j) for i in range(count) for j in range(i, count)
                   if j - i + 1 < count and not any(map(_read_surely, ordered[i:j + 1]))), key=lambda r: r[0] - r[1])

    # Beside an unsure word a row ends at its own box: the ink between the two is either's, and two
    # rows both taking it read its digit twice ("٢٥٥٥٦٧٢" as "2555" and "6672").
    def start(i: int) -> int:
        if i == 0:
            return run[0]
        before = ordered[i - 1]
        return before.box[0] + before.box[2] - left + 1 if _read_surely(before) else ordered[i].box[0] - left

    def end(j: int) -> int:
        if j + 1 == count:
            return run[1]
        after = ordered[j + 1]
        return after.box[0] - left - 1 if _read_surely(after) else ordered[j].box[0] + ordered[j].box[2] - left

    return [((start(i), end(j)), ordered[i:j + 1]) for i, j in rows]


def _unsure_beside(number: OcrWord, noise: list[OcrWord], height: int, unread: list[tuple[int, int]]) -> OcrWord:
    left, right = number.box[0], number.box[0] + number.box[2]
    near = [w.confidence for w in noise if w.box[0] - right < height and left - (w.box[0] + w.box[2]) < height]
    near += [0.0 for start, end in unread if start <= right and left <= end]
    return OcrWord(number.text, min([number.confidence, *near]), number.box) if near else number


def _unread_ink(ink: np.ndarray, words: list[OcrWord], runs: list[tuple[int, int]], left: int,
                height: int) -> list[tuple[int, int]]:
    """The runs of ink (page columns) holding a piece of ink, a stretch of inked columns as wide as a
    thin digit, that no word's box comes within a thin digit's width of (a colon's box is often a pixel
    wide beside its ink)."""
    near = max(2, height // 10)
    boxes = [(word.box[0] - left - near, word.box[0] + word.box[2] - left + near) for word in words]
    loose = [(start, end) for start, end in coverage.column_runs(ink, gap=1) if end - start + 1 >= near
             and not any(a <= end and start <= b for a, b in boxes)]
    return [(left + start, left + end) for start, end in runs
            if any(start <= a and b <= end for a, b in loose)]


def _close_pieces(numbers: list[OcrWord], height: int) -> list[list[OcrWord]]:
    """Numbers read in pieces, left to right, grouped where they stand closer than a line height."""
    joined: list[list[OcrWord]] = []
    for piece in sorted(numbers, key=lambda w: w.box[0]):
        if joined and piece.box[0] - (joined[-1][-1].box[0] + joined[-1][-1].box[2]) < height:
            joined[-1].append(piece)
        else:
            joined.append([piece])
    return [group for group in joined if len(group) > 1]


def _within_words(runs: list[tuple[int, int]], unsure: list[OcrWord], left: int) -> list[tuple[int, int]]:
    """Runs of ink joined where one unsure word spans them: a font that spaces its digits wide (Amiri's
    "٦٤١٧١٤٧") falls apart at word gaps, and a lone "١" is only a stroke, which the reader refuses."""
    def spanning(run: tuple[int, int]) -> set[int]:
        return {i for i, w in enumerate(unsure) if w.box[0] <= left + run[1] and left + run[0] <= w.box[0] + w.box[2]}

    joined: list[tuple[int, int]] = []
    for run in runs:
        if joined and spanning(joined[-1]) & spanning(run):
            joined[-1] = (joined[-1][0], run[1])
        else:
            joined.append(run)
    return joined


def join_number_pieces(words: list[OcrWord], numbers: list[OcrWord], height: int) -> list[OcrWord]:
    """Numbers read in pieces (a wide gap inside "٠٧/٠٤/٢٠١٦") joined left to right where they stand
    closer than a line height; digit runs are written left to right even in Arabic."""
    for group in _close_pieces(numbers, height):
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
    """Not a digit run in disguise: a label's colon or a full stop, other punctuation read fairly well
    (Amiri's "٦" of "٦٤٧١٣٣٧" was read ">" at 27%), a confident Latin number, or an Arabic word of three
    letters or more read fairly well (a digit run misread as Arabic comes out as short, unsure words)."""
    if not any(c.isalnum() for c in word.text):
        return set(word.text) <= set(_FORM_MARKS) or word.confidence >= ARABIC_WORD_FAIR
    if engine.NUMBER.fullmatch(word.text):
        return word.confidence >= INDIC_TRUSTED
    return sum("\u0621" <= c <= "\u064a" for c in word.text) >= 3 and word.confidence >= ARABIC_WORD_FAIR


def _is_subsequence(part: list[str], whole: list[str]) -> bool:
    rest = iter(whole)
    return all(c in rest for c in part)


def read_skipped_lines(
    image: Image.Image, reading: engine.Reading, languages: str, budget: RereadBudget,
    crops: CropReader | None = None,
) -> engine.Reading:
    """Read the text-sized ink no word of the page read covers (see `coverage`), each run as a line
    (again with its own script's models when unsure), and put each line found after the line above it
    in its column.
    A run the line mode reads as nothing (it drops some clean lines whole: "عمر حسن العنزي" in Noto Sans
    Arabic) is read again without layout analysis (PSM 13). A run as tall as two lines (a short label
    and its value under it, both skipped) is read as a block of lines. A run beside words of its row
    the page read only guessed at is read with them, in their place: they are pieces of its line
    ("1427/11/29 هـ" read as "109" at 45% and "هه" at 47% around a skipped "1427/1")."""
    height = preprocess.line_height(image)
    if not height or not reading.lines:
        return reading
    crops = crops or CropReader(image, LINE_PADDING)
    judge = _judge(image, reading)
    grown: list[tuple[tuple[int, int, int, int], frozenset[int]]] = []
    for region in coverage.unread_regions(image, [w.box for w in reading.words], height):
        wider, guessed = _with_guessed_neighbours(region, reading, height)
        # Two runs around one guess are one line: read once, not the guess's ink twice.
        shared = next((i for i, (_, taken) in enumerate(grown) if guessed & taken), None)
        if shared is not None:
            other, taken = grown.pop(shared)
            wider, guessed = _joined(other, wider), guessed | taken
        grown.append((wider, guessed))
    regions = [region for region, _ in grown]
    # Each round of reads in one Tesseract run (line mode; raw mode where it read nothing; the line's
    # script's models where read unsurely); the loop below then decides from them as if read one by one.
    first = [crops.crop(region, languages, _mode(region, height)) for region in regions[:budget.left]]
    crops.prefetch(first)
    settled = [crop if crops.read(crop).words else _raw_line(crop) for crop in first]
    crops.prefetch(settled)
    crops.prefetch(crop._replace(languages=_focused(languages, crops.read(crop))) for crop in settled)
    crops.prefetch(_raw_line(crop) for crop in first if _still_unsure(crops, crop, languages))
    lines = list(reading.lines)
    for region, guessed in grown:
        if not budget.take():
            break
        best = crops.read(crop := crops.crop(region, languages, _mode(region, height)))
        raw = _raw_line(crop)
        if not best.words and budget.take():
            best = crops.read(crop := raw)
        focused, replacing = _focused(languages, best), False
        if focused != languages and budget.take():
            again = crops.read(crop._replace(languages=focused))
            # A reading in the line's script that replaced the look-alikes of a mixed reading sure enough
            # to keep is as sure as that one.
            replacing = (best.confidence >= UNREAD_LINE_MIN_CONFIDENCE and bool(best.words)
                         and _replaces_foreign_words(engine.Line(best.words), again, languages, focused))
            best = again if again.words and (again.confidence >= best.confidence or replacing) else best
        # Still unsure after the line mode: the raw mode reads some short lines the line mode garbles
        # ("الجنس" read "idl" at 34, in Arabic alone "الجنبس" at 25; raw: "الجنس" at 56).
        if (best.confidence < UNREAD_LINE_MIN_CONFIDENCE and not replacing and crop != raw
                and budget.take()):
            again = crops.read(raw)
            best = again if again.confidence > best.confidence else best
        # A line read unsurely that holds a word of three letters or more read near surely is text, not
        # noise ("فاطمة" at 93% in "فاطمة مد الشمري": Amiri's stacked letters): kept for the passes
        # after this one to read again and check (its field stays in doubt if they cannot).
        unsure = ((best.confidence < UNREAD_LINE_MIN_CONFIDENCE and not replacing
                   and not any(sum(c.isalpha() for c in w.text) >= 3 and w.confidence >= UNREAD_WORD_SURE
                               for w in best.words))
                  or sum(c.isalnum() for c in best.text) < 2)
        # An MRZ line is kept however unsure (security printing behind it): the MRZ reader reads it again.
        if unsure and not looks_like_mrz(best.text):
            left, top, right, bottom = region
            box = (left, top, right - left, bottom - top)
            # A closed-list field's label or value alone on its line ("أنثى" in Amiri, which Tesseract
            # reads "اق") is told by drawing them over its ink; Tesseract cannot read Arabic-Indic
            # digits: a line of them is noise to it.
            form = judge().form_line(box, best.text) if _models(languages, arabic=True) else None
            number = None if form else _digit_word(image.crop(region), box)
            if form is None and number is None:
                continue
            best = engine.Reading([form or engine.Line([number])])
        if guessed:
            lines = [engine.Line(kept) for line in lines if (kept := [w for w in line.words if id(w) not in guessed])]
        for line in best.lines:
            left, top, width, line_height = line.box
            lines.insert(_place(lines, (left, top, left + width, top + line_height)), line)
    return engine.Reading(lines)


def _with_guessed_neighbours(
    region: tuple[int, int, int, int], reading: engine.Reading, height: float
) -> tuple[tuple[int, int, int, int], frozenset[int]]:
    """The region grown over the words of its row read below `UNREAD_LINE_MIN_CONFIDENCE` that stand
    within a word gap of it, and those words' ids; the region as it was when a word read more surely
    stands there too (the row is a line the page read in part: "علي" read surely beside a skipped "عمر
    حسين" and a guess over "عمر" became a line of its own, and the name lost it)."""
    grown, taken = region, set()

    def beside(word: OcrWord) -> bool:
        left, top, right, bottom = grown
        x, y, width, word_height = word.box
        shared = min(bottom, y + word_height) - max(top, y)
        gap = max(x - right, left - (x + width))
        return shared >= 0.5 * min(bottom - top, word_height) and gap <= coverage.WORD_GAP * height

    growing = True
    while growing:
        growing = False
        for word in reading.words:
            if id(word) not in taken and word.confidence < UNREAD_LINE_MIN_CONFIDENCE and beside(word):
                x, y, width, word_height = word.box
                grown = _joined(grown, (x, y, x + width, y + word_height))
                taken.add(id(word))
                growing = True
    if any(id(word) not in taken and beside(word) for word in reading.words):
        return region, frozenset()
    return grown, frozenset(taken)


def _joined(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """The smallest region (left, top, right, bottom) holding both."""
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def _still_unsure(crops: CropReader, crop: Crop, languages: str) -> bool:
    """Whether a skipped line read in line mode (and again in its script's models) is still unsure."""
    read = crops.read(crop)
    if not read.words:
        return False  # read raw already
    focused = crops.read(crop._replace(languages=_focused(languages, read)))
    return max(read.confidence, focused.confidence if focused.words else 0.0) < UNREAD_LINE_MIN_CONFIDENCE


def _raw_line(crop: Crop) -> Crop:
    """`crop` read without layout analysis. Tesseract then takes the whole image for the line: white
    around it shrinks the text in it, and small print reads better enlarged (on the skipped lines of
    four generated sets, 34 words of the truth read as against 29 at the line's size and usual margin)."""
    return crop._replace(psm=engine.PSM_RAW_LINE, scale=2.0, padding=RAW_LINE_PADDING)


def _mode(region: tuple[int, int, int, int], line_height: float) -> int:
    """How a run of skipped ink is read: as one line, or as a block when it is two lines tall."""
    return engine.PSM_BLOCK if region[3] - region[1] > TWO_LINES * line_height else engine.PSM_SINGLE_LINE


def _focused(languages: str, reading: engine.Reading) -> str:
    """The languages a line found in skipped ink is read again with: its script's, when read unsurely."""
    if reading.confidence >= REREAD_LINE_BELOW or not reading.words:
        return languages
    return line_languages(languages, engine.Line(reading.words))


def _around(box: tuple[int, int, int, int], beside: int | None = None) -> tuple[int, int, int, int]:
    """A word's or line's box (left, top, width, height) as a crop (left, top, right, bottom), with room
    above and below for dots and marks; a single word gets only `beside` pixels at its sides, so its
    neighbours stay out."""
    left, top, width, height = box
    margin = max(2, height // 4)
    side = margin if beside is None else beside
    return left - side, top - margin, left + width + side, top + height + margin


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


def line_languages(languages: str, line: engine.Line) -> str:
    """The languages of a line's script, judged by the words of letters it read surely when they are all
    of one script: the mixed models turn Arabic words into unsure Latin look-alikes ("حسن ناصر السيد" read
    "Suu] pol حسن", only "حسن" sure), and counted alike those would outvote the line's own script. A line
    whose sure words are of both scripts ("الطرف الثاني : Jose Santos") is judged by all its letters."""
    sure = [w.text for w in line.words if w.confidence >= REREAD_LINE_BELOW and any(c.isalpha() for c in w.text)]
    one_script = len({script_languages(languages, text) for text in sure}) == 1
    return script_languages(languages, " ".join(sure) if one_script else line.text)


def script_languages(languages: str, sample: str) -> str:
    """The subset of `languages` for the script most of `sample`'s letters are in (all if unsure).
    Without letters, Arabic-Indic digits are Arabic script and ASCII digits Latin (a passport number
    whose letters the page read lost is read again by the Latin model, not the Arabic one)."""
    arabic = sum("\u0600" <= c <= "\u06ff" for c in sample)
    latin = sum(c.isascii() and c.isalpha() for c in sample) or (not arabic and any(c.isascii() and c.isdigit()
                                                                                  for c in sample))
    wanted = [lang for lang in languages.split("+") if (lang in ARABIC_SCRIPT_MODELS) == (arabic >= latin)]
    return "+".join(wanted) or languages
