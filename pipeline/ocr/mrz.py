"""Finding and reading the machine-readable zone (ICAO 9303) of passport and ID pages.

The page read finds the zone by geometry: long lines of capitals, digits and filler in the lower
half of the page. That area is then read again with the English model restricted to the MRZ
alphabet (OCR-B has no Arabic and no lower case), which fixes most `<` and O/0 confusions.
"""

from __future__ import annotations

import re

import numpy as np
from PIL import Image

from pipeline.ocr.engine import MRZ_ALPHABET, PSM_AUTO, PSM_BLOCK, Line, read
from pipeline.ocr.preprocess import dark_ink_mask

# How the filler `<` comes out of a page read: guillemets, and `>` when the Arabic model mirrors it.
_FILLER_LOOKALIKES = "«‹»›>"
# Filler characters in a lower-half line that make the zone worth a closer look.
_FILLER_HINT = 3
# TD1 cards have 3 lines of 30 characters, TD2 documents 2 of 36, TD3 passports 2 of 44.
MRZ_LENGTHS = (30, 36, 44)
# Character height the zone is scaled to before the re-read (OCR-B reads best well above 20 px).
_MRZ_CHAR_HEIGHT = 40
# How the zone is read, in turn, until a reading is clean. The English model reads some fonts' 7 as
# a slash: allowed, it comes out as `/` (extraction resolves it by position); not allowed, the 7 is
# sometimes read right and sometimes dropped, shifting every field after it. Then smaller.
# Last, when no reading had a standard length, only the ink darker than the rest: a stamp or security
# printing across the zone drops out.
_ATTEMPTS = ((_MRZ_CHAR_HEIGHT, MRZ_ALPHABET + "/", False), (_MRZ_CHAR_HEIGHT, MRZ_ALPHABET, False),
             (30, MRZ_ALPHABET + "/", False), (_MRZ_CHAR_HEIGHT, MRZ_ALPHABET + "/", True))
# A zone whose characters stand this many times taller than an attempt's height is shrunk to it too:
# a small photo enlarged to read its page blurs the zone, and its letters read better smaller.
_OVERSIZE = 1.5
# A TD3 zone (44 OCR-B characters, each about 0.7 of its height wide) spans about 90% of its page's
# width: the page is about this many character heights wide.
_ZONE_WIDTH_IN_CHAR_HEIGHTS = 34


def _compact(text: str) -> str:
    return "".join(text.split()).upper().translate(str.maketrans(_FILLER_LOOKALIKES, "<" * len(_FILLER_LOOKALIKES)))


# The start of a name line (TD3/TD2): document code, issuing state, surname, then the `<<` that ends it.
# A short name's line is mostly filler, which OCR often cuts short, so it is recognised by this start.
_NAME_LINE = re.compile(r"[PIACV][A-Z<][A-Z<]{3}[A-Z]+(<[A-Z]+)*<<")


def looks_like_mrz(text: str) -> bool:
    """A line that could be an MRZ line: long (or a name line's start), almost only A-Z 0-9 <, with
    filler characters."""
    compact = _compact(text)
    if compact.count("<") < 2 or (len(compact) < 25 and not _NAME_LINE.match(compact)):
        return False
    return sum(c in MRZ_ALPHABET for c in compact) >= 0.9 * len(compact)


def _fit_filler(line: str, target: int, names: bool) -> str:
    """OCR cannot count long runs of `<`: a line ending in filler gets its trailing filler padded or
    trimmed to the zone's length; a line with check digits only when it is a few characters off, a
    name line (no check digit covers it) however much filler was lost."""
    off = len(line) - target
    if off and line.endswith("<") and len(line.rstrip("<")) <= target and (abs(off) <= 3 or (names and off < 0)):
        return line.rstrip("<").ljust(target, "<")
    return line


def mrz_lines(texts: list[str]) -> list[str] | None:
    """The MRZ among lines of text, spaces removed, or None: the last 3 lines when they are ~30 long
    (TD1 cards), else the last 2 (TD2 lines are 36 long, TD3 passports 44)."""
    found = [_compact(t) for t in texts if looks_like_mrz(t)]
    if len(found) < 2:
        return None
    # The zone's length: the standard length nearest its longest line (the one least likely cut short).
    target = _zone_length(found)
    count = 3 if len(found) >= 3 and all(abs(len(line) - 30) <= 3 for line in found[-3:]) else 2
    zone = found[-count:]
    # TD1's names are its last line; TD2's and TD3's their first.
    names = count - 1 if count == 3 else 0
    return [_fit_filler(line, target, i == names) for i, line in enumerate(zone)]


