"""Page images from files: decoded images with EXIF orientation, and PDF pages rasterised.

The pixel limit is checked from the header before any pixel is decoded, so a decompression bomb
is refused without allocating it.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from pipeline.ocr.errors import OcrError

POINTS_PER_INCH = 72


def _check_pixels(width: int, height: int, limit: int, what: str) -> None:
    if width * height > limit:
        raise OcrError(f"{what} is {width}x{height} pixels, over the limit of {limit} pixels")


def image_frames(path: Path, max_pixels: int) -> int:
    """How many pages (frames) an image file holds, refusing oversized or undecodable files."""
    with _opened(path, max_pixels) as image:
        return getattr(image, "n_frames", 1)


@contextmanager
def _opened(path: Path, max_pixels: int) -> Iterator[Image.Image]:
    """Open an image (header only) after checking its size against our own pixel limit."""
    _register_heif()
    try:
        with warnings.catch_warnings():
            # Our limit is checked below; Pillow's own warning would only repeat it less clearly.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                _check_pixels(image.width, image.height, max_pixels, "image")
                yield image
    except Image.DecompressionBombError:
        raise OcrError(f"image has more pixels than the limit of {max_pixels} (decompression bomb)") from None
    except (UnidentifiedImageError, OSError) as exc:
        raise OcrError(f"image cannot be decoded: {exc}") from None


def load_image(path: Path, frame: int, max_pixels: int) -> Image.Image:
    """One frame as an upright 8-bit grayscale image (EXIF orientation applied)."""
    with _opened(path, max_pixels) as image:
        image.seek(frame)
        upright = ImageOps.exif_transpose(image)
        if upright.mode in ("RGBA", "LA", "P"):
            # Transparent areas are paper, not ink: flatten onto white before dropping colour.
            rgba = upright.convert("RGBA")
            upright = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
        return upright.convert("L")


def pdf_page_count(path: Path) -> int:
    import pypdfium2

    try:
        with _open_pdf(path) as pdf:
            return len(pdf)
    except pypdfium2.PdfiumError as exc:
        raise OcrError(f"PDF cannot be opened: {exc}") from None


def render_pdf_page(path: Path, index: int, dpi: int, max_pixels: int) -> Image.Image:
    """Rasterise one PDF page to grayscale at `dpi`, lowering the resolution for oversized pages."""
    import pypdfium2

    try:
        with _open_pdf(path) as pdf:
            page = pdf[index]
            width_pt, height_pt = page.get_size()
            scale = dpi / POINTS_PER_INCH
            pixels = width_pt * scale * height_pt * scale
            if pixels > max_pixels:
                scale *= (max_pixels / pixels) ** 0.5
            return page.render(scale=scale, grayscale=True).to_pil().convert("L")
    except pypdfium2.PdfiumError as exc:
        raise OcrError(f"PDF page {index + 1} cannot be rendered: {exc}") from None


def _open_pdf(path: Path) -> closing:
    import pypdfium2

    return closing(pypdfium2.PdfDocument(str(path)))


def _register_heif() -> None:
    # Registering is idempotent; done on use so importing this module changes nothing.
    from pillow_heif import register_heif_opener

    register_heif_opener()
