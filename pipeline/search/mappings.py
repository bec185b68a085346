"""Index settings and mappings, versioned: a change here means a new index behind the alias."""

from __future__ import annotations

MAPPING_VERSION = 2

# Arabic-Indic and Persian digits fold to ASCII before tokenising, in every analyzer.
_DIGITS = [f"{arabic}=>{ascii_}" for arabic, ascii_ in zip("٠١٢٣٤٥٦٧٨٩", "0123456789", strict=True)] + [
    f"{persian}=>{ascii_}" for persian, ascii_ in zip("۰۱۲۳۴۵۶۷۸۹", "0123456789", strict=True)
]

SETTINGS = {
    "number_of_shards": 1,
    "number_of_replicas": 0,
    "analysis": {
        "char_filter": {"digits": {"type": "mapping", "mappings": _DIGITS}},
        "filter": {
            "ar_stop": {"type": "stop", "stopwords": "_arabic_"},
            "ar_stem": {"type": "stemmer", "language": "arabic"},
            "en_stop": {"type": "stop", "stopwords": "_english_"},
            "en_stem": {"type": "stemmer", "language": "light_english"},
        },
        "normalizer": {"identifier": {"type": "custom", "char_filter": ["digits"], "filter": ["lowercase"]}},
        "analyzer": {
            # Full text in Arabic: normalised (alef, yaa, taa marbuta forms), stop words, light stemming.
            "ar_text": {
                "type": "custom",
                "char_filter": ["digits"],
                "tokenizer": "standard",
                "filter": ["lowercase", "decimal_digit", "arabic_normalization", "ar_stop", "ar_stem"],
            },
            "en_text": {
                "type": "custom",
                "char_filter": ["digits"],
                "tokenizer": "standard",
                "filter": ["lowercase", "asciifolding", "en_stop", "en_stem"],
            },
            # Document numbers split into their parts, so "02091" finds "02091-C-71" (the whole is `.exact`).
            "identifier_parts": {
                "type": "custom",
                "char_filter": ["digits"],
                "tokenizer": "standard",
                "filter": ["lowercase"],
            },
            # Names: normalised but never stemmed (a stem of a name is another name).
            "name": {
                "type": "custom",
                "char_filter": ["digits"],
                "tokenizer": "standard",
                "filter": ["lowercase", "asciifolding", "arabic_normalization"],
            },
        },
    },
}

_KEYWORD = {"type": "keyword"}
# Civil IDs and document numbers: matched whole ("02091-C-71"), case- and digit-system-insensitive.
_IDENTIFIER = {"type": "keyword", "normalizer": "identifier"}
_DATE = {"type": "date", "format": "strict_date||strict_date_optional_time", "ignore_malformed": True}

MAPPINGS = {
    "dynamic": "strict",
    "_meta": {"mapping_version": MAPPING_VERSION},
    "properties": {
        "document_id": _KEYWORD,
        "version": {"type": "integer"},
        "person_id": _IDENTIFIER,
        "sponsor_id": _IDENTIFIER,
        "relation": _KEYWORD,
        "persons": _IDENTIFIER,  # the person and everyone the document is linked to
        "doc_type": _KEYWORD,
        "declared_type": _KEYWORD,
        "status": _KEYWORD,
        "failed_checks": _KEYWORD,
        "superseded_by": _KEYWORD,
        "supersedes": _KEYWORD,
        "nationality": _KEYWORD,
        "sha256": _KEYWORD,
        "numbers": {"type": "text", "analyzer": "identifier_parts", "fields": {"exact": _IDENTIFIER}},
        "names": {"type": "text", "analyzer": "name"},
        "name_keys": {"type": "text", "analyzer": "whitespace"},
        "text": {
            "type": "text",
            "analyzer": "ar_text",
            "fields": {"en": {"type": "text", "analyzer": "en_text"}},
        },
        "expiry_date": _DATE,
        "date_of_birth": _DATE,
        "issue_date": _DATE,
        "created_at": _DATE,
        "updated_at": _DATE,
        "record": {"type": "object", "enabled": False},  # the whole record, returned, not searched
    },
}
