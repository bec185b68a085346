"""Images: decodable to the last byte, within the pixel limit (decompression bombs) and page limit."""

from __future__ import annotations

import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from pipeline.models import Check


def _register_heif() -> None:
    from pillow_heif import register_heif_opener

    register_heif_opener()


def inspect_image(path: Path, max_pixels: int, max_pages: int) -> tuple[int, list[Check]]:
    """(frame count, checks); decodes every frame fully, so truncated files fail here, not in OCR."""
    _register_heif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow's notes on damaged metadata: the checks below decide
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                frames = getattr(image, "n_frames", 1)
                if frames > max_pages:
                    return frames, [Check("page_count", "fail", f"{frames} pages, over the {max_pages}-page limit")]
                for index in range(frames):
                    image.seek(index)
                    width, height = image.size
                    if width * height > max_pixels:
                        return frames, [
                            Check(
                                "pixel_limit",
                                "fail",
                                f"{width}x{height} pixels is over the {max_pixels:,}-pixel limit (decompression bomb?)",
                            )
                        ]
                    if image.format == "JPEG":
                        # Decode at 1/8 scale: every byte of the scan is still read (truncation fails),
                        # at a 64th of the memory.
                        image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
                    image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own guard fired first (the image is far over even its limit).
        detail = f"the image is over the {max_pixels:,}-pixel limit (decompression bomb?): {exc}"
        return 0, [Check("pixel_limit", "fail", detail.splitlines()[0])]
    except Exception as exc:
        return 0, [Check("image_readable", "fail", f"the image is corrupt or truncated ({_why(exc)})")]
    return frames, [
        Check("image_readable", "pass", f"{frames} frame(s) decoded"),
        Check("pixel_limit", "pass", f"within {max_pixels:,} pixels per page"),
        Check("page_count", "pass", f"{frames} of at most {max_pages} pages"),
    ]


def _why(exc: Exception) -> str:
    """Pillow's own words ("image file is truncated"), but never its file path."""
    if isinstance(exc, UnidentifiedImageError) or not str(exc):
        return "unrecognised image data" if isinstance(exc, UnidentifiedImageError) else type(exc).__name__
    return str(exc).splitlines()[0][:160]
