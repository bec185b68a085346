"""`wathiqa freshness` as a renewal clerk runs it: the person's records from the real index, then decide()."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest

from pipeline.cli import main as cli_main
from pipeline.freshness import decide, load_rules
from pipeline.search import SearchIndex
from pipeline.settings import get_settings
from tests.test_freshness_engine import FAMILY


@pytest.fixture
def indexed_family(monkeypatch, opensearch):
    prefix = f"test-{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("WATHIQA_INDEX_PREFIX", prefix)
    get_settings.cache_clear()
    SearchIndex(opensearch, get_settings()).index_records(FAMILY)
    yield get_settings()
    get_settings.cache_clear()
    opensearch.indices.delete(index=f"{prefix}-*", ignore_unavailable=True)


def run_json(capsys, *argv: str) -> dict:
    assert cli_main(["freshness", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("person, service", [
    ("W-2", "residency_renewal.spouse"), ("C-3", "residency_renewal.child"), ("F-6", "visit_permit.parent"),
    ("D-5", "residency_renewal.domestic_worker"), ("S-1", "residency_renewal.self"),
])
def test_the_answer_from_the_index_is_the_engines_answer_on_the_archive(indexed_family, capsys, person, service):
    got = run_json(capsys, "--person", person, "--service", service, "--as-of", "2026-09-01")
    rules = load_rules(indexed_family.rules_file)
    assert got == decide(person, service, date(2026, 9, 1), FAMILY, rules).to_dict()


def test_the_wifes_renewal_in_designs_shape_and_in_plain_text(indexed_family, capsys):
    got = run_json(capsys, "--person", "W-2", "--service", "residency_renewal.spouse", "--as-of", "2026-09-01")
    assert set(got) == {"person_id", "service", "as_of", "rules_version", "requirements"}
    assert [(r["requirement"], r["decision"], r["document_id"]) for r in got["requirements"]] == [
        ("passport", "upload", "w-pass"), ("marriage_certificate", "reuse", "marriage")]
    assert set(got["requirements"][0]["reasons"][0]) == {"code", "en", "ar"}
    assert cli_main(["freshness", "--person", "W-2", "--service", "residency_renewal.spouse",
                     "--as-of", "2026-09-01"]) == 0
    out = capsys.readouterr().out
    assert "expires_before_term_end: The stored document expires on 2027-05-15" in out and "تنتهي صلاحية" in out


def test_a_person_with_nothing_on_file_must_upload_everything(indexed_family, capsys):
    got = run_json(capsys, "--person", "NOBODY", "--service", "visit_permit.child")
    assert [(r["decision"], r["reasons"][0]["code"]) for r in got["requirements"]] == [("upload", "missing")] * 2
    assert got["as_of"] == indexed_family.today().isoformat()


def test_bad_input_is_one_line(indexed_family, capsys):
    assert cli_main(["freshness", "--person", "S-1", "--service", "residency_renewal.cousin"]) == 2
    assert capsys.readouterr().err.startswith("wathiqa freshness: unknown service 'residency_renewal.cousin'")
    with pytest.raises(SystemExit):
        cli_main(["freshness", "--person", "S-1", "--service", "visit_permit.child", "--as-of", "31/12/2026"])
    assert "must be a date as YYYY-MM-DD" in capsys.readouterr().err
