"""The audit log's search index in OpenSearch: derived from the blocks in the blob store (which stay the
record), so archivists can search a long history without reading every block. Ids are sequence numbers, so
indexing a block twice, or rebuilding, changes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from opensearchpy import NotFoundError, OpenSearch, RequestError

if TYPE_CHECKING:
    from archive_api.audit import AuditQuery

KEYWORDS = ("key_id", "role", "request_id", "action", "target", "result")
MAPPING = {
    "settings": {"number_of_shards": 1, "number_of_replicas": 0},
    "mappings": {
        "dynamic": False,
        "properties": {"seq": {"type": "long"}, "at": {"type": "date"}, **{k: {"type": "keyword"} for k in KEYWORDS}},
    },
}


class AuditIndex:
    def __init__(self, client: OpenSearch, name: str) -> None:
        self.client, self.name = client, name
        self._ensured = False

    def _ensure(self) -> None:
        if not self._ensured:
            # A template too, so an index re-created by a write (after a deletion) gets the same mapping.
            self.client.indices.put_index_template(
                name=self.name, body={"index_patterns": [self.name], "template": MAPPING}
            )
            try:
                self.client.indices.create(index=self.name, body=MAPPING)
            except RequestError as exc:  # another replica created it first
                if exc.error != "resource_already_exists_exception":
                    raise
            self._ensured = True

    def add(self, entries: Iterable[dict[str, Any]]) -> None:
        self._ensure()
        lines = []
        for entry in entries:
            lines += [json.dumps({"index": {"_id": str(entry["seq"])}}), json.dumps(entry, ensure_ascii=False)]
        if lines:
            result = self.client.bulk(index=self.name, body="\n".join(lines) + "\n")
            if result.get("errors"):
                self._ensured = False  # perhaps deleted: created again on the next write
                raise RuntimeError("the audit index refused some entries")

    def rebuild(self, blocks: Iterable[list[dict[str, Any]]]) -> None:
        """Index every entry of `blocks` (existing ones are overwritten with the same content)."""
        self._ensured = False
        for entries in blocks:
            self.add(entries)

    def count(self) -> int:
        try:
            self.client.indices.refresh(index=self.name)
            return self.client.count(index=self.name)["count"]
        except NotFoundError:
            return 0

    def search(self, query: AuditQuery, limit: int) -> list[dict[str, Any]]:
        self._ensure()
        self.client.indices.refresh(index=self.name)  # reads are rare; writes never pay for a refresh
        filters: list[dict[str, Any]] = [
            {"term": {name: value}}
            for name, value in (("target", query.target), ("key_id", query.key_id), ("action", query.action))
            if value is not None
        ]
        if query.since or query.until:
            bounds = {"gte": query.since, "lte": query.until}
            filters.append({"range": {"at": {k: v for k, v in bounds.items() if v}}})
        body = {"query": {"bool": {"filter": filters}}, "sort": [{"seq": "desc"}], "size": limit}
        return [hit["_source"] for hit in self.client.search(index=self.name, body=body)["hits"]["hits"]]
