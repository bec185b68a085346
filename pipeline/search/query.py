"""Archivist search: free text in Arabic or English, filters, highlights, facets, stable pages.

The user's words only ever go into match, multi_match and term bodies (never `query_string`), so
characters like `-`, `:`, `"` or `(` in "02091-C-71" are text, not query syntax.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pipeline.search.names import word_keys

FACETS = ("doc_type", "status", "nationality")
# Skeletons of up to 3 letters match exactly, 4 to 6 letters with one edit, longer with two.
NAME_FUZZINESS = "AUTO:4,7"


@dataclass
class SearchFilters:
    doc_type: str | None = None
    status: str | None = None
    nationality: str | None = None
    person_id: str | None = None
    expiry_from: date | None = None
    expiry_to: date | None = None
    created_from: date | None = None
    created_to: date | None = None
    expiring_within_days: int | None = None
    as_of: date | None = None  # "today" for expiring_within_days
    include_superseded: bool = True


@dataclass
class SearchHit:
    document_id: str
    score: float | None
    doc_type: str
    status: str
    person_id: str
    names: list[str]
    numbers: list[str]
    expiry_date: str | None
    superseded_by: str | None
    highlights: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass
class SearchPage:
    total: int
    hits: list[SearchHit]
    facets: dict[str, dict[str, int]]
    next_after: list[Any] | None  # pass back as search_after for the next page

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "hits": [h.to_dict() for h in self.hits],
            "facets": self.facets,
            "next_after": self.next_after,
        }


def _filters(f: SearchFilters) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = []
    for name in ("doc_type", "status", "nationality"):
        if getattr(f, name):
            clauses.append({"term": {name: getattr(f, name)}})
    if f.person_id:
        clauses.append({"term": {"persons": f.person_id}})
    if not f.include_superseded:
        clauses.append({"bool": {"must_not": {"exists": {"field": "superseded_by"}}}})
    for name, low, high in (("expiry_date", f.expiry_from, f.expiry_to), ("created_at", f.created_from, f.created_to)):
        if low or high:
            bounds = {k: v.isoformat() for k, v in (("gte", low), ("lte", high)) if v}
            clauses.append({"range": {name: bounds}})
    if f.expiring_within_days is not None:
        today = f.as_of or date.today()
        end = today + timedelta(days=f.expiring_within_days)
        clauses.append({"range": {"expiry_date": {"gte": today.isoformat(), "lte": end.isoformat()}}})
    return clauses


def _name_clauses(query: str) -> list[dict[str, Any]]:
    """Cross-script name matching on consonant skeletons: every word of the query, or all of it joined
    (so 'Abd Allah' finds 'Abdullah'); short skeletons match exactly, longer ones allow an edit."""
    keys = word_keys(query)
    if not keys:
        return []
    fuzzy = {"fuzziness": NAME_FUZZINESS, "prefix_length": 1}
    clauses = [{"match": {"name_keys": {"query": " ".join(keys), "operator": "and", "boost": 2, **fuzzy}}}]
    if len(keys) > 1:
        clauses.append({"match": {"name_keys": {"query": "".join(keys), **fuzzy}}})
    return clauses


def build_search(query: str, filters: SearchFilters, size: int, search_after: list[Any] | None) -> dict[str, Any]:
    query = query.strip()
    if query:
        should: list[dict[str, Any]] = [
            {"multi_match": {"query": query, "fields": ["names^3", "text", "text.en"], "operator": "and"}},
            # Document numbers and civil IDs: the whole input as one exact (normalised) value.
            {"term": {"numbers.exact": {"value": query, "boost": 10}}},
            {"match": {"numbers": {"query": query, "operator": "and"}}},
            {"term": {"persons": {"value": query, "boost": 5}}},
            {"term": {"sponsor_id": {"value": query, "boost": 2}}},
        ]
        if not any(ch.isdigit() for ch in query):
            # Typos in words and names, never in numbers: 2019 must not find 2018.
            fuzzy = {"query": query, "fields": ["names^2", "text", "text.en"], "fuzziness": "AUTO", "prefix_length": 1}
            should.append({"multi_match": fuzzy})
            should.extend(_name_clauses(query))
        scoring: dict[str, Any] = {"bool": {"should": should, "minimum_should_match": 1}}
    else:
        scoring = {"match_all": {}}
    body: dict[str, Any] = {
        "size": size,
        "track_total_hits": True,
        "query": {"bool": {"must": [scoring], "filter": _filters(filters)}},
        # document_id breaks ties, so pages never repeat or skip a hit.
        "sort": [{"_score": "desc"}, {"document_id": "asc"}],
        "_source": {"excludes": ["text", "record"]},
        "highlight": {
            "fields": {"text": {}, "text.en": {}, "names": {}},
            "fragment_size": 120,
            "number_of_fragments": 2,
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "encoder": "html",
        },
        "aggs": {name: {"terms": {"field": name, "size": 20}} for name in FACETS},
    }
    if search_after:
        body["search_after"] = search_after
    return body


def read_page(response: dict[str, Any], size: int) -> SearchPage:
    hits = []
    for hit in response["hits"]["hits"]:
        source = hit["_source"]
        fragments = [frag for frags in hit.get("highlight", {}).values() for frag in frags]
        hits.append(
            SearchHit(
                document_id=source["document_id"],
                score=hit.get("_score"),
                doc_type=source["doc_type"],
                status=source["status"],
                person_id=source["person_id"],
                names=source.get("names", []),
                numbers=source.get("numbers", []),
                expiry_date=source.get("expiry_date"),
                superseded_by=source.get("superseded_by"),
                highlights=fragments[:3],
            )
        )
    facets = {
        name: {b["key"]: b["doc_count"] for b in agg["buckets"]}
        for name, agg in response.get("aggregations", {}).items()
    }
    raw = response["hits"]["hits"]
    next_after = raw[-1]["sort"] if len(raw) == size and raw else None
    return SearchPage(response["hits"]["total"]["value"], hits, facets, next_after)
