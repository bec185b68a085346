"""Tesseract kept loaded in a worker process reads exactly as the `tesseract` command does."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from pipeline.ocr import OcrError, engine
from tests.fixtures.pages import ARABIC_LINES, ENGLISH_LINES, text_page
from tests.processes import tesseract_children

PAGE = (1400, 700)


def _command_tsv(image: Image.Image, folder: Path, languages: str, psm: int, whitelist: str | None) -> str:
    path = folder / "image.bmp"
    image.save(path, dpi=(engine.UNKNOWN_RESOLUTION, engine.UNKNOWN_RESOLUTION))
    options = ["-c", f"tessedit_char_whitelist={whitelist}"] if whitelist else []
    done = subprocess.run(["tesseract", str(path), "stdout", "-l", languages, "--psm", str(psm), *options, "tsv"],
                          capture_output=True, text=True, check=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    return done.stdout


def test_one_worker_reads_each_setting_in_turn_as_the_command_reads_it(tmp_path: Path):
    page = text_page([ARABIC_LINES[0], ENGLISH_LINES[0], "Date 12/03/2024"], size=PAGE, font_px=48)
    line = page.crop((0, 0, PAGE[0], 300))
    # A whitelist, then none: a setting of one run must not linger into the next.
    settings = [("ara+eng", engine.PSM_AUTO, None, page), ("eng", engine.PSM_BLOCK, "0123456789/", line),
                ("eng", engine.PSM_BLOCK, None, line), ("ara", engine.PSM_SINGLE_LINE, None, line)]
    for languages, psm, whitelist, image in settings:
        expected = engine._reading(engine._rows(_command_tsv(image, tmp_path, languages, psm, whitelist)))
        assert engine.read(image, languages, psm, whitelist) == expected
        assert expected.words  # each setting read something, so the comparison means something


def test_a_worker_that_died_is_replaced_and_one_that_dies_mid_run_gives_a_reason():
    image = text_page([ENGLISH_LINES[0]], size=(1400, 200), font_px=48)
    first = engine.read(image, "eng", engine.PSM_SINGLE_LINE)
    worker = engine._worker()
    os.kill(worker.process.pid, signal.SIGKILL)
    worker.process.wait()
    assert engine.read(image, "eng", engine.PSM_SINGLE_LINE) == first  # a new worker started
    assert worker.process.pid not in tesseract_children()

    dying = engine._Worker()
    os.kill(dying.process.pid, signal.SIGKILL)
    dying.process.wait()
    with pytest.raises(OcrError, match=r"^tesseract failed: it stopped \(-9\)$"):
        dying.run(Path("/nonexistent/images.txt"), "eng", engine.PSM_SINGLE_LINE, None, Path("/nonexistent/words"))


def test_an_image_tesseract_cannot_open_is_a_reason_not_a_crash(tmp_path: Path):
    listing = tmp_path / "images.txt"
    listing.write_text(f"{tmp_path / 'missing.bmp'}\n")
    with pytest.raises(OcrError, match=r"^tesseract failed: cannot read the image$"):
        engine._worker().run(listing, "eng", engine.PSM_SINGLE_LINE, None, tmp_path / "words")
    assert engine.read(text_page([ENGLISH_LINES[0]], size=(1400, 200), font_px=48), "eng", engine.PSM_SINGLE_LINE).words
