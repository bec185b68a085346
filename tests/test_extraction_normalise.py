"""Comparison helpers of the extraction: edit distance."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extraction.normalise import edit_distance

_TEXT = st.text(alphabet="ابتجدرسعلمنهوي ab", max_size=12)


def test_edit_distance_counts_insertions_deletions_and_substitutions():
    assert edit_distance("تاريخ الميلاد", "تاريخ الميلاد") == 0
    assert edit_distance("تاريخ الميلد", "تاريخ الميلاد") == 1  # a letter lost
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "abc") == 3


@settings(max_examples=500, deadline=None)
@given(_TEXT, _TEXT, st.integers(min_value=0, max_value=4))
def test_a_limited_distance_is_the_distance_up_to_the_limit_and_one_past_it_beyond(a: str, b: str, limit: int):
    assert edit_distance(a, b, limit) == min(edit_distance(a, b), limit + 1)
