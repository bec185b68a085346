"""The inbox cursor never passes an upload that is still being written (both backends, S3 real).

Upload ids are given out before the original is written, so a small upload that started later can be
committed before a big one that started earlier; a cursor that moved past the later one would skip the
earlier one for ever."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from pipeline.blobstore import FilesystemBlobStore, S3BlobStore
from pipeline.inbox import Inbox, Manifest

# Wide enough that a loaded CI machine's real write time never pushes a 0.5 s write past half of it.
SETTLE = timedelta(seconds=4)


@pytest.fixture(params=["filesystem", "s3"])
def store(request, tmp_path):
    if request.param == "filesystem":
        return FilesystemBlobStore(tmp_path / "blobs")
    return S3BlobStore(request.getfixturevalue("s3_client"), request.getfixturevalue("s3_bucket"))


class SlowOriginals:
    """The wrapped store takes `seconds` to write an original from a file named slow-* (a big upload or a
    stalled store), the first time only."""

    def __init__(self, inner, seconds: float) -> None:
        self.inner, self.seconds, self.stalled = inner, seconds, False

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def put_file(self, key, path, *, overwrite=False):
        if Path(path).name.startswith("slow") and not self.stalled:
            self.stalled = True
            time.sleep(self.seconds)
        return self.inner.put_file(key, path, overwrite=overwrite)


def _files(tmp_path: Path) -> tuple[Path, Path]:
    big, small = tmp_path / "slow-upload.png", tmp_path / "quick-upload.png"
    big.write_bytes(b"big upload")
    small.write_bytes(b"small upload")
    return big, small


def test_a_cursor_reader_never_skips_an_upload_committed_after_a_younger_one(store, tmp_path):
    big, small = _files(tmp_path)
    writer = Inbox(SlowOriginals(store, seconds=0.5), settle=SETTLE)
    reader = Inbox(store, settle=SETTLE)
    ids: dict[str, str] = {}
    slow = threading.Thread(target=lambda: ids.update(big=writer.put(big, Manifest(person_id="P-1"))))
    slow.start()
    time.sleep(0.1)
    ids["small"] = writer.put(small, Manifest(person_id="P-2"))  # given out later, committed first
    assert [i.upload_id for i in reader.pending()] == [ids["small"]]  # a full scan sees what is there
    assert reader.pending(after="u0") == []  # a cursor reader waits for the young ids to settle
    slow.join()
    assert ids["big"] < ids["small"]
    time.sleep(SETTLE.total_seconds())
    assert [i.upload_id for i in reader.pending(after="u0")] == [ids["big"], ids["small"]]


def test_a_put_slower_than_the_settle_window_allows_takes_a_fresh_id(store, tmp_path):
    big, _ = _files(tmp_path)
    before = time.time()
    upload_id = Inbox(SlowOriginals(store, seconds=2.2), settle=SETTLE).put(big, Manifest(person_id="P-1"))
    reader = Inbox(store, settle=timedelta(0))
    assert [i.upload_id for i in reader.pending(after="u0")] == [upload_id]
    assert [k for k in store.list("inbox/") if k.endswith("/original")] == [f"inbox/{upload_id}/original"]
    # The id it kept was given out after the first, too slow, write of the original.
    assert time.strftime("%Y%m%dT%H%M%S", time.gmtime(before + 2.2)) <= upload_id[1:16]
