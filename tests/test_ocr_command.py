"""`wathiqa ocr [--json] FILE...` as DESIGN states it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.settings import get_settings
from tests.fixtures.pages import ARABIC_LINES, arabic_pdf, bomb_png


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("WATHIQA_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_json_line_per_file_with_the_contract_fields(tmp_path: Path, capsys):
    pdf = arabic_pdf(tmp_path / "birth.pdf", ARABIC_LINES)
    assert main(["ocr", "--json", str(pdf)]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    record = json.loads(line)
    assert set(record) == {"file", "text", "pages", "mean_confidence", "seconds"}
    assert record["file"] == str(pdf) and record["pages"] == 1 and record["mean_confidence"] == 100.0
    assert record["text"].startswith("شهادة ميلاد")


def test_bad_files_get_one_line_reasons_and_rejected_records(tmp_path: Path, capsys):
    pdf = arabic_pdf(tmp_path / "birth.pdf", ARABIC_LINES)
    bomb = bomb_png(tmp_path / "bomb.png")
    missing = tmp_path / "missing.png"
    assert main(["ocr", "--json", str(bomb), str(missing), str(pdf)]) == 1
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["file"] for r in records] == [str(bomb), str(missing), str(pdf)]
    assert records[0]["status"] == "rejected"
    assert "over the limit" in records[0]["checks"][0]["detail"]
    assert records[1]["checks"][0]["outcome"] == "fail"
    assert len(err.strip().splitlines()) == 2 and "Traceback" not in err