def read_mrz(image: Image.Image, lines: list[Line], unsure: bool = False) -> list[str] | None:
    """Re-read the zone that the page read placed in the lower half of the page, or None.

    When the page read shows filler-like characters in the lower half but no clean MRZ lines (small
    or blurred zones), or could hardly read the page at all (`unsure`: a small, busy photo of a data
    page), the whole lower part of the page is re-read instead."""
    lower = [line for line in lines if line.box[1] > image.height * 0.45]
    candidates = [line for line in lower if looks_like_mrz(line.text)]
    if len(candidates) >= 2:
        left = min(line.box[0] for line in candidates)
        top = min(line.box[1] for line in candidates)
        right = max(line.box[0] + line.box[2] for line in candidates)
        bottom = max(line.box[1] + line.box[3] for line in candidates)
        margin = max(line.box[3] for line in candidates)
        zone = (max(0, left - margin), max(0, top - margin), min(image.width, right + margin),
                min(image.height, bottom + margin))
        char_height = sum(line.box[3] for line in candidates) / len(candidates)
    elif any(sum(_compact(line.text).count(c) for c in "<") >= _FILLER_HINT for line in lower):
        zone = (0, int(image.height * 0.55), image.width, image.height)
        char_height = max((line.box[3] for line in lower), default=_MRZ_CHAR_HEIGHT)
    elif unsure:
        zone = (0, int(image.height * 0.55), image.width, image.height)
        # Nothing on the page to measure: assume a data page, whose zone spans its width.
        char_height = image.width / _ZONE_WIDTH_IN_CHAR_HEIGHTS
    else:
        return None
    crop = image.crop(zone)
    readings: list[list[str]] = []
    # OCR-B characters come out differently at different sizes and alphabets (some fonts' 7 is read as
    # `/`, and dropped when `/` is not allowed), so the zone is read until one reading is clean: only
    # MRZ characters, and a data line of a standard length. The choice is by shape only, never by
    # check digits: picking whichever reading makes a check digit hold would let a misread "repair"
    # a document whose printed check digit is wrong.
    page_read = mrz_lines([line.text for line in candidates])
    tried = set()
    for height, alphabet, dark_only in _ATTEMPTS:
        scaled = _darkest_ink(crop) if dark_only else crop
        if char_height < height or char_height > _OVERSIZE * height:
            factor = height / max(char_height, 1)
            scaled = scaled.resize((round(crop.width * factor), round(crop.height * factor)), Image.Resampling.LANCZOS)
        if (scaled.size, alphabet, dark_only) in tried:
            continue  # a zone already its size needs no rescaling for a smaller height: the same read
        tried.add((scaled.size, alphabet, dark_only))
        # Layout analysis first; a small or noisy zone is sometimes only found as one uniform block.
        for psm in (PSM_AUTO, PSM_BLOCK):
            found = mrz_lines([line.text for line in read(scaled, "eng", psm, whitelist=alphabet).lines])
            if found:
                break
        if found and dark_only and _zone_length(found) < _zone_length(*readings):
            break  # the darkest ink alone lost filler: a TD3 zone read 36 long is no TD2
        if found and _clean(found):
            return found
        readings += [found] if found else []
    return next((r for r in readings if _standard_length(r)), readings[0] if readings else page_read)


def _darkest_ink(image: Image.Image) -> Image.Image:
    """Black where the ink is darker than a patterned background or a stamp, white elsewhere."""
    return Image.fromarray(np.where(dark_ink_mask(image), 0, 255).astype(np.uint8))


def _zone_length(*readings: list[str]) -> int:
    """The standard line length nearest the longest line read (0 when nothing was read)."""
    longest = max((len(line) for lines in readings for line in lines), default=0)
    return min(MRZ_LENGTHS, key=lambda n: abs(longest - n)) if longest else 0


def _standard_length(lines: list[str]) -> bool:
    """A data line (the last) as long as the zone's format says; name lines often lose filler."""
    return (len(lines), len(lines[-1])) in ((3, 30), (2, 36), (2, 44))


def _clean(lines: list[str]) -> bool:
    return _standard_length(lines) and all(c in MRZ_ALPHABET for line in lines for c in line)
