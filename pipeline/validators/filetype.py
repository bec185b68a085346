"""What a file really is: size, type by content (never by name or declared MIME), extension, polyglots."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

import magic

from pipeline.models import Check

ALLOWED = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg", ".jpe", ".jfif"),
    "image/png": (".png",),
    "image/tiff": (".tif", ".tiff"),
    "image/heic": (".heic", ".heif"),
    "image/heif": (".heic", ".heif"),
    "image/webp": (".webp",),
}
SNIFF_BYTES = 1 << 16
PDF_HEADER_WINDOW = 1024
ZIP_END, ZIP_END_SIZE = b"PK\x05\x06", 22
ZIP_CENTRAL = b"PK\x01\x02"
ZIP64_LOCATOR, ZIP64_LOCATOR_SIZE = b"PK\x06\x07", 20
ZIP_TAIL_WINDOW = ZIP_END_SIZE + 0xFFFF  # the end record plus the longest archive comment


def sniff_mime(path: Path) -> str:
    with open(path, "rb") as f:
        head = f.read(SNIFF_BYTES)
    return magic.from_buffer(head, mime=True)


def check_size(size: int, limit: int) -> Check:
    if size == 0:
        return Check("file_size", "fail", "the file is empty (0 bytes)")
    if size > limit:
        return Check("file_size", "fail", f"the file is {size:,} bytes, over the {limit:,}-byte limit")
    return Check("file_size", "pass", f"{size:,} bytes")


def check_type(mime: str) -> Check:
    if mime in ALLOWED:
        return Check("file_type", "pass", f"{mime} by content")
    return Check("file_type", "fail", f"file type {mime} is not allowed (PDF, JPEG, PNG, TIFF, HEIC or WebP only)")


def check_extension(mime: str, filename: str | None) -> Check:
    suffix = Path(filename).suffix.lower() if filename else ""
    if not suffix:
        return Check("extension_matches", "skip", "no file name extension to compare")
    if suffix in ALLOWED.get(mime, ()):
        return Check("extension_matches", "pass", f"{suffix} matches {mime}")
    return Check("extension_matches", "fail", f"the name says {suffix} but the content is {mime}")


def check_polyglot(path: Path, mime: str) -> Check:
    """A file that is also a second format, a classic way to smuggle content past type checks."""
    with open(path, "rb") as f:
        head = f.read(PDF_HEADER_WINDOW)
        f.seek(0, 2)
        size = f.tell()
        start = max(0, size - ZIP_TAIL_WINDOW)
        f.seek(start)
        tail = f.read()
        if _ends_in_zip(f, start, tail):
            return Check("polyglot", "fail", f"the {mime} file also contains a ZIP archive")
    # PDF readers accept the header anywhere in the first 1024 bytes, so an image can also open as a PDF.
    if mime != "application/pdf" and b"%PDF-" in head:
        return Check("polyglot", "fail", f"the {mime} file also opens as a PDF")
    return Check("polyglot", "pass", "no second format found")


def _ends_in_zip(f: BinaryIO, start: int, tail: bytes) -> bool:
    """True when the tail holds a ZIP end record whose central directory really is where it says.

    Unzip tools find an archive from its end, wherever it starts; checking the central directory's
    signature (not just the 4-byte end marker, which compressed image data contains by chance) keeps
    ordinary photos from being refused.
    """
    at = tail.rfind(ZIP_END)
    while at >= 0:
        record = tail[at : at + ZIP_END_SIZE]
        if len(record) == ZIP_END_SIZE:
            entries, cd_size = struct.unpack_from("<HI", record, 10)
            if tail[max(0, at - ZIP64_LOCATOR_SIZE) : at].startswith(ZIP64_LOCATOR):
                return True
            cd_start = start + at - cd_size
            if entries and cd_start >= 0:
                f.seek(cd_start)
                if f.read(4) == ZIP_CENTRAL:
                    return True
        at = tail.rfind(ZIP_END, 0, at)
    return False
