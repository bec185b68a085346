"""Text from a PDF's own text layer (born-digital pages), in logical reading order.

Many PDF producers write Arabic glyphs in visual order (left to right as drawn), so a plain text
extraction reads every Arabic word backwards. Arabic spelling gives that away: taa marbuta (ة) only
ends words and the article (ال) only starts them, so a page whose words mostly start with ة or end
with لا is in visual order and is turned back into logical order run by run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.ocr.arabic import normalize_text

_CID = re.compile(r"\(cid:\d+\)")
_ARABIC_LETTER = re.compile("[\u0621-\u064a\u066e-\u06d3\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN_LETTER = re.compile("[A-Za-z]")
# Left-to-right runs inside an Arabic line: Latin words and numbers, with the separators inside them.
_LTR_RUN = re.compile(r"[A-Za-z0-9٠-٩۰-۹](?:[A-Za-z0-9٠-٩۰-۹.,:/\-_+@ ]*[A-Za-z0-9٠-٩۰-۹])?")
_MIRROR = str.maketrans("()[]{}<>«»", ")(][}{><»«")
# Below these, a layer is too thin or too broken to trust over OCR.
MIN_USABLE_CHARS = 20
MAX_GARBAGE_RATIO = 0.1


@dataclass(frozen=True)
class LayerPage:
    text: str  # logical order, normalised; "" when the page has no usable layer
    usable: bool


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^\u0621-\u064a]+", text) if len(w) >= 2]


def is_visual_order(text: str) -> bool:
    """True when Arabic words in `text` read backwards (see the module note)."""
    logical = visual = 0
    for word in _words(text):
        logical += word.startswith("ال") + word.endswith("ة")
        visual += word.endswith("لا") + word.startswith("ة")
    return visual > logical


def visual_to_logical(line: str) -> str:
    """One line drawn left to right back to logical order, keeping Latin words and numbers intact."""
    runs: list[tuple[bool, str]] = []  # (is_ltr, text)
    pos = 0
    for match in _LTR_RUN.finditer(line):
        if match.start() > pos:
            runs.append((False, line[pos : match.start()]))
        runs.append((True, match.group()))
        pos = match.end()
    if pos < len(line):
        runs.append((False, line[pos:]))
    flipped = [(ltr, text if ltr else text[::-1].translate(_MIRROR)) for ltr, text in runs]
    arabic = len(_ARABIC_LETTER.findall(line))
    if arabic >= len(_LATIN_LETTER.findall(line)):
        flipped.reverse()  # a right-to-left paragraph: the rightmost run comes first
    return "".join(text for _, text in flipped).strip()


def page_layer(raw: str) -> LayerPage:
    """Judge and repair the raw text of one page's layer."""
    garbage = len(_CID.findall(raw))
    text = _CID.sub("", raw)
    chars = sum(not c.isspace() for c in text)
    if chars < MIN_USABLE_CHARS or garbage > MAX_GARBAGE_RATIO * chars or "\ufffd" * 3 in text:
        return LayerPage("", usable=False)
    if is_visual_order(text):
        text = "\n".join(visual_to_logical(line) for line in text.splitlines())
    return LayerPage(normalize_text(text), usable=True)


def read_layers(path: Path) -> list[LayerPage]:
    """Every page's text layer, judged usable or not (a PDF without a layer gives all unusable)."""
    import pdfplumber
    from pdfplumber.utils import chars_to_textmap

    with pdfplumber.open(path) as pdf:
        pages = []
        for page in pdf.pages:
            # pdfplumber's own `page.extract_text()` first turns every object on the page (characters,
            # lines, curves) into a dict of ~20 resolved attributes, which costs more than parsing the
            # page; the text needs only each character's box, so the same extraction runs on those.
            chars = list(_chars(page))
            text = chars_to_textmap(chars, layout_bbox=page.bbox, layout_width=page.width,
                                    layout_height=page.height).as_string if chars else ""
            pages.append(page_layer(text))
            page.close()  # pdfplumber keeps parsed objects per page until closed
        return pages


def _chars(page: Any) -> Iterator[dict[str, Any]]:
    """The page's characters as pdfplumber describes them (top-left origin, shifted by the MediaBox),
    with only the attributes its text extraction reads."""
    from pdfminer.layout import LTChar, LTContainer

    left, top = page.mediabox[:2]
    stack = list(reversed(page.layout._objs))
    while stack:
        obj = stack.pop()
        if isinstance(obj, LTContainer):  # a figure: its characters are the page's too, in order
            stack.extend(reversed(obj._objs))
        elif isinstance(obj, LTChar):
            char_top = page.height - obj.y1 + top
            yield {"text": obj.get_text(), "x0": obj.x0 + left, "x1": obj.x1 + left, "top": char_top,
                   "bottom": page.height - obj.y0 + top, "doctop": page.initial_doctop + char_top,
                   "upright": obj.upright, "width": obj.width, "height": obj.height, "size": obj.size}
