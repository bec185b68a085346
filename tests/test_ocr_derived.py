"""Data derived from installed files (digit templates, the Arabic word list) is built once an install,
kept on disk under the data directory, and rebuilt when its sources or builder change or it is damaged."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from pipeline.ocr import derived, indic_digits, word_check
from pipeline.settings import get_settings


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("WATHIQA_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


class Builds:
    """A builder that counts its calls."""

    def __init__(self, value: str) -> None:
        self.value, self.calls = value, 0

    def __call__(self) -> str:
        self.calls += 1
        return self.value


def fetch(source: Path, build: Builds) -> str:
    return derived.stored("words", [source], __file__, build, str.encode, bytes.decode)


def test_an_entry_is_built_once_then_read_from_disk(data_dir: Path, tmp_path: Path):
    source = tmp_path / "model"
    source.write_bytes(b"model v1")
    build = Builds("alpha beta")
    assert fetch(source, build) == "alpha beta"
    assert fetch(source, build) == "alpha beta"
    assert build.calls == 1
    assert len(list((data_dir / "cache" / "derived").iterdir())) == 1


def test_a_changed_source_makes_a_new_entry(data_dir: Path, tmp_path: Path):
    source = tmp_path / "model"
    source.write_bytes(b"model v1")
    fetch(source, Builds("old"))
    source.write_bytes(b"model v2!")
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 10**9))
    assert fetch(source, Builds("new")) == "new"


def test_a_damaged_entry_is_rebuilt(data_dir: Path, tmp_path: Path):
    source = tmp_path / "model"
    source.write_bytes(b"model v1")
    fetch(source, Builds("alpha"))
    [entry] = (data_dir / "cache" / "derived").iterdir()
    entry.write_bytes(b"\xff\xfe not utf-8")
    build = Builds("alpha")
    assert fetch(source, build) == "alpha"
    assert build.calls == 1
    assert entry.read_bytes() == b"alpha"


def test_an_unwritable_data_directory_only_costs_the_saving(tmp_path: Path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the data directory should be")
    monkeypatch.setenv("WATHIQA_DATA_DIR", str(blocked))
    get_settings.cache_clear()
    try:
        source = tmp_path / "model"
        source.write_bytes(b"model v1")
        assert fetch(source, Builds("alpha")) == "alpha"
    finally:
        get_settings.cache_clear()


def test_digit_templates_read_back_are_the_ones_built(data_dir: Path):
    indic_digits.default_templates.cache_clear()
    try:
        built = indic_digits.default_templates()  # built and kept
        indic_digits.default_templates.cache_clear()
        stored = indic_digits.default_templates()  # read back
    finally:
        indic_digits.default_templates.cache_clear()
    fresh = indic_digits.build_templates(indic_digits.digit_fonts())
    assert any(p.name.startswith("digit-templates-") for p in (data_dir / "cache" / "derived").iterdir())
    assert stored is not built
    assert np.array_equal(stored.features, fresh.features)
    assert stored.classes == fresh.classes
    assert np.array_equal(stored.starts, fresh.starts)


def test_the_word_list_read_back_is_the_one_unpacked(data_dir: Path):
    word_check.dictionary.cache_clear()
    try:
        word_check.dictionary()
        word_check.dictionary.cache_clear()
        stored = word_check.dictionary()
    finally:
        word_check.dictionary.cache_clear()
    unpacked = word_check._unpack_words(word_check.engine.tessdata_dir() / "ara.traineddata")
    assert len(unpacked) > 50_000
    assert stored == unpacked
