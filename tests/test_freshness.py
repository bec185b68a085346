"""Reuse or upload again, and why: a sponsor's family on chosen dates (pure engine, rules from YAML)."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.freshness import SERVICES, RulesError, UnknownService, decide, load_rules
from pipeline.freshness.engine import add_months
from pipeline.models import ArchiveRecord
from pipeline.settings import get_settings

RULES = load_rules(get_settings().rules_file)


def record(doc_id: str, person: str, doc_type: str, *, status: str = "verified", relation: str = "self",
           created: str = "2026-01-10T08:00:00+00:00", checks: list | None = None, **fields) -> ArchiveRecord:
    return ArchiveRecord(
        document_id=doc_id, version=1, person_id=person, sponsor_id=None if relation == "self" else "S-1",
        relation=relation, sha256=doc_id.ljust(64, "0"), mime="image/png", size=1, pages=1,
        original_key="originals/x", declared_type=doc_type, doc_type=doc_type, fields=fields,
        checks=checks or [], status=status, text="", ocr={}, created_at=created,
    )


FAMILY = [
    record("s-pass", "S-1", "passport", expiry_date="2028-06-30"),
    record("s-contract", "S-1", "employment_contract", end_date="2027-03-31"),
    record("w-pass", "W-2", "passport", relation="spouse", expiry_date="2027-05-15"),
    record("w-marriage-old", "W-2", "marriage_certificate", relation="spouse", created="2020-01-01T00:00:00+00:00"),
    record("w-marriage", "W-2", "marriage_certificate", relation="spouse"),
    record("c1-pass", "C-3", "passport", relation="child", expiry_date="2030-01-01"),
    record("c1-birth", "C-3", "birth_certificate", relation="child", status="needs_review"),
    record("c2-pass", "C-4", "passport", relation="child", expiry_date="2025-10-01", status="rejected",
           checks=[{"name": "not_expired", "outcome": "fail", "detail": "expired on 2025-10-01"}]),
    record("d-pass", "D-5", "passport", relation="domestic_worker", expiry_date="2029-01-01"),
    record("d-contract", "D-5", "employment_contract", relation="domestic_worker", end_date="2027-12-31",
           created="2022-06-01T00:00:00+00:00"),
]
FAMILY[3].superseded_by = "w-marriage"


def answer(person: str, service: str, on: str) -> dict[str, tuple[str, list[str], str | None]]:
    result = decide(person, service, date.fromisoformat(on), FAMILY, RULES).to_dict()
    return {
        r["requirement"]: (r["decision"], [x["code"] for x in r["reasons"]], r["document_id"])
        for r in result["requirements"]
    }


def test_the_sponsor_reuses_both_documents_while_they_stay_valid_long_enough():
    assert answer("S-1", "residency_renewal.self", "2026-12-01") == {
        "passport": ("reuse", ["reusable"], "s-pass"),
        "employment_contract": ("reuse", ["reusable"], "s-contract"),
    }


def test_a_passport_expiring_within_the_term_must_be_uploaded_again():
    # On 2026-07-01 the passport (2028-06-30) still covers 12 months; on 2027-07-01 it does not.
    assert answer("S-1", "residency_renewal.self", "2026-07-01")["passport"][0] == "reuse"
    assert answer("S-1", "residency_renewal.self", "2027-07-01")["passport"][:2] == (
        "upload", ["expires_before_term_end"])
    assert answer("S-1", "residency_renewal.self", "2028-07-01")["passport"][:2] == ("upload", ["expired"])


def test_a_contract_must_outlast_the_minimum_period():
    assert answer("S-1", "residency_renewal.self", "2027-01-15")["employment_contract"][:2] == (
        "upload", ["expires_before_term_end"])


def test_a_visit_needs_six_months_where_a_renewal_needs_twelve():
    # The wife's passport ends 2027-05-15: eight months after 2026-09-01.
    assert answer("W-2", "residency_renewal.spouse", "2026-09-01")["passport"][:2] == (
        "upload", ["expires_before_term_end"])
    assert answer("W-2", "visit_permit.spouse", "2026-09-01")["passport"][0] == "reuse"


def test_the_newest_marriage_certificate_is_reused_never_the_superseded_one():
    assert answer("W-2", "residency_renewal.spouse", "2026-09-01")["marriage_certificate"] == (
        "reuse", ["reusable"], "w-marriage")


def test_only_a_superseded_certificate_on_file_means_upload():
    only_old = [r for r in FAMILY if r.document_id != "w-marriage"]
    result = decide("W-2", "residency_renewal.spouse", date(2026, 9, 1), only_old, RULES).to_dict()
    marriage = result["requirements"][1]
    assert marriage["decision"] == "upload" and [r["code"] for r in marriage["reasons"]] == ["superseded"]


def test_a_document_under_review_is_pending_never_reused():
    assert answer("C-3", "residency_renewal.child", "2026-09-01") == {
        "passport": ("reuse", ["reusable"], "c1-pass"),
        "birth_certificate": ("pending", ["needs_review"], "c1-birth"),
    }


def test_a_rejected_or_missing_document_is_uploaded_with_its_reason():
    child2 = answer("C-4", "residency_renewal.child", "2026-09-01")
    assert child2["passport"][:2] == ("upload", ["rejected", "expired"])
    assert child2["birth_certificate"] == ("upload", ["missing"], None)


def test_a_contract_uploaded_long_ago_is_too_old_even_if_still_running():
    worker = answer("D-5", "residency_renewal.domestic_worker", "2026-09-01")
    assert worker["passport"][0] == "reuse"
    assert worker["employment_contract"][:2] == ("upload", ["too_old"])


def test_a_document_proving_another_relation_is_a_person_mismatch():
    # The wife's marriage certificate does not prove a parent visiting; her own birth certificate would.
    records = [*FAMILY, record("w-birth", "W-2", "birth_certificate", relation="spouse")]
    result = decide("W-2", "visit_permit.parent", date(2026, 9, 1), records, RULES).to_dict()
    proof = result["requirements"][1]
    assert proof["decision"] == "upload" and [r["code"] for r in proof["reasons"]] == ["person_mismatch"]


def test_every_reason_is_explained_in_english_and_arabic_and_the_answer_is_deterministic():
    one = decide("C-4", "residency_renewal.child", date(2026, 9, 1), FAMILY, RULES).to_dict()
    two = decide("C-4", "residency_renewal.child", date(2026, 9, 1), list(reversed(FAMILY)), RULES).to_dict()
    assert one == two
    assert one["rules_version"] == RULES.version and one["as_of"] == "2026-09-01"
    for requirement in one["requirements"]:
        for reason in requirement["reasons"]:
            assert reason["en"] and any("\u0600" <= ch <= "\u06ff" for ch in reason["ar"])


def test_every_service_is_covered_and_an_unknown_one_is_refused():
    assert set(RULES.services) >= set(SERVICES)
    with pytest.raises(UnknownService):
        decide("S-1", "residency_renewal.cousin", date(2026, 1, 1), FAMILY, RULES)


def test_rules_that_do_not_load_say_why(tmp_path):
    bad = tmp_path / "rules.yaml"
    bad.write_text("rules_version: x\ndocuments: {}\nservices: {}\nreasons: {}\n")
    with pytest.raises(RulesError, match="lack services"):
        load_rules(bad)


def test_months_are_added_on_the_calendar():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 1, 15), 12) == date(2027, 1, 15)
