"""The search index: a versioned OpenSearch index behind an alias, fed from archive records."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from opensearchpy import OpenSearch, helpers

from pipeline.models import ArchiveRecord
from pipeline.search.documents import to_index_document
from pipeline.search.mappings import MAPPINGS, SETTINGS
from pipeline.search.query import SearchFilters, SearchPage, build_search, read_page
from pipeline.settings import Settings


class SearchIndex:
    def __init__(self, client: OpenSearch, settings: Settings) -> None:
        self.client = client
        self.alias = f"{settings.index_prefix}-documents"

    # -- lifecycle --
    def _new_index_name(self) -> str:
        return f"{self.alias}-{datetime.now(UTC):%Y%m%d%H%M%S%f}"

    def _create(self, name: str) -> None:
        self.client.indices.create(index=name, body={"settings": SETTINGS, "mappings": MAPPINGS})

    def ensure(self) -> None:
        """Create the first index and its alias if there is none yet."""
        if self.client.indices.exists_alias(name=self.alias):
            return
        name = self._new_index_name()
        self._create(name)
        self.client.indices.put_alias(index=name, name=self.alias)

    def current_index(self) -> str | None:
        if not self.client.indices.exists_alias(name=self.alias):
            return None
        return next(iter(self.client.indices.get_alias(name=self.alias)))

    # -- writing --
    def _actions(self, records: Iterable[ArchiveRecord], index: str) -> Iterator[dict[str, Any]]:
        for record in records:
            # External versioning: a replayed older version never overwrites a newer one.
            yield {
                "_op_type": "index",
                "_index": index,
                "_id": record.document_id,
                "version": record.version,
                "version_type": "external_gte",
                "_source": to_index_document(record),
            }

    def index_records(self, records: Iterable[ArchiveRecord], refresh: bool = True) -> int:
        self.ensure()
        ok, errors = helpers.bulk(
            self.client, self._actions(records, self.alias), raise_on_error=False, refresh=refresh, chunk_size=500
        )
        real = [e for e in errors if next(iter(e.values())).get("status") != 409]  # 409: a newer version is in
        if real:
            raise RuntimeError(f"{len(real)} documents were not indexed: {str(real[0])[:300]}")
        return ok

    def reindex(self, records: Iterable[ArchiveRecord]) -> str:
        """Build a fresh index from the records, then swap the alias in one atomic step."""
        name = self._new_index_name()
        self._create(name)
        helpers.bulk(self.client, self._actions(records, name), refresh=True, chunk_size=500)
        old = self.current_index()
        actions: list[dict[str, Any]] = [{"add": {"index": name, "alias": self.alias}}]
        if old:
            actions.insert(0, {"remove": {"index": old, "alias": self.alias}})
        self.client.indices.update_aliases(body={"actions": actions})
        if old:
            self.client.indices.delete(index=old)
        return name

    # -- reading --
    def count(self) -> int:
        if not self.client.indices.exists_alias(name=self.alias):
            return 0
        return self.client.count(index=self.alias)["count"]

    def get(self, document_id: str) -> dict[str, Any] | None:
        if not self.client.indices.exists_alias(name=self.alias):
            return None
        found = self.client.search(
            index=self.alias, body={"query": {"ids": {"values": [document_id]}}, "_source": {"excludes": ["text"]}}
        )["hits"]["hits"]
        return found[0]["_source"] if found else None

    def records_for_person(self, person_id: str) -> list[ArchiveRecord]:
        """Every current record about a person (theirs or linked to them): the freshness engine's input."""
        if not self.client.indices.exists_alias(name=self.alias):
            return []
        hits = self.client.search(
            index=self.alias,
            body={"query": {"term": {"persons": person_id}}, "size": 500, "_source": ["record"]},
        )["hits"]["hits"]
        return [ArchiveRecord.from_dict({**h["_source"]["record"], "text": ""}) for h in hits]

    def versions(self) -> dict[str, int]:
        """{document_id: version} for everything indexed (for the consistency check)."""
        if not self.client.indices.exists_alias(name=self.alias):
            return {}
        return {
            hit["_id"]: hit["_source"]["version"]
            for hit in helpers.scan(self.client, index=self.alias, query={"_source": ["version"]})
        }

    def search(
        self, query: str, filters: SearchFilters | None = None, size: int = 20, search_after: list[Any] | None = None
    ) -> SearchPage:
        if not self.client.indices.exists_alias(name=self.alias):
            return SearchPage(total=0, hits=[], facets={}, next_after=None)
        body = build_search(query, filters or SearchFilters(), size, search_after)
        return read_page(self.client.search(index=self.alias, body=body), size)
