"""Crops of one page image read by Tesseract, many in one run.

The second readings read dozens of small crops of a page; started one Tesseract each, loading the
models cost more than reading the crop. A pass first says which crops it will probably read
(`prefetch`): they are read in one Tesseract run per setting (languages, page segmentation,
whitelist). Its reads (`read`) then come from those readings, and a crop nobody foresaw is read
on its own, so what a pass decides never depends on what was foreseen.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from PIL import Image

from pipeline.ocr import engine, preprocess


class Crop(NamedTuple):
    """A box (left, top, right, bottom, in page pixels, inside the page) and how to read it."""

    box: tuple[int, int, int, int]
    languages: str
    psm: int
    whitelist: str | None = None
    scale: float = 1.0  # enlarged before reading (some lines read right only at twice the size)
    padding: int | None = None  # white added around it after enlarging; None: the reader's own


class CropReader:
    """Reads crops of `image`, each once, padded with `padding` pixels of white."""

    def __init__(self, image: Image.Image, padding: int) -> None:
        self.image = image
        self.padding = padding
        self._read: dict[Crop, engine.Reading] = {}

    def crop(self, box: tuple[int, int, int, int], languages: str, psm: int, whitelist: str | None = None) -> Crop:
        """`box` (which may reach past the page's edges) clipped to the page."""
        left, top, right, bottom = box
        return Crop((max(0, left), max(0, top), min(self.image.width, right), min(self.image.height, bottom)),
                    languages, psm, whitelist)

    def prefetch(self, crops: Iterable[Crop]) -> None:
        """Read every crop not read yet: one Tesseract run per setting."""
        settings: dict[tuple[str, int, str | None], list[Crop]] = {}
        for crop in dict.fromkeys(crops):
            if crop not in self._read:
                settings.setdefault((crop.languages, crop.psm, crop.whitelist), []).append(crop)
        for (languages, psm, whitelist), group in settings.items():
            images = [preprocess.pad(self._enlarged(crop), self._padding(crop)) for crop in group]
            for crop, reading in zip(group, engine.read_many(images, languages, psm, whitelist), strict=True):
                self._read[crop] = reading.to_original(crop.scale, self._padding(crop), crop.box[:2])

    def _padding(self, crop: Crop) -> int:
        return self.padding if crop.padding is None else crop.padding

    def _enlarged(self, crop: Crop) -> Image.Image:
        image = self.image.crop(crop.box)
        if crop.scale == 1.0:
            return image
        size = (round(image.width * crop.scale), round(image.height * crop.scale))
        return image.resize(size, Image.Resampling.BICUBIC)

    def read(self, crop: Crop) -> engine.Reading:
        """The crop's reading, in page pixels."""
        self.prefetch([crop])
        return self._read[crop]
