"""Finding and reading the machine-readable zone (ICAO 9303) of passport and ID pages.

The page read finds the zone by geometry: long lines of capitals, digits and filler in the lower
half of the page. That area is then read again with the English model restricted to the MRZ
alphabet (OCR-B has no Arabic and no lower case), which fixes most `<` and O/0 confusions.
"""

from __future__ import annotations

from PIL import Image

from pipeline.ocr.engine import MRZ_ALPHABET, PSM_AUTO, Line, read

_FILLER_LOOKALIKES = "«‹"


def _compact(text: str) -> str:
    return "".join(text.split()).upper().translate(str.maketrans(_FILLER_LOOKALIKES, "<" * len(_FILLER_LOOKALIKES)))


def looks_like_mrz(text: str) -> bool:
    """A line that could be an MRZ line: long, almost only A-Z 0-9 <, with filler characters."""
    compact = _compact(text)
    if len(compact) < 25 or compact.count("<") < 2:
        return False
    return sum(c in MRZ_ALPHABET for c in compact) >= 0.9 * len(compact)


def mrz_lines(texts: list[str]) -> list[str] | None:
    """The MRZ among lines of text, spaces removed, or None: the last 3 lines when they are ~30 long
    (TD1 cards), else the last 2 (TD2 lines are 36 long, TD3 passports 44)."""
    found = [_compact(t) for t in texts if looks_like_mrz(t)]
    if len(found) < 2:
        return None
    count = 3 if len(found) >= 3 and all(abs(len(line) - 30) <= 3 for line in found[-3:]) else 2
    return found[-count:]


def read_mrz(image: Image.Image, lines: list[Line]) -> list[str] | None:
    """Re-read the zone that the page read placed in the lower half of the page, or None."""
    candidates = [line for line in lines if looks_like_mrz(line.text) and line.box[1] > image.height * 0.45]
    if len(candidates) < 2:
        return None
    left = min(line.box[0] for line in candidates)
    top = min(line.box[1] for line in candidates)
    right = max(line.box[0] + line.box[2] for line in candidates)
    bottom = max(line.box[1] + line.box[3] for line in candidates)
    margin = max(line.box[3] for line in candidates)
    crop = image.crop((max(0, left - margin), max(0, top - margin),
                       min(image.width, right + margin), min(image.height, bottom + margin)))
    reread = read(crop, "eng", PSM_AUTO, whitelist=MRZ_ALPHABET)
    return mrz_lines([line.text for line in reread.lines]) or mrz_lines([line.text for line in candidates])
