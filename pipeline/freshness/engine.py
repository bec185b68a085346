"""Reuse or upload again, and why: a pure function of (records, rules, person, service, date).

Never reuse what is expired, about to expire within the service's term, rejected, superseded or under
review: each of those is an `upload` or `pending` with its reason codes, in English and Arabic.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pipeline.freshness.rules import Requirement, Rules
from pipeline.models import ArchiveRecord


@dataclass(frozen=True)
class Reason:
    code: str
    en: str
    ar: str


@dataclass
class RequirementDecision:
    requirement: str
    decision: str  # reuse | upload | pending
    document_id: str | None
    reasons: list[Reason] = field(default_factory=list)


@dataclass
class FreshnessDecision:
    person_id: str
    service: str
    as_of: date
    rules_version: str
    requirements: list[RequirementDecision]

    def to_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "service": self.service,
            "as_of": self.as_of.isoformat(),
            "rules_version": self.rules_version,
            "requirements": [
                {
                    "requirement": r.requirement,
                    "decision": r.decision,
                    "document_id": r.document_id,
                    "reasons": [{"code": x.code, "en": x.en, "ar": x.ar} for x in r.reasons],
                }
                for r in self.requirements
            ],
        }


class UnknownService(ValueError):
    pass


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _reason(rules: Rules, code: str, **values: str) -> Reason:
    text = rules.reasons[code]
    return Reason(code, text["en"].format(**values), text["ar"].format(**values))


def _parse(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _newest_first(record: ArchiveRecord) -> tuple[str, str]:
    return (record.created_at or "", record.document_id)


def _current_versions(records: list[ArchiveRecord]) -> list[ArchiveRecord]:
    """One record per document: its highest version (a newer version supersedes the older ones)."""
    latest: dict[str, ArchiveRecord] = {}
    for record in records:
        if record.document_id not in latest or record.version > latest[record.document_id].version:
            latest[record.document_id] = record
    return list(latest.values())


def _mismatch(requirement: Requirement, record: ArchiveRecord, rules: Rules, relation: str) -> RequirementDecision:
    reason = _reason(rules, "person_mismatch", relation=relation)
    return RequirementDecision(requirement.document, "upload", record.document_id, [reason])


def _decide_one(
    requirement: Requirement, records: list[ArchiveRecord], rules: Rules, as_of: date, links: dict[str, str]
) -> RequirementDecision:
    """`links` maps a document the person is only linked to (not its subject) to the link's relation."""
    candidates = sorted((r for r in records if r.doc_type == requirement.document), key=_newest_first, reverse=True)
    # Only documents that can serve count (the person's own where required, proving the right relation);
    # when some exist but none can serve, the answer is a person mismatch rather than "missing".
    if requirement.own:
        own = [r for r in candidates if r.document_id not in links]
        if candidates and not own:  # e.g. only the sponsor's passport, linked to this person
            return _mismatch(requirement, candidates[0], rules, "self")
        candidates = own
    if requirement.relations:
        proving = [r for r in candidates if links.get(r.document_id, r.relation) in requirement.relations]
        if candidates and not proving:
            return _mismatch(requirement, candidates[0], rules, " / ".join(requirement.relations))
        candidates = proving
    if not candidates:
        return RequirementDecision(requirement.document, "upload", None, [_reason(rules, "missing")])
    # The newest document of the type stands for the person: an older one was replaced by it.
    current = [r for r in candidates if not r.superseded_by]
    record = current[0] if current else candidates[0]
    reasons: list[Reason] = []
    if record.superseded_by:
        reasons.append(_reason(rules, "superseded"))
    if record.status == "rejected":
        failed = [c["detail"] for c in record.checks if c.get("outcome") == "fail"]
        reasons.append(_reason(rules, "rejected", detail="; ".join(failed) or "checks failed"))

    document_rule = rules.documents[requirement.document]
    if document_rule.expiry_field:
        expiry = _parse(record.fields.get(document_rule.expiry_field))
        needed = add_months(as_of, requirement.min_validity_months)
        if expiry is None:
            reasons.append(_reason(rules, "no_expiry_date"))
        elif expiry < as_of:
            reasons.append(_reason(rules, "expired", expiry=expiry.isoformat()))
        elif expiry < needed:
            reasons.append(
                _reason(rules, "expires_before_term_end", expiry=expiry.isoformat(), needed=needed.isoformat())
            )
    uploaded = _parse(record.created_at)
    max_age = document_rule.max_age_months
    if max_age and uploaded and add_months(uploaded, max_age) < as_of:
        reasons.append(_reason(rules, "too_old", uploaded=uploaded.isoformat(), months=str(max_age)))
    if reasons:
        return RequirementDecision(requirement.document, "upload", record.document_id, reasons)
    if record.status != "verified":
        # Under review (or any status short of verified): never reused, and asking the resident for a
        # new upload would be premature while a person is still looking at this one.
        return RequirementDecision(
            requirement.document, "pending", record.document_id, [_reason(rules, "needs_review")]
        )
    return RequirementDecision(requirement.document, "reuse", record.document_id, [_reason(rules, "reusable")])


def decide(person_id: str, service: str, as_of: date, records: list[ArchiveRecord], rules: Rules) -> FreshnessDecision:
    """For each document the service requires: reuse, upload or pending, with reasons."""
    if service not in rules.services:
        raise UnknownService(f"unknown service {service!r}; known: {', '.join(sorted(rules.services))}")
    mine = _current_versions(
        [r for r in records if r.person_id == person_id or any(p["person_id"] == person_id for p in r.linked_persons)]
    )
    # A linked document proves the relation recorded on the link, not the uploader's own relation.
    links = {
        r.document_id: next(p["relation"] for p in r.linked_persons if p["person_id"] == person_id)
        for r in mine
        if r.person_id != person_id
    }
    decisions = [_decide_one(req, mine, rules, as_of, links) for req in rules.services[service]]
    return FreshnessDecision(person_id, service, as_of, rules.version, decisions)
