"""The document generator itself: its ground truth is what the documents say."""

from pipeline.extraction.mrz import parse_mrz
from tests.fixtures.documents import AS_OF, generate


def test_generated_set_has_every_type_case_and_format(tmp_path):
    truths = generate(tmp_path, seed=11, per_type=2)
    assert {t.doc_type for t in truths} == {"passport", "marriage_certificate", "birth_certificate",
                                            "employment_contract"}
    assert {t.case for t in truths} == {"genuine", "expired", "tampered", "bad_checkdigit"}
    assert {t.degraded for t in truths} == {True, False}
    assert all((tmp_path / t.file).stat().st_size > 1000 for t in truths)
    assert (tmp_path / "truth.json").exists()
    for truth in truths:
        if truth.doc_type != "passport":
            continue
        mrz = parse_mrz(truth.fields["mrz"], today=AS_OF)
        if truth.case == "bad_checkdigit":  # either failing, or "repaired" only as a guess a person confirms
            assert not mrz.valid or mrz.guessed, truth.file
            continue
        assert mrz.valid and not mrz.corrected and mrz.document_number == truth.fields["document_number"]
        assert (mrz.expiry_date < AS_OF) == (truth.case == "expired")
