"""Content hashes of files (kept apart from the blob store so that reading a file's hash does not load
the S3 client: `wathiqa extract` needs the one, not the other)."""

from __future__ import annotations

import hashlib
from pathlib import Path

CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    """Streamed, so memory stays constant whatever the file size."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
