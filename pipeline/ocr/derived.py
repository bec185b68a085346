"""Data derived from installed files once and kept on disk: the digit templates (rendered from the
fonts) and the Arabic word list (unpacked from the `ara` model) cost a new process 0.7 s of CPU to
build, more than half of what a one-page document's own reading costs.

An entry's name is a hash of its sources (path, size, modification time) and of the source of the
module that builds it, so a new font, model or builder makes a new entry. One that cannot be read back
is rebuilt; a data directory that cannot be written only costs the saving.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from pipeline.ocr.cache import write_atomically
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
    data = dump(value)
    with contextlib.suppress(OSError):
        write_atomically(path, data)
    return value
