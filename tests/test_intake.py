"""Intake refuses every kind of bad upload with its own one-line reason, and takes good documents."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.intake import inspect_file, sha256_file
from tests.fixtures.documents import make_document
from tests.fixtures.hostile import make_flagged, make_hostile


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("good")
    return {
        "pdf": out / make_document(out, "passport", "passport", seed=7, fmt="pdf").file,
        "png": out / make_document(out, "birth", "birth_certificate", seed=7, fmt="png").file,
        "jpg": out / make_document(out, "contract", "employment_contract", seed=7, fmt="jpg").file,
    }


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, good) -> tuple[Path, dict[str, str]]:
    out = tmp_path_factory.mktemp("hostile")
    return out, make_hostile(out, good["pdf"], good["png"])


def test_good_documents_are_accepted_with_their_hash_type_and_pages(good):
    for kind, path in good.items():
        report = inspect_file(path, filename=path.name)
        assert report.accepted, (kind, report.reason)
        assert report.sha256 == sha256_file(path)
        assert report.pages == 1
        assert all(c.outcome in ("pass", "skip") for c in report.checks)
    assert inspect_file(good["pdf"]).mime == "application/pdf"


def test_every_bad_upload_is_refused_by_the_check_that_names_it(hostile):
    folder, expected = hostile
    assert len(expected) >= 19
    for name, check_name in expected.items():
        report = inspect_file(folder / name, filename=name)
        assert not report.accepted, name
        failing = [c for c in report.checks if c.outcome == "fail"]
        assert [c.name for c in failing] == [check_name], (name, report.checks)
        assert report.reason == failing[0].detail
        assert report.reason and "\n" not in report.reason


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("empty.pdf", "empty"),
        ("program.pdf", "not allowed"),
        ("photo.jpg", "content is image/png"),
        ("encrypted.pdf", "encrypted"),
        ("polyglot.pdf", "ZIP"),
        ("polyglot.jpg", "ZIP"),
        ("also-a-pdf.png", "also opens as a PDF"),
        ("truncated.jpg", "truncated"),
        ("corrupt.png", "corrupt"),
        ("bomb.png", "pixel limit"),
        ("too-many-pages.pdf", "31 pages"),
    ],
)
def test_reasons_say_what_is_wrong_in_plain_words(hostile, name, words):
    folder, _ = hostile
    assert words in inspect_file(folder / name, filename=name).reason


def test_zip_signatures_inside_ordinary_image_data_are_not_a_polyglot(tmp_path, good):
    """Compressed pixels contain any 4-byte sequence by chance; only a real ZIP directory counts."""
    png = good["png"].read_bytes()
    stray = b"PK\x03\x04" + b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 1, 1, 100, 0, 0)
    body = b"tEXt" + b"Comment\x00" + stray
    chunk = struct.pack(">I", len(body) - 4) + body + struct.pack(">I", zlib.crc32(body))
    path = tmp_path / "scan.png"
    path.write_bytes(png[:-12] + chunk + png[-12:])  # just before IEND, inside the tail the check reads
    report = inspect_file(path, filename=path.name)
    assert report.accepted, report.reason
    assert next(c for c in report.checks if c.name == "polyglot").outcome == "pass"


def test_oversized_upload_is_refused_before_it_is_read(tmp_path, good):
    from pipeline.settings import settings_with

    small = settings_with(max_upload_bytes=1000)
    report = inspect_file(good["pdf"], small)
    assert not report.accepted and report.sha256 == ""
    assert "over the 1,000-byte limit" in report.reason


def test_pdfs_with_active_content_are_accepted_but_flagged_for_review(tmp_path):
    for name, what in make_flagged(tmp_path).items():
        report = inspect_file(tmp_path / name)
        flag = next(c for c in report.checks if c.name == "pdf_active_content")
        assert report.accepted and flag.outcome == "warn" and what in flag.detail, name
        assert flag.severity == "review"


def test_a_missing_file_is_a_reason_not_a_traceback(tmp_path):
    report = inspect_file(tmp_path / "nothing.pdf")
    assert not report.accepted and report.reason.startswith("cannot read the file")


@pytest.mark.parametrize(("suffix", "mime", "pages"), [(".heic", "image/heic", 1), (".webp", "image/webp", 1),
                                                        (".tif", "image/tiff", 3)])
def test_phone_photo_and_scanner_formats_are_accepted(tmp_path, suffix, mime, pages):
    from PIL import Image
    from pillow_heif import register_heif_opener

    register_heif_opener()
    path = tmp_path / f"upload{suffix}"
    image = Image.new("RGB", (300, 200), "white")
    image.save(path, save_all=pages > 1, append_images=[image] * (pages - 1))
    report = inspect_file(path, filename=path.name)
    assert report.accepted, report.reason
    assert (report.mime, report.pages) == (mime, pages)


def test_every_hostile_upload_ends_in_quarantine_with_its_reason(tmp_path, hostile):
    from pipeline.blobstore import FilesystemBlobStore
    from pipeline.inbox import Inbox, Manifest
    from pipeline.processing import Pipeline
    from pipeline.settings import settings_with

    folder, expected = hostile
    store = FilesystemBlobStore(tmp_path / "blobs")
    inbox = Inbox(store)
    ids = {inbox.put(folder / name, Manifest(person_id="P-9", filename=name)): name for name in expected}
    pipeline = Pipeline(settings_with(), store)
    pipeline.intake(list(ids))
    assert inbox.pending() == []
    for upload_id, name in ids.items():
        outcome = pipeline.outcome(upload_id)
        assert outcome.state == "rejected" and outcome.reason, name
        assert inbox.receipt(upload_id)["reasons"] == [outcome.reason]
        assert store.get_bytes(f"quarantine/{upload_id}/original") == (folder / name).read_bytes()


HEADERS = [b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", b"II*\x00", b"MM\x00*",
           b"RIFF\x00\x00\x00\x00WEBPVP8 ", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.sampled_from(HEADERS), body=st.binary(max_size=4096), cut=st.integers(min_value=0, max_value=64))
def test_damaged_files_behind_a_real_signature_get_a_reason_never_an_exception(tmp_path, good, header, body, cut):
    """Whatever follows a real format's signature (garbage, or a real document cut short), intake answers."""
    donor = {b"%": "pdf", b"\x89": "png", b"\xff": "jpg"}.get(header[:1])
    data = header + body
    if donor and cut:
        real = good[donor].read_bytes()
        data = real[: len(real) * cut // 64] + body
    path = tmp_path / "upload"
    path.write_bytes(data)
    report = inspect_file(path)  # no name: every content check runs
    assert report.accepted or (report.reason and "\n" not in report.reason)


def test_a_pdf_whose_objects_break_while_walked_is_refused_not_raised(good):
    # Injected: a PDF that opens but fails deep inside (qpdf raising on one damaged object).
    with mock.patch("pipeline.validators.pdf_safety._active_content", side_effect=RuntimeError("bad object")):
        report = inspect_file(good["pdf"])
    assert not report.accepted and report.reason == "the PDF's objects are broken (RuntimeError)"
