"""Label-based reading: find "label: value" pairs (or a label with its value on the next line) using
the label vocabularies in vocabulary.yaml, whatever wording, script or bilingual mix a document uses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from pipeline.extraction.normalise import clean, edit_distance, fold, fold_keep_positions
from pipeline.extraction.vocabulary import vocabulary

_ARABIC = re.compile("[\u0600-\u06FF]")
_READ_ALIKE = str.maketrans("ب", "ه")
_SEPARATORS = " :：;|/\\-–—_.،,()[]*«»"


@dataclass(frozen=True)
class _Hit:
    field: str
    start: int
    end: int


@cache
def _label_pattern(doc_type: str) -> tuple[re.Pattern[str], dict[str, str]]:
    owners: dict[str, str] = {}
    for name, labels in vocabulary()["labels"][doc_type].items():
        for label in labels:
            owners.setdefault(fold(label), name)
    for label, name in list(owners.items()):
        # A right-aligned Arabic line's first alef is often lost (read as a ruled line, or cut):
        # "الجنس" comes out "لجنس". Long enough, the rest still names the field.
        if label.startswith("ا") and len(label) >= 5 and re.match("[\u0621-\u064a]", label[1]):
            owners.setdefault(label[1:], name)
    alternatives = "|".join(re.escape(label) for label in sorted(owners, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])({alternatives})(?![^\W_])"), owners


_MOST_SLIPS = 2


def _allowed_slips(label: str) -> int:
    # OCR misreads a letter or two in a label; short labels must match exactly or they match values.
    # Arabic OCR slips more, and long Arabic labels stay distinctive with two slips.
    if len(label) >= 12 and _ARABIC.search(label):
        return _MOST_SLIPS
    return 0 if len(label) < 6 else 1


@lru_cache(maxsize=65536)
def _slips(window: str, label: str) -> int:
    """Letters OCR got wrong in a label, not counting a medial ه read as ب (Amiri's ـهـ: "الشبري", "انتباء");
    any number over what a label may have is one more than that."""
    return edit_distance(window.translate(_READ_ALIKE), label.translate(_READ_ALIKE), _MOST_SLIPS)


def _one_word_garbled(window: str, label: str, owners: dict[str, str]) -> bool:
    """A label of three or more words with one word unreadable ("تاريخ ela! العقد"), or of two words with
    one read as no Arabic at all ("رقم idl", "4,4 الميلاد"), when no label of another field fits the
    same way."""
    words, wanted = window.translate(_READ_ALIKE).split(), label.translate(_READ_ALIKE).split()
    if len(words) != len(wanted) or sum(a != b for a, b in zip(words, wanted, strict=True)) != 1:
        return False
    garbled = next(a for a, b in zip(words, wanted, strict=True) if a != b)
    if len(wanted) < 2 or (len(wanted) == 2 and (_ARABIC.search(garbled) or not _ARABIC.search(label))):
        return False
    rivals = [other for other in owners if owners[other] != owners[label] and len(other.split()) == len(words)
              and sum(a != b for a, b in zip(words, other.translate(_READ_ALIKE).split(), strict=True)) <= 1]
    return not rivals


def _fuzzy_hits(folded: str, owners: dict[str, str], taken: list[_Hit]) -> list[_Hit]:
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", folded)]
    found: list[_Hit] = []
    for label in sorted(owners, key=len, reverse=True):
        slips, size = _allowed_slips(label), len(label.split())
        if not slips:
            continue
        # A word split in two counts as one slip: OCR puts spaces after Arabic letters that do not join
        # the next ("تاريخ الو لادة").
        for span in (size, size + 1):
            for i in range(len(words) - span + 1):
                start, end = words[i][0], words[i + span - 1][1]
                if any(h.start < end and start < h.end for h in taken + found):
                    continue
                window = " ".join(folded[start:end].split())
                if span > size:
                    joined, whole = window.replace(" ", ""), label.replace(" ", "")
                    close = abs(len(joined) - len(whole)) < slips and _slips(joined, whole) + 1 <= slips
                else:
                    close = abs(len(window) - len(label)) <= slips and _slips(window, label) <= slips
                if close or (span == size and _one_word_garbled(window, label, owners)):
                    found.append(_Hit(owners[label], start, end))
    return found


def _with_word_before(folded: str, hit: _Hit, owners: dict[str, str]) -> _Hit:
    """A label found whole that is the end of a longer label of its field whose first word OCR garbled
    ("سم الزوجة": "الزوجة" alone is a label too) takes that word in, so it is not read as a value."""
    before = re.search(r"(\S+) +$", folded[:hit.start])
    if not before:
        return hit
    window = f"{before.group(1)} {folded[hit.start:hit.end]}"
    for label, field in owners.items():
        slips = _allowed_slips(label)
        if (field == hit.field and label.endswith(folded[hit.start:hit.end]) and slips
                and abs(len(window) - len(label)) <= slips and _slips(window, label) <= slips):
            return _Hit(field, before.start(1), hit.end)
    return hit


@lru_cache(maxsize=4096)
def _hits(folded: str, doc_type: str) -> tuple[_Hit, ...]:
    pattern, owners = _label_pattern(doc_type)
    hits = [_with_word_before(folded, _Hit(owners[m.group(1)], m.start(), m.end()), owners)
            for m in pattern.finditer(folded)]
    hits = sorted(hits + _fuzzy_hits(folded, owners, hits), key=lambda h: h.start)
    # The pattern already prefers the longest label at a position; merge a field's bilingual
    # repeats ("اسم الزوج / Husband's Name") into one hit.
    merged: list[_Hit] = []
    for hit in hits:
        if merged and merged[-1].field == hit.field and not folded[merged[-1].end:hit.start].strip(_SEPARATORS):
            merged[-1] = _Hit(hit.field, merged[-1].start, hit.end)
        else:
            merged.append(hit)
    return tuple(merged)


def labeled_values(text: str, doc_type: str) -> dict[str, str]:
    """Field name -> the raw value text printed after its label (first occurrence wins)."""
    lines = [clean(line) for line in text.splitlines()]
    lines = [line for line in lines if line]
    found: dict[str, str] = {}
    for i, line in enumerate(lines):
        folded = fold_keep_positions(line)
        hits = _hits(folded, doc_type)
        for j, hit in enumerate(hits):
            stop = hits[j + 1].start if j + 1 < len(hits) else len(line)
            value = line[hit.end:stop].strip(_SEPARATORS)
            if (not value and len(hits) == 1 and re.search("[A-Za-z]", line[:hit.start])
                    and _ARABIC.search(folded[hit.start:hit.end])):
                # A right-to-left line with a Latin value comes out value-first: "Rajesh Kumar : العامل".
                # Before a Latin label ("Given names / Prénoms") is that label's other wording, not a value.
                value = line[:hit.start].strip(_SEPARATORS)
            if not value and j + 1 == len(hits) and i + 1 < len(lines):
                following = lines[i + 1]
                if not _hits(fold_keep_positions(following), doc_type) and not _is_title(following):
                    value = following.strip(_SEPARATORS)
            if value and hit.field not in found:
                found[hit.field] = value
    return found


def _is_title(line: str) -> bool:
    """A document title ("Birth Certificate") is never a field's value."""
    folded = fold(line)
    return any(fold(word) == folded for words in vocabulary()["type_words"].values() for word in words) or \
        folded.endswith(("certificate", "contract"))


def label_only(line: str, doc_type: str) -> str | None:
    """The field whose label `line` is, when it holds that label and nothing else."""
    line = clean(line)
    folded = fold_keep_positions(line)
    hits = _hits(folded, doc_type)
    if len(hits) == 1 and not (line[:hits[0].start] + line[hits[0].end:]).strip(_SEPARATORS):
        return hits[0].field
    return None


def label_count(text: str, doc_type: str) -> int:
    """How many different fields of `doc_type` have a label in the text (evidence for the type)."""
    folded = fold_keep_positions(clean(text))
    return len({hit.field for hit in _hits(folded, doc_type)})
