"""`wathiqa extract` as DESIGN states it: JSON Lines with "file", bad input one line and non-zero exit."""

import json
import subprocess
import sys
from pathlib import Path

from tests.fixtures.documents import AS_OF, make_document


def _wathiqa(*args):
    # The installed entry point, as users run it (python -m would load the CLI module twice).
    return subprocess.run([str(Path(sys.executable).parent / "wathiqa"), *args], capture_output=True, text=True,
                          timeout=300)


def test_several_files_give_json_lines_in_order(tmp_path):
    files = [make_document(tmp_path, name, doc_type, seed=5).file
             for name, doc_type in (("a", "marriage_certificate"), ("b", "employment_contract"))]
    done = _wathiqa("extract", "--json", "--as-of", AS_OF.isoformat(), *(str(tmp_path / f) for f in files))
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["file"] for r in records] == [str(tmp_path / f) for f in files]
    for record in records:
        assert set(record) >= {"file", "sha256", "mime", "pages", "doc_type", "declared_type", "fields", "checks",
                               "status", "ocr"}
        assert record["status"] in ("verified", "needs_review", "rejected")
        assert all(set(c) == {"name", "outcome", "detail"} for c in record["checks"])


def test_bad_input_one_line_reason_and_nonzero_exit(tmp_path):
    bad = tmp_path / "letter.txt"
    bad.write_text("hello\n")
    done = _wathiqa("extract", str(bad), str(tmp_path / "missing.pdf"))
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("wathiqa extract: ") for line in lines)


def test_bad_input_in_json_mode_is_a_rejected_record(tmp_path):
    bad = tmp_path / "letter.txt"
    bad.write_text("hello\n")
    done = _wathiqa("extract", "--json", str(bad))
    (record,) = [json.loads(line) for line in done.stdout.splitlines()]
    assert record["status"] == "rejected" and any(c["outcome"] == "fail" for c in record["checks"])
    assert done.returncode != 0 and "Traceback" not in done.stderr


def test_bad_as_of_is_one_line():
    done = _wathiqa("extract", "--as-of", "yesterday", "x.png")
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "--as-of" in done.stderr
