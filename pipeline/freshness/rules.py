"""Loading and checking the freshness rules (a versioned YAML file).

The file is checked whole on load: an unknown key, a negative period, a document type the pipeline does
not produce or a reason without both English and Arabic text is refused with a one-line reason, so a
typo in a ministry change never silently relaxes a rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from pipeline.models import DOC_TYPES

SERVICES = (
    "residency_renewal.self",
    "residency_renewal.spouse",
    "residency_renewal.child",
    "residency_renewal.domestic_worker",
    "visit_permit.parent",
    "visit_permit.spouse",
    "visit_permit.child",
)
# Every code the engine can give; each needs English and Arabic text in the file.
REASON_CODES = (
    "reusable",
    "missing",
    "expired",
    "expires_before_term_end",
    "rejected",
    "needs_review",
    "superseded",
    "too_old",
    "person_mismatch",
    "no_expiry_date",
)
TOP_LEVEL = {"rules_version", "documents", "services", "reasons"}
SERVICE_NAME = re.compile(r"[a-z_]+\.[a-z_]+")


class RulesError(ValueError):
    pass


@dataclass(frozen=True)
class Requirement:
    document: str
    min_validity_months: int = 0
    relations: tuple[str, ...] = ()  # relations the proving document must carry; empty = any
    own: bool = False  # the document must be the person's own (a passport), not one they are linked to


@dataclass(frozen=True)
class DocumentRule:
    expiry_field: str | None = None
    max_age_months: int | None = None  # asked for again this long after upload, even if still valid


@dataclass(frozen=True)
class Rules:
    version: str
    services: dict[str, list[Requirement]]
    documents: dict[str, DocumentRule]
    reasons: dict[str, dict[str, str]] = field(default_factory=dict)


def _keys(
    where: str, data: Any, allowed: set[str], required: set[str] | frozenset[str] = frozenset()
) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise RulesError(f"{where} must be a mapping")
    if unknown := set(data) - allowed:
        raise RulesError(f"{where} has unknown keys: {', '.join(sorted(unknown))}")
    if missing := required - set(data):
        raise RulesError(f"{where} lacks: {', '.join(sorted(missing))}")
    return data


def _months(where: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise RulesError(f"{where} must be a whole number of months >= 0, got {value!r}")
    return value


def _document(name: str, spec: Any) -> DocumentRule:
    spec = _keys(f"document {name}", spec or {}, {"expiry_field", "max_age_months"})
    if name not in DOC_TYPES:
        raise RulesError(f"document {name!r} is not a document type ({', '.join(DOC_TYPES)})")
    max_age = spec.get("max_age_months")
    return DocumentRule(
        spec.get("expiry_field"), None if max_age is None else _months(f"{name}.max_age_months", max_age)
    )


def _requirement(service: str, spec: Any, documents: dict[str, DocumentRule]) -> Requirement:
    where = f"{service} requirement"
    spec = _keys(where, spec, {"document", "min_validity_months", "relations", "own"}, {"document"})
    if spec["document"] not in documents:
        raise RulesError(f"{service} requires unknown document type {spec['document']!r}")
    relations = spec.get("relations", [])
    if not isinstance(relations, list) or not all(isinstance(r, str) for r in relations):
        raise RulesError(f"{where} relations must be a list of relation names")
    return Requirement(
        spec["document"],
        _months(f"{where} min_validity_months", spec.get("min_validity_months", 0)),
        tuple(relations),
        bool(spec.get("own", False)),
    )


def _parse(data: Any) -> Rules:
    data = _keys("the rules file", data, TOP_LEVEL, TOP_LEVEL)
    documents = {
        name: _document(name, spec) for name, spec in _keys("documents", data["documents"], set(DOC_TYPES)).items()
    }
    services = {}
    if not isinstance(data["services"], dict):
        raise RulesError("services must be a mapping")
    for name, spec in data["services"].items():
        # New services may be added as data; the known ones must all be there (a typo shows as missing).
        if not SERVICE_NAME.fullmatch(str(name)):
            raise RulesError(f"service name {name!r} must look like family.relation")
        requires = _keys(f"service {name}", spec, {"requires"}, {"requires"})["requires"]
        if not isinstance(requires, list) or not requires:
            raise RulesError(f"service {name} must require a list of documents")
        services[name] = [_requirement(name, r, documents) for r in requires]
    if missing := set(SERVICES) - set(services):
        raise RulesError(f"rules lack services: {', '.join(sorted(missing))}")
    reasons = _keys("reasons", data["reasons"], set(REASON_CODES), set(REASON_CODES))
    for code, text in reasons.items():
        text = _keys(f"reason {code}", text, {"en", "ar"}, {"en", "ar"})
        if not all(isinstance(t, str) and t.strip() for t in text.values()):
            raise RulesError(f"reason {code!r} needs non-empty 'en' and 'ar' text")
    return Rules(str(data["rules_version"]), services, documents, reasons)


@cache
def load_rules(path: Path) -> Rules:
    """The rules in `path`, checked; RulesError (one line, naming the file) when they are not usable."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        return _parse(data)
    except (OSError, yaml.YAMLError) as exc:
        detail = " ".join(str(exc).split())  # YAML errors span lines; the reason stays on one
        raise RulesError(f"cannot load freshness rules {path}: {type(exc).__name__}: {detail}") from None
    except RulesError as exc:
        raise RulesError(f"freshness rules {path}: {exc}") from None
