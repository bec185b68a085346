"""Page images from files: decoded images with EXIF orientation, and PDF pages rasterised.

The pixel limit is checked from the header before any pixel is decoded, so a decompression bomb
is refused without allocating it.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from pipeline.ocr.errors import OcrError

POINTS_PER_INCH = 72
# A scanned page's own image is used when its pixel size is within this fraction of the size asked for.
_NATIVE_SIZE_TOLERANCE = 0.02
# Image dictionary entries that change how an image is drawn.
_DRAWING_KEYS = frozenset({"/Decode", "/SMask", "/Mask", "/ImageMask", "/OC", "/Alternates", "/SMaskInData"})


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
            scan = _scanned_jpeg(path, index, page, (width_pt * scale, height_pt * scale))
            return scan if scan is not None else page.render(scale=scale, grayscale=True).to_pil().convert("L")
    except pypdfium2.PdfiumError as exc:
        raise OcrError(f"PDF page {index + 1} cannot be rendered: {exc}") from None


def _scanned_jpeg(path: Path, index: int, page: Any, size: tuple[float, float]) -> Image.Image | None:
    """The page's image itself, when the page is nothing but one plain JPEG filling it at about the size
    asked for (the usual scanned page), else None. Decoding it straight to grayscale (libjpeg skips the
    colour planes) takes a tenth of the time of rendering the page, which decodes it in colour and
    resamples it onto itself."""
    import pikepdf
    import pypdfium2.raw as pdfium_c

    objects = list(page.get_objects(max_depth=1))
    if (page.get_rotation() or pdfium_c.FPDFPage_GetAnnotCount(page.raw)  # annotations are drawn too
            or len(objects) != 1 or objects[0].type != pdfium_c.FPDF_PAGEOBJ_IMAGE):
        return None
    drawn = objects[0]
    a, b, c, d, _, _ = drawn.get_matrix().get()
    width, height = drawn.get_px_size()
    clip = pdfium_c.FPDFPageObj_GetClipPath(drawn.raw)
    if (b or c or a <= 0 or d <= 0 or (clip and pdfium_c.FPDFClipPath_CountPaths(clip) > 0)
            or any(abs(got - want) > 1 for got, want in zip(drawn.get_bounds(), page.get_cropbox(), strict=True))
            or abs(width - size[0]) > _NATIVE_SIZE_TOLERANCE * size[0]
            or abs(height - size[1]) > _NATIVE_SIZE_TOLERANCE * size[1]):
        return None
    # pdfium does not show the image's dictionary: anything there that changes how it is drawn (an
    # inverting /Decode, a mask, optional content, another colour space) means rendering the page.
    try:
        with pikepdf.open(path) as pdf:
            xobjects = pdf.pages[index].obj.get("/Resources", {}).get("/XObject", {})
            if len(xobjects) != 1:
                return None
            (image,) = xobjects.values()
            if (image.get("/Subtype") != "/Image" or image.get("/Filter") != "/DCTDecode"
                    or image.get("/ColorSpace") not in ("/DeviceGray", "/DeviceRGB")
                    or image.get("/BitsPerComponent") != 8 or _DRAWING_KEYS & set(image.keys())):
                return None
            data = image.read_raw_bytes()
    except (pikepdf.PdfError, pikepdf.PasswordError):
        return None  # pdfium reads what pikepdf does not: render it
    try:
        jpeg = Image.open(io.BytesIO(data))  # not closed: closing would free the decoded pixels
        if jpeg.format != "JPEG" or jpeg.mode not in ("L", "RGB") or jpeg.size != (width, height):
            return None
        jpeg.draft("L", jpeg.size)
        jpeg.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        return None
    return jpeg if jpeg.mode == "L" else jpeg.convert("L")


def _open_pdf(path: Path) -> closing:
    import pypdfium2

    return closing(pypdfium2.PdfDocument(str(path)))


def _register_heif() -> None:
    # Registering is idempotent; done on use so importing this module changes nothing.
    from pillow_heif import register_heif_opener

    register_heif_opener()
