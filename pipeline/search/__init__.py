"""Search: the OpenSearch index of archive records, archivist queries and cross-script names."""

from pipeline.search.indexer import SearchIndex
from pipeline.search.query import SearchFilters, SearchHit, SearchPage

__all__ = ["SearchFilters", "SearchHit", "SearchIndex", "SearchPage"]
