"""The freshness rules file: the shipped rules say what the ministry requires; a broken file says why."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.freshness import SERVICES, RulesError, load_rules
from pipeline.freshness.rules import REASON_CODES
from pipeline.settings import get_settings

SHIPPED = get_settings().rules_file


def test_the_shipped_rules_cover_every_service_with_its_documents_and_periods():
    rules = load_rules(SHIPPED)
    assert set(SERVICES) <= set(rules.services) and rules.version
    needs = {s: {(r.document, r.min_validity_months, r.relations) for r in rules.services[s]} for s in SERVICES}
    assert ("passport", 12, ()) in needs["residency_renewal.self"]
    assert ("passport", 6, ()) in needs["visit_permit.parent"]
    assert ("marriage_certificate", 0, ("spouse",)) in needs["residency_renewal.spouse"]
    assert ("birth_certificate", 0, ("child",)) in needs["residency_renewal.child"]
    assert ("birth_certificate", 0, ("parent",)) in needs["visit_permit.parent"]
    assert any(d == "employment_contract" and m > 0 for d, m, _ in needs["residency_renewal.domestic_worker"])
    assert all(r.own for s in SERVICES for r in rules.services[s] if r.document == "passport")
    assert rules.documents["marriage_certificate"].expiry_field is None  # certificates never expire
    assert set(rules.reasons) == set(REASON_CODES)


def broken(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("change, says", [
    (lambda d: d["services"].pop("visit_permit.child"), "lack services: visit_permit.child"),
    (lambda d: d["services"]["visit_permit.child"]["requires"][0].update(min_validty_months=6),
     "unknown keys: min_validty_months"),
    (lambda d: d["services"]["visit_permit.child"]["requires"][0].update(min_validity_months=-6),
     "whole number of months >= 0"),
    (lambda d: d["services"]["visit_permit.child"]["requires"].append({"document": "driving_licence"}),
     "unknown document type 'driving_licence'"),
    (lambda d: d["reasons"]["expired"].pop("ar"), "reason expired lacks: ar"),
    (lambda d: d["reasons"].pop("superseded"), "reasons lacks: superseded"),
    (lambda d: d["documents"]["employment_contract"].update(max_age_months="3 years"), "whole number of months"),
    (lambda d: d.pop("rules_version"), "lacks: rules_version"),
])
def test_a_broken_rules_file_is_refused_with_a_one_line_reason(tmp_path, change, says):
    with pytest.raises(RulesError) as refused:
        load_rules(broken(tmp_path, change))
    assert says in str(refused.value) and "\n" not in str(refused.value)


def test_a_new_service_can_be_added_as_data(tmp_path):
    def add(data):
        data["services"]["visit_permit.sibling"] = {"requires": [{"document": "passport", "own": True}]}

    assert "visit_permit.sibling" in load_rules(broken(tmp_path, add)).services


def test_unreadable_yaml_and_a_missing_file_say_so_in_one_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules_version: [\n  unclosed", encoding="utf-8")
    for path in (bad, tmp_path / "absent.yaml"):
        with pytest.raises(RulesError, match="cannot load freshness rules") as refused:
            load_rules(path)
        assert "\n" not in str(refused.value)
