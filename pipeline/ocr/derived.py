"""Data derived from installed files once and kept on disk: the digit templates (rendered from the
fonts) and the Arabic word list (unpacked from the `ara` model) cost a new process 0.7 s of CPU to
build, more than half of what a one-page document's own reading costs.

An entry's name is a hash of its sources (path, size, modification time) and of the source of the
module that builds it, so a new font, model or builder makes a new entry. One that cannot be read back
is rebuilt; a data directory that cannot be written only costs the saving.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from pipeline.settings import get_settings

T = TypeVar("T")


def entry_key(name: str, sources: Iterable[Path], builder: str) -> str:
    """Hash of what the entry is made from; `builder` is the path of the module that builds it."""
    stats = [(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in sources]
    code = hashlib.sha256(Path(builder).read_bytes()).hexdigest()
    return hashlib.sha256(json.dumps([name, stats, code]).encode()).hexdigest()[:32]


def stored(name: str, sources: Iterable[Path], builder: str, build: Callable[[], T],
           dump: Callable[[T], bytes], load: Callable[[bytes], T]) -> T:
    """The entry loaded from disk, or built and kept."""
    try:
        path = get_settings().path("cache", "derived", f"{name}-{entry_key(name, sources, builder)}")
    except OSError:  # a source vanished between listing and hashing: build from what is there
        return build()
    try:
        return load(path.read_bytes())
    except Exception:  # missing, truncated or foreign: any damage is a miss
        pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    except OSError:
        return value
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(dump(value))
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
    return value
