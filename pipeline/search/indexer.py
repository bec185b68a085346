"""The search index: a versioned OpenSearch index behind an alias, fed from archive records."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from opensearchpy import OpenSearch, helpers
from opensearchpy.exceptions import RequestError

from pipeline.models import ArchiveRecord
from pipeline.search.documents import from_index_document, to_index_document
from pipeline.search.mappings import MAPPING_VERSION, MAPPINGS, SETTINGS
from pipeline.search.query import SearchFilters, SearchPage, build_search, read_page
from pipeline.settings import Settings

CHUNK = 500


class IndexingError(RuntimeError):
    """Some records were refused by the index; the message shows the first refusal."""


class SearchIndex:
    def __init__(self, client: OpenSearch, settings: Settings) -> None:
        self.client = client
        self.alias = f"{settings.index_prefix}-documents"

    # -- lifecycle --
    def _create(self, name: str, with_alias: bool = False) -> None:
        body: dict[str, Any] = {"settings": SETTINGS, "mappings": MAPPINGS}
        if with_alias:
            body["aliases"] = {self.alias: {}}
        self.client.indices.create(index=name, body=body)

    def ensure(self) -> None:
        """Create the first index with its alias if there is none yet.

        The first index has a fixed name and gets its alias in the same call, so two processes starting
        at once create one index between them, never an alias over two indices.
        """
        if self.client.indices.exists_alias(name=self.alias):
            return
        try:
            self._create(f"{self.alias}-v{MAPPING_VERSION}-initial", with_alias=True)
        except RequestError as exc:
            if exc.error != "resource_already_exists_exception":
                raise

    def drop(self) -> None:
        """Delete every index of this prefix, records and all (the demo starts from an empty archive;
        the archive itself can always index them again)."""
        self.client.indices.delete(index=f"{self.alias}-*", ignore_unavailable=True)

    def current_index(self) -> str | None:
        if not self.client.indices.exists_alias(name=self.alias):
            return None
        return next(iter(self.client.indices.get_alias(name=self.alias)))

    # -- writing --
    @staticmethod
    def _actions(records: Iterable[ArchiveRecord], index: str) -> Iterator[dict[str, Any]]:
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

    def _bulk(self, records: Iterable[ArchiveRecord], index: str, refresh: bool) -> int:
        ok, errors = helpers.bulk(
            self.client, self._actions(records, index), raise_on_error=False, refresh=refresh, chunk_size=CHUNK
        )
        real = [e for e in errors if next(iter(e.values())).get("status") != 409]  # 409: a newer version is in
        if real:
            raise IndexingError(f"{len(real)} documents were not indexed: {str(real[0])[:300]}")
        return ok

    def index_records(self, records: Iterable[ArchiveRecord], refresh: bool = True) -> int:
        """Bulk-index records under their document_id; the highest version of each wins."""
        self.ensure()
        return self._bulk(records, self.alias, refresh)

    def reindex(self, records: Iterable[ArchiveRecord]) -> str:
        """Build a fresh index from the records, swap the alias in one atomic step, drop the old index.

        Writes keep going to the old index while the new one fills; after the swap, anything the old
        index holds in a newer version (or that the records did not include) is carried over, so a
        reindex during processing loses nothing.
        """
        name = f"{self.alias}-v{MAPPING_VERSION}-{datetime.now(UTC):%Y%m%d%H%M%S%f}"
        self._create(name)
        try:
            self._bulk(records, name, refresh=True)
            old = self.current_index()
            actions: list[dict[str, Any]] = [{"add": {"index": name, "alias": self.alias}}]
            if old:
                actions.insert(0, {"remove": {"index": old, "alias": self.alias}})
            self.client.indices.update_aliases(body={"actions": actions})
        except BaseException:
            self.client.indices.delete(index=name, ignore_unavailable=True)
            raise
        if old:
            self._carry_over(old, name)
            self.client.indices.delete(index=old)
        return name

    def _carry_over(self, old: str, new: str) -> None:
        have = self._versions(new)
        newer = (
            from_index_document(hit["_source"])
            for hit in helpers.scan(self.client, index=old, query={"query": {"match_all": {}}})
            if hit["_source"]["version"] > have.get(hit["_id"], 0)
        )
        self._bulk(newer, self.alias, refresh=True)

    # -- reading --
    def count(self) -> int:
        if not self.client.indices.exists_alias(name=self.alias):
            return 0
        return self.client.count(index=self.alias)["count"]

    def get(self, document_id: str) -> dict[str, Any] | None:
        """The indexed document (record fields and search fields, without the full text)."""
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
            # Filter context and no hit count: nothing to score or count, only the records to return.
            body={
                "query": {"bool": {"filter": {"term": {"persons": person_id}}}},
                "size": 500,
                "track_total_hits": False,
                "_source": ["record"],
            },
        )["hits"]["hits"]
        return [from_index_document(h["_source"]) for h in hits]

    def _versions(self, index: str) -> dict[str, int]:
        return {
            hit["_id"]: hit["_source"]["version"]
            for hit in helpers.scan(self.client, index=index, query={"_source": ["version"]})
        }

    def versions(self) -> dict[str, int]:
        """{document_id: version} for everything indexed (for the consistency check)."""
        if not self.client.indices.exists_alias(name=self.alias):
            return {}
        return self._versions(self.alias)

    def search(
        self, query: str, filters: SearchFilters | None = None, size: int = 20, search_after: list[Any] | None = None
    ) -> SearchPage:
        if not self.client.indices.exists_alias(name=self.alias):
            return SearchPage(total=0, hits=[], facets={}, next_after=None)
        body = build_search(query, filters or SearchFilters(), size, search_after)
        return read_page(self.client.search(index=self.alias, body=body), size)
