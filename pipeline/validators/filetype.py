"""What a file really is: size, type by content (never by name or declared MIME), extension, polyglots."""

from __future__ import annotations

from pathlib import Path

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
ZIP_MARKERS = (b"PK\x03\x04", b"PK\x05\x06")
SNIFF_BYTES = 1 << 16


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
    """A file that is also a ZIP archive (a classic way to smuggle content past type checks)."""
    with open(path, "rb") as f:
        head = f.read(SNIFF_BYTES)
        f.seek(0, 2)
        size = f.tell()
        f.seek(max(0, size - SNIFF_BYTES))
        tail = f.read()
    if any(marker in head or marker in tail for marker in ZIP_MARKERS):
        return Check("polyglot", "fail", f"the {mime} file also contains a ZIP archive")
    return Check("polyglot", "pass", "no second format found")
