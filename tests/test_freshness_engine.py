"""Reuse or upload again, and why: a sponsor's family on chosen dates (the pure engine, the shipped rules).

The family: sponsor S-1 (passport to 2028-06-30, contract to 2027-03-31), his wife W-2 (passport to
2027-05-15; the marriage certificate is his upload, linked to her, and replaced an older one), two
children (C-3 with a birth certificate under review; C-4 with a rejected, expired passport and no
certificate), a domestic worker D-5 (contract uploaded in 2022), and his father F-6 (visiting; the
sponsor's birth certificate names him).
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.freshness import UnknownService, decide, load_rules
from pipeline.freshness.engine import add_months
from pipeline.models import ArchiveRecord
from pipeline.settings import get_settings

RULES = load_rules(get_settings().rules_file)


def record(doc_id: str, person: str, doc_type: str, *, status: str = "verified", relation: str = "self",
           created: str = "2026-01-10T08:00:00+00:00", version: int = 1, links: tuple = (), checks: list | None = None,
           **fields) -> ArchiveRecord:
    return ArchiveRecord(
        document_id=doc_id, version=version, person_id=person, sponsor_id=None if relation == "self" else "S-1",
        relation=relation, sha256=doc_id.ljust(64, "0"), mime="image/png", size=1, pages=1,
        original_key="originals/x", declared_type=doc_type, doc_type=doc_type, fields=fields,
        checks=checks or [], status=status, text="", ocr={}, created_at=created,
        linked_persons=[{"person_id": p, "relation": r, "upload_id": "u"} for p, r in links],
    )


FAMILY = [
    record("s-pass", "S-1", "passport", expiry_date="2028-06-30"),
    record("s-contract", "S-1", "employment_contract", end_date="2027-03-31"),
    record("s-birth", "S-1", "birth_certificate", links=[("F-6", "parent")]),
    record("w-pass", "W-2", "passport", relation="spouse", expiry_date="2027-05-15"),
    record("marriage-old", "S-1", "marriage_certificate", created="2020-01-01T00:00:00+00:00",
           links=[("W-2", "spouse")]),
    record("marriage", "S-1", "marriage_certificate", links=[("W-2", "spouse")]),
    record("c1-pass", "C-3", "passport", relation="child", expiry_date="2030-01-01"),
    record("c1-birth", "C-3", "birth_certificate", relation="child", status="needs_review",
           links=[("S-1", "parent")]),
    record("c2-pass", "C-4", "passport", relation="child", expiry_date="2025-10-01", status="rejected",
           checks=[{"name": "not_expired", "outcome": "fail", "detail": "expired on 2025-10-01"}]),
    record("d-pass", "D-5", "passport", relation="domestic_worker", expiry_date="2029-01-01"),
    record("d-contract", "D-5", "employment_contract", relation="domestic_worker", end_date="2027-12-31",
           created="2022-06-01T00:00:00+00:00"),
    record("f-pass", "F-6", "passport", relation="parent", expiry_date="2027-02-01"),
]
FAMILY[4].superseded_by = "marriage"


def answer(person: str, service: str, on: str, records: list[ArchiveRecord] = FAMILY) -> dict[str, tuple]:
    result = decide(person, service, date.fromisoformat(on), records, RULES).to_dict()
    return {
        r["requirement"]: (r["decision"], [x["code"] for x in r["reasons"]], r["document_id"])
        for r in result["requirements"]
    }


def test_the_sponsor_reuses_both_documents_while_they_stay_valid_long_enough():
    assert answer("S-1", "residency_renewal.self", "2026-12-01") == {
        "passport": ("reuse", ["reusable"], "s-pass"),
        "employment_contract": ("reuse", ["reusable"], "s-contract"),
    }


def test_a_passport_must_stay_valid_twelve_months_past_the_renewal_date():
    assert answer("S-1", "residency_renewal.self", "2027-06-30")["passport"][0] == "reuse"  # exactly 12 months
    assert answer("S-1", "residency_renewal.self", "2027-07-01")["passport"][:2] == (
        "upload", ["expires_before_term_end"])
    assert answer("S-1", "residency_renewal.self", "2028-07-01")["passport"][:2] == ("upload", ["expired"])


def test_a_contract_must_outlast_the_minimum_period():
    assert answer("S-1", "residency_renewal.self", "2026-12-31")["employment_contract"][0] == "reuse"
    assert answer("S-1", "residency_renewal.self", "2027-01-15")["employment_contract"][:2] == (
        "upload", ["expires_before_term_end"])


def test_a_visit_needs_six_months_where_a_renewal_needs_twelve():
    # The wife's passport ends 2027-05-15: eight months after 2026-09-01.
    assert answer("W-2", "residency_renewal.spouse", "2026-09-01")["passport"][:2] == (
        "upload", ["expires_before_term_end"])
    assert answer("W-2", "visit_permit.spouse", "2026-09-01")["passport"][0] == "reuse"


def test_the_wife_reuses_the_newest_marriage_certificate_never_the_superseded_one():
    assert answer("W-2", "residency_renewal.spouse", "2026-09-01")["marriage_certificate"] == (
        "reuse", ["reusable"], "marriage")


def test_only_a_superseded_certificate_on_file_means_upload():
    only_old = [r for r in FAMILY if r.document_id != "marriage"]
    assert answer("W-2", "residency_renewal.spouse", "2026-09-01", only_old)["marriage_certificate"] == (
        "upload", ["superseded"], "marriage-old")


def test_a_document_under_review_is_pending_never_reused():
    assert answer("C-3", "residency_renewal.child", "2026-09-01") == {
        "passport": ("reuse", ["reusable"], "c1-pass"),
        "birth_certificate": ("pending", ["needs_review"], "c1-birth"),
    }


def test_a_rejected_or_missing_document_is_uploaded_with_its_reasons():
    child2 = answer("C-4", "residency_renewal.child", "2026-09-01")
    assert child2["passport"] == ("upload", ["rejected", "expired"], "c2-pass")
    assert child2["birth_certificate"] == ("upload", ["missing"], None)


def test_a_contract_uploaded_long_ago_is_too_old_even_if_still_running():
    worker = answer("D-5", "residency_renewal.domestic_worker", "2026-09-01")
    assert worker["passport"][0] == "reuse"
    assert worker["employment_contract"] == ("upload", ["too_old"], "d-contract")
    assert answer("D-5", "residency_renewal.domestic_worker", "2025-05-01")["employment_contract"][0] == "reuse"


def test_a_visiting_parent_is_proved_by_the_sponsors_birth_certificate():
    assert answer("F-6", "visit_permit.parent", "2026-07-01") == {
        "passport": ("reuse", ["reusable"], "f-pass"),
        "birth_certificate": ("reuse", ["reusable"], "s-birth"),
    }
    assert answer("F-6", "visit_permit.parent", "2026-09-01")["passport"][:2] == ("upload", ["expires_before_term_end"])


def test_the_document_proving_the_relation_is_chosen_over_a_newer_one_that_does_not():
    # Her own birth certificate is newer but proves nothing about being a parent; the linked one does.
    newer_other = record("w-birth", "W-2", "birth_certificate", relation="spouse", created="2026-05-01T00:00:00+00:00")
    parent_proof = record("w-parent", "S-1", "birth_certificate", links=[("W-2", "parent")])
    assert answer("W-2", "visit_permit.parent", "2026-09-01", [*FAMILY, newer_other, parent_proof])[
        "birth_certificate"] == ("reuse", ["reusable"], "w-parent")


def test_a_document_proving_another_relation_is_a_person_mismatch():
    # The child's own birth certificate names the sponsor as parent: it does not make the sponsor a child.
    assert answer("S-1", "residency_renewal.child", "2026-09-01")["birth_certificate"][:2] == (
        "upload", ["person_mismatch"])
    records = [*FAMILY, record("w-birth", "W-2", "birth_certificate", relation="spouse")]
    assert answer("W-2", "visit_permit.parent", "2026-09-01", records)["birth_certificate"] == (
        "upload", ["person_mismatch"], "w-birth")


def test_someone_elses_passport_linked_to_a_person_is_never_theirs():
    records = [*FAMILY, record("s-pass-2", "S-1", "passport", expiry_date="2035-01-01", links=[("C-4", "child")])]
    assert answer("C-4", "residency_renewal.child", "2026-09-01", records)["passport"] == (
        "upload", ["rejected", "expired"], "c2-pass")
    without_own = [r for r in records if r.document_id != "c2-pass"]
    assert answer("C-4", "residency_renewal.child", "2026-09-01", without_own)["passport"] == (
        "upload", ["person_mismatch"], "s-pass-2")


def test_a_newer_version_of_a_document_replaces_the_older_one():
    reviewed = record("c1-birth", "C-3", "birth_certificate", relation="child", version=2, links=[("S-1", "parent")])
    records = [*FAMILY, reviewed]
    assert answer("C-3", "residency_renewal.child", "2026-09-01", records)["birth_certificate"] == (
        "reuse", ["reusable"], "c1-birth")
    assert answer("C-3", "residency_renewal.child", "2026-09-01", list(reversed(records)))["birth_certificate"][0] == (
        "reuse")


def test_a_passport_without_a_readable_expiry_is_not_reused():
    records = [record("x-pass", "X-9", "passport", expiry_date=None)]
    assert answer("X-9", "visit_permit.child", "2026-09-01", records)["passport"][:2] == ("upload", ["no_expiry_date"])


def test_every_reason_is_explained_in_english_and_arabic_and_the_answer_is_deterministic():
    for person, service in [("C-4", "residency_renewal.child"), ("D-5", "residency_renewal.domestic_worker"),
                            ("W-2", "visit_permit.parent"), ("C-3", "visit_permit.child")]:
        one = decide(person, service, date(2026, 9, 1), FAMILY, RULES).to_dict()
        assert one == decide(person, service, date(2026, 9, 1), list(reversed(FAMILY)), RULES).to_dict()
        assert one["rules_version"] == RULES.version and one["as_of"] == "2026-09-01"
        for requirement in one["requirements"]:
            assert requirement["reasons"], requirement
            for reason in requirement["reasons"]:
                assert reason["en"] and "{" not in reason["en"] + reason["ar"]
                assert any("\u0600" <= ch <= "\u06ff" for ch in reason["ar"])


def test_an_unknown_service_is_refused_by_name():
    with pytest.raises(UnknownService, match=r"residency_renewal\.cousin"):
        decide("S-1", "residency_renewal.cousin", date(2026, 1, 1), FAMILY, RULES)


def test_months_are_added_on_the_calendar():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert add_months(date(2026, 1, 15), 12) == date(2027, 1, 15)



@st.composite
def records_on_file(draw) -> ArchiveRecord:
    holder = draw(st.sampled_from(["W-2", "S-1"]))  # her own upload, or her husband's linked to her
    expiry = draw(st.dates(date(2024, 1, 1), date(2030, 1, 1))).isoformat()
    on_file = record(
        f"doc-{draw(st.integers(0, 99))}", holder, draw(st.sampled_from(["passport", "marriage_certificate"])),
        status=draw(st.sampled_from(["verified", "needs_review", "rejected"])), relation="spouse",
        created=f"{draw(st.dates(date(2020, 1, 1), date(2026, 9, 1)))}T00:00:00+00:00",
        links=[("W-2", "spouse")] if holder == "S-1" else (), expiry_date=expiry,
    )
    on_file.superseded_by = draw(st.sampled_from([None, "newer"]))
    return on_file


@given(st.lists(records_on_file(), max_size=8, unique_by=lambda r: r.document_id),
       st.sampled_from(["residency_renewal.spouse", "visit_permit.spouse"]))
@settings(max_examples=200, deadline=None)
def test_whatever_is_on_file_nothing_unusable_is_ever_reused(records, service):
    as_of = date(2026, 9, 1)
    result = decide("W-2", service, as_of, records, RULES)
    by_id = {r.document_id: r for r in records}
    for requirement, answer in zip(RULES.services[service], result.requirements, strict=True):
        assert answer.reasons and {r.code for r in answer.reasons} <= set(RULES.reasons)
        chosen = by_id.get(answer.document_id)
        if answer.decision == "reuse":
            assert chosen.status == "verified" and not chosen.superseded_by
            if requirement.document == "passport":
                needed = add_months(as_of, requirement.min_validity_months)
                assert chosen.person_id == "W-2" and date.fromisoformat(chosen.fields["expiry_date"]) >= needed
        elif answer.decision == "pending":
            assert chosen.status == "needs_review" and [r.code for r in answer.reasons] == ["needs_review"]
        else:
            assert answer.decision == "upload"
