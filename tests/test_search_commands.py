"""`wathiqa search` and `wathiqa reindex` as a user runs them: real archive on disk, real node."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

import pytest

from pipeline.archive import Archive
from pipeline.blobstore import open_blobstore
from pipeline.cli import main as cli_main
from pipeline.search import SearchIndex
from pipeline.settings import get_settings
from tests.test_search_query import RECORDS


@pytest.fixture
def settings(tmp_path, monkeypatch, opensearch):
    prefix = f"test-{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("WATHIQA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WATHIQA_BLOB_BACKEND", "filesystem")
    monkeypatch.setenv("WATHIQA_INDEX_PREFIX", prefix)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()
    opensearch.indices.delete(index=f"{prefix}-*", ignore_unavailable=True)


def search_ids(capsys, *argv: str) -> list[str]:
    assert cli_main(["search", *argv, "--json"]) == 0
    return [hit["document_id"] for hit in json.loads(capsys.readouterr().out)["hits"]]


def test_reindex_of_a_populated_archive_gives_the_same_answers(settings, opensearch, capsys):
    archive = Archive(open_blobstore(settings))
    for record in RECORDS:
        archive.write_record(record)
    index = SearchIndex(opensearch, settings)
    index.index_records(RECORDS)
    queries = [["MOHAMMED"], ["محمد"], ["02091-C-71"], ["Khalid"], ["passport", "--type", "passport"]]
    before = [search_ids(capsys, *q) for q in queries]
    assert before[2] == ["d1"] and before[3] == ["d3"]
    old = index.current_index()

    assert cli_main(["reindex"]) == 0
    assert "6 records indexed" in capsys.readouterr().out
    assert index.current_index() != old and not opensearch.indices.exists(index=old)
    assert [search_ids(capsys, *q) for q in queries] == before


def test_search_prints_hits_and_facets_and_takes_filters(settings, opensearch, capsys):
    assert search_ids(capsys, "anything") == []  # nothing indexed yet: an empty answer, not an error
    SearchIndex(opensearch, settings).index_records(RECORDS)
    assert cli_main(["search", "Khalid"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1 documents") and "d3  marriage_certificate" in out and "خالد إبراهيم" in out
    assert "doc_type: marriage_certificate 1" in out
    assert search_ids(capsys, "passport", "--status", "rejected") == ["d4"]
    assert search_ids(capsys, "", "--person", "P-6") == ["d6"]
    assert search_ids(capsys, "", "--nationality", "NPL") == ["d4"]
    # "Expiring within" counts from the ministry's today; the expected set is worked out from the same day.
    today, days = settings.today(), (date(2028, 1, 1) - settings.today()).days
    expected = [r.document_id for r in RECORDS if r.doc_type == "passport"
                and today.isoformat() <= r.fields["expiry_date"] <= (today + timedelta(days)).isoformat()]
    assert search_ids(capsys, "", "--expiring-within", str(days), "--type", "passport") == expected
    with pytest.raises(SystemExit) as refused:
        cli_main(["search", "x", "--size", "0"])
    assert refused.value.code == 2 and "from 1 to 500" in capsys.readouterr().err


def test_an_unreachable_index_is_one_line_not_a_traceback(monkeypatch, capsys, settings):
    monkeypatch.setenv("WATHIQA_OPENSEARCH_URL", "http://127.0.0.1:9")
    get_settings.cache_clear()
    for argv in (["search", "x"], ["reindex"], ["freshness", "--person", "P-1", "--service", "visit_permit.child"]):
        assert cli_main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"wathiqa {argv[0]}: search index at http://127.0.0.1:9") and err.count("\n") == 1
