"""Expiry as of the decision date, and plausible dates (no future birth, birth < issue < expiry)."""

from datetime import date

from pipeline.validators.dates import check_dates_plausible
from pipeline.validators.expiry import check_not_expired

AS_OF = date(2026, 1, 1)


def test_expired_passport_is_a_reject_failure():
    (check,) = check_not_expired("passport", {"expiry_date": "2025-12-31"}, AS_OF)
    assert check.outcome == "fail" and check.severity == "reject" and "2025-12-31" in check.detail
    assert check_not_expired("passport", {"expiry_date": "2026-01-01"}, AS_OF)[0].outcome == "pass"


def test_ended_contract_is_expired_and_certificates_never_expire():
    assert check_not_expired("employment_contract", {"end_date": "2025-06-30"}, AS_OF)[0].outcome == "fail"
    assert check_not_expired("birth_certificate", {"date_of_birth": "2001-01-01"}, AS_OF) == []
    assert check_not_expired("passport", {"expiry_date": None}, AS_OF)[0].outcome == "skip"


def test_impossible_dates_fail():
    future_birth = check_dates_plausible({"date_of_birth": "2030-01-01", "expiry_date": "2035-01-01"}, AS_OF)[0]
    assert future_birth.outcome == "fail" and "after 2026-01-01" in future_birth.detail
    issue_after_expiry = {"date_of_birth": "1980-01-01", "date_of_issue": "2030-01-01", "expiry_date": "2029-01-01"}
    assert check_dates_plausible(issue_after_expiry, AS_OF)[0].outcome == "fail"
    contract = {"start_date": "2025-01-01", "end_date": "2024-12-31"}
    assert check_dates_plausible(contract, AS_OF)[0].outcome == "fail"


def test_possible_dates_pass():
    fields = {"date_of_birth": "1980-01-01", "date_of_issue": "2020-01-01", "expiry_date": "2030-01-01"}
    assert check_dates_plausible(fields, AS_OF)[0].outcome == "pass"


def test_an_impossible_date_read_unsurely_needs_review_instead_of_rejecting():
    # 5050's marriage-06 (noisy Amiri): "21/10/2014" read as 9014-11-01 with unsure words was rejected as a
    # marriage in the future; a misread is no proof that the document is wrong.
    (check,) = check_dates_plausible({"marriage_date": "9014-11-01"}, AS_OF, unsure={"marriage_date"})
    assert check.outcome == "fail" and check.severity == "review" and "read unsurely" in check.detail
    assert check_dates_plausible({"marriage_date": "9014-11-01"}, AS_OF)[0].severity == "reject"
    # One impossibility that rests on sure dates alone still rejects.
    both = {"date_of_birth": "2030-01-01", "start_date": "2025-01-01", "end_date": "2024-12-31"}
    assert check_dates_plausible(both, AS_OF, unsure={"date_of_birth"})[0].severity == "reject"


def test_an_expiry_read_unsurely_needs_review_instead_of_rejecting():
    (check,) = check_not_expired("employment_contract", {"end_date": "2025-06-30"}, AS_OF, unsure={"end_date"})
    assert check.outcome == "fail" and check.severity == "review"
    assert check_not_expired("employment_contract", {"end_date": "2025-06-30"}, AS_OF,
                             unsure={"employee_name"})[0].severity == "reject"
