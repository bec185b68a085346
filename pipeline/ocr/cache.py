"""On-disk cache of text results, keyed by content hash, engine fingerprint and reading settings.

Entries are JSON files written atomically; one that cannot be read back (truncated, edited, from an
older format) is treated as a miss and overwritten, never trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from pipeline.models import TextResult

# Bump when the text stage's output changes for the same input and engine.
PIPELINE_REVISION = 41


def cache_key(sha256: str, engine: str, settings_part: dict[str, object]) -> str:
    material = json.dumps(
        {"sha256": sha256, "engine": engine, "settings": settings_part, "revision": PIPELINE_REVISION},
        sort_keys=True,
    )
    return hashlib.sha256(material.encode()).hexdigest()


class TextCache:
    def __init__(self, root: Path):
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str, sha256: str) -> TextResult | None:
        try:
            result = TextResult.from_dict(json.loads(self._path(key).read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return result if result.sha256 == sha256 else None

    def put(self, key: str, result: TextResult) -> None:
        write_atomically(self._path(key), json.dumps(result.to_dict(), ensure_ascii=False).encode("utf-8"))


def write_atomically(path: Path, data: bytes) -> None:
    """`data` at `path`, written to a temporary file beside it and renamed: a reader sees the old entry
    or the new one, never half of one (also the derived-data cache's writer)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
