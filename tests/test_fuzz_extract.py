"""Hostile input sweep: mutated PDFs and images through the whole local pipeline (`extract_file`).

Every mutation ends as a result with a status and named checks: no exception escapes, nothing hangs.
`make fuzz` runs the same sweep longer, file by file under time and memory limits (bench/fuzz_extract.py).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.extract import extract_file
from tests.fixtures.documents import make_document

SEEDS: dict[str, bytes] = {}


@pytest.fixture(scope="module", autouse=True)
def seeds(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds")
    for fmt in ("pdf", "png", "jpg"):
        truth = make_document(out, f"seed-{fmt}", "passport", seed=9, fmt=fmt)
        SEEDS[fmt] = (out / truth.file).read_bytes()


def mutate(data: bytes, edits: list[tuple[int, int]], cut: int | None) -> bytes:
    buffer = bytearray(data)
    for position, value in edits:
        buffer[position % len(buffer)] = value
    return bytes(buffer[: cut % len(buffer)] if cut else buffer)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    fmt=st.sampled_from(["pdf", "png", "jpg"]),
    edits=st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 255)), max_size=40),
    cut=st.one_of(st.none(), st.integers(1, 10**7)),
)
def test_mutated_documents_come_back_as_results_never_crashes(tmp_path_factory, fmt, edits, cut):
    path = Path(tmp_path_factory.mktemp("fuzz")) / f"mutant.{fmt}"
    path.write_bytes(mutate(SEEDS[fmt], edits, cut))
    started = time.monotonic()
    result = extract_file(path)
    assert time.monotonic() - started < 60
    assert result.status in ("verified", "needs_review", "rejected")
    assert result.checks and all(c.outcome in ("pass", "fail", "warn", "skip") for c in result.checks)
    if result.status == "rejected":
        assert any(c.outcome == "fail" for c in result.checks)
