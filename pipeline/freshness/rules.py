"""Loading and checking the freshness rules (a versioned YAML file)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

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


class RulesError(ValueError):
    pass


@dataclass(frozen=True)
class Requirement:
    document: str
    min_validity_months: int = 0
    relations: tuple[str, ...] = ()  # relations the proving document must carry; empty = any


@dataclass(frozen=True)
class DocumentRule:
    expiry_field: str | None = None
    max_age_months: int | None = None


@dataclass(frozen=True)
class Rules:
    version: str
    services: dict[str, list[Requirement]]
    documents: dict[str, DocumentRule]
    reasons: dict[str, dict[str, str]] = field(default_factory=dict)


@cache
def load_rules(path: Path) -> Rules:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        documents = {name: DocumentRule(**(spec or {})) for name, spec in data["documents"].items()}
        services = {
            name: [
                Requirement(r["document"], r.get("min_validity_months", 0), tuple(r.get("relations", ())))
                for r in spec["requires"]
            ]
            for name, spec in data["services"].items()
        }
        rules = Rules(str(data["rules_version"]), services, documents, data["reasons"])
    except (OSError, KeyError, TypeError, yaml.YAMLError) as exc:
        raise RulesError(f"cannot load freshness rules {path}: {type(exc).__name__}: {exc}") from None
    missing = set(SERVICES) - set(rules.services)
    if missing:
        raise RulesError(f"freshness rules {path} lack services: {', '.join(sorted(missing))}")
    for service, requirements in rules.services.items():
        for requirement in requirements:
            if requirement.document not in DOC_TYPES or requirement.document not in rules.documents:
                raise RulesError(f"{service} requires unknown document type {requirement.document!r}")
    for code, text in rules.reasons.items():
        if set(text) != {"en", "ar"}:
            raise RulesError(f"reason {code!r} needs both 'en' and 'ar' text")
    return rules
