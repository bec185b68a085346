"""Indexing on the real node: idempotent bulk, the newest version wins, alias swaps that lose nothing."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import pytest

from pipeline.models import ArchiveRecord
from pipeline.search import SearchIndex
from pipeline.settings import settings_with
from tests.test_search_query import RECORDS, ids, record


@pytest.fixture
def prefix(opensearch) -> Iterator[str]:
    name = f"test-{uuid.uuid4().hex[:10]}"
    yield name
    opensearch.indices.delete(index=f"{name}-*", ignore_unavailable=True)


@pytest.fixture
def index(opensearch, prefix) -> SearchIndex:
    search_index = SearchIndex(opensearch, settings_with(index_prefix=prefix))
    search_index.index_records(RECORDS)
    return search_index


def test_bulk_indexing_is_idempotent(index):
    assert index.count() == 6
    index.index_records(RECORDS)
    assert index.count() == 6 and index.versions() == {r.document_id: 1 for r in RECORDS}


def test_a_replayed_older_version_never_overwrites_a_newer_one(index):
    newer = record("d4", "P-4", "passport", "PASSPORT RAHMAN", status="verified", version=3, surname="RAHMAN")
    index.index_records([newer])
    index.index_records([RECORDS[3]])  # version 1 again, e.g. a late retry
    assert index.get("d4")["status"] == "verified" and index.get("d4")["version"] == 3


def test_a_persons_records_come_back_whole_for_the_freshness_engine(index):
    records = index.records_for_person("287010112345")
    assert [r.document_id for r in records] == ["d1"]
    assert records[0] == ArchiveRecord.from_dict({**RECORDS[0].to_dict(), "text": ""})


def test_processes_starting_at_once_create_one_index(opensearch, prefix):
    indexes = [SearchIndex(opensearch, settings_with(index_prefix=prefix)) for _ in range(4)]
    threads = [threading.Thread(target=i.ensure) for i in indexes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(opensearch.indices.get_alias(name=f"{prefix}-documents")) == 1


def test_reindex_swaps_the_alias_and_returns_the_same_results(index, opensearch):
    queries = ["MOHAMMED", "محمد", "02091-C-71", "عقد", "passport", "Abdullah", "287010112345"]
    before = {q: ids(index.search(q)) for q in queries}
    old = index.current_index()
    new = index.reindex(RECORDS)
    assert new != old and index.current_index() == new
    assert not opensearch.indices.exists(index=old)
    assert {q: ids(index.search(q)) for q in queries} == before


def test_a_record_written_while_the_reindex_runs_is_not_lost(index):
    late = record("d7", "P-7", "passport", "PASSPORT", surname="LATE", document_number="L777")
    newer_d1 = record("d1", "287010112345", "passport", "PASSPORT", status="rejected", version=2)

    def archive_while_processing_goes_on() -> Iterator[ArchiveRecord]:
        yield from RECORDS
        index.index_records([late, newer_d1])  # the pipeline writes through the alias: into the old index

    index.reindex(archive_while_processing_goes_on())
    assert index.count() == 7
    assert index.get("d7")["numbers"] == ["L777"]
    assert index.get("d1")["version"] == 2 and index.get("d1")["status"] == "rejected"


def test_a_reindex_that_fails_leaves_the_index_in_use_untouched(index, opensearch, prefix):
    old = index.current_index()

    def broken_archive() -> Iterator[ArchiveRecord]:
        yield from RECORDS[:2]
        raise OSError("archive unreadable")

    with pytest.raises(OSError):
        index.reindex(broken_archive())
    assert index.current_index() == old and index.count() == 6
    assert list(opensearch.indices.get(index=f"{prefix}-*")) == [old]


def test_dropping_an_index_leaves_no_record_of_its_prefix_and_others_untouched(index, opensearch, prefix):
    other = SearchIndex(opensearch, settings_with(index_prefix=f"{prefix}-other"))
    other.index_records(RECORDS[:1])
    index.drop()
    assert index.current_index() is None
    index.index_records(RECORDS[:2])
    assert index.count() == 2 and other.count() == 1
