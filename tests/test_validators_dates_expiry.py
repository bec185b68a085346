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
