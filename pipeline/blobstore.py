"""Where bytes live: one small interface, a local filesystem backend and an S3 backend.

Keys are '/'-separated paths (`originals/ab/abcd...`, `records/<id>/000001.json`). Writes are atomic:
a reader sees the old object or the new one, never half of one; `overwrite=False` makes a write
create-only, so an original once stored can never be replaced.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, FlexibleChecksumError

from pipeline.hashing import CHUNK, sha256_file
from pipeline.settings import Settings


class BlobNotFound(KeyError):
    pass


class BlobCorrupt(RuntimeError):
    """Stored bytes do not hash to what was written."""


@contextlib.contextmanager
def local_copy(source: Path | BinaryIO) -> Iterator[tuple[Path, str]]:
    """(a local file with the bytes, their SHA-256): a path as it is, a stream spooled to a temporary file.

    Stores need a file: S3 wants the checksum before the body, and memory must not grow with the size.
    """
    if isinstance(source, (str, Path)):
        yield Path(source), sha256_file(Path(source))
        return
    digest = hashlib.sha256()
    with tempfile.TemporaryDirectory(prefix="wathiqa-copy-") as tmp:
        path = Path(tmp) / "blob"
        with open(path, "wb") as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        yield path, digest.hexdigest()


class VerifiedReader(io.RawIOBase):
    """Reads through to a stored object and raises BlobCorrupt when the bytes are not what was stored:
    they do not hash to `sha256` (checked at the end, when given) or the store's own checksum fails (S3)."""

    def __init__(self, inner: BinaryIO, sha256: str | None, name: str) -> None:
        super().__init__()
        self.inner, self.expected, self.name = inner, sha256, name
        self.digest, self.checked = hashlib.sha256(), False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self.inner.read(len(buffer))
        except FlexibleChecksumError as exc:
            raise BlobCorrupt(f"{self.name} does not match the checksum stored with it: {exc}") from None
        if not data:
            if self.expected and not self.checked and self.digest.hexdigest() != self.expected:
                raise BlobCorrupt(f"{self.name} does not match its hash")
            self.checked = True
            return 0
        self.digest.update(data)
        buffer[: len(data)] = data
        return len(data)

    def readall(self) -> bytes:
        return b"".join(iter(lambda: self.read(CHUNK), b""))

    def close(self) -> None:
        self.inner.close()
        super().close()


class BlobStore(Protocol):
    def put_file(self, key: str, path: Path, *, overwrite: bool = False) -> bool:
        """Store a local file; False when the key exists and overwrite is off (nothing written)."""

    def put_bytes(self, key: str, data: bytes, *, overwrite: bool = False) -> bool: ...

    def open(self, key: str) -> BinaryIO: ...

    def get_bytes(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...

    def list(self, prefix: str) -> Iterator[str]:
        """Keys under the prefix, in lexical order."""

    def describe(self) -> str: ...


def _check_key(key: str) -> str:
    parts = key.split("/")
    if not key or key.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"bad blob key {key!r}")
    return key


class FilesystemBlobStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def describe(self) -> str:
        return f"filesystem {self.root}"

    def _path(self, key: str) -> Path:
        return self.root / _check_key(key)

    def _write(self, key: str, chunks: Iterator[bytes], overwrite: bool) -> bool:
        dest = self._path(key)
        if not overwrite and dest.exists():
            return False
        self._make_dirs(dest.parent)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=dest.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if overwrite:
                os.replace(tmp, dest)
            else:
                try:
                    os.link(tmp, dest)  # atomic create-if-absent: never replaces an existing object
                except FileExistsError:
                    return False
            _fsync_dir(dest.parent)  # the new name itself must survive a power cut
            return True
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)

    def _make_dirs(self, directory: Path) -> None:
        """Create missing directories and make each new entry durable in its parent."""
        missing = []
        while not directory.is_dir():
            missing.append(directory)
            directory = directory.parent
        for new in reversed(missing):
            with contextlib.suppress(FileExistsError):  # another writer made it first
                new.mkdir()
            _fsync_dir(new.parent)

    def put_file(self, key: str, path: Path, *, overwrite: bool = False) -> bool:
        with open(path, "rb") as src:
            return self._write(key, iter(lambda: src.read(CHUNK), b""), overwrite)

    def put_bytes(self, key: str, data: bytes, *, overwrite: bool = False) -> bool:
        return self._write(key, iter([data]), overwrite)

    def open(self, key: str) -> BinaryIO:
        try:
            return open(self._path(key), "rb")
        except FileNotFoundError:
            raise BlobNotFound(key) from None

    def get_bytes(self, key: str) -> bytes:
        with self.open(key) as f:
            return f.read()

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._path(key).unlink()

    def list(self, prefix: str) -> Iterator[str]:
        base = self.root
        keys = []
        start = base / prefix.rsplit("/", 1)[0] if "/" in prefix else base
        if not start.is_dir():
            return iter(())
        for dirpath, _, files in os.walk(start):
            for name in files:
                if name.startswith(".tmp-"):
                    continue
                key = Path(dirpath, name).relative_to(base).as_posix()
                if key.startswith(prefix):
                    keys.append(key)
        return iter(sorted(keys))


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class S3BlobStore:
    def __init__(self, client, bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    @classmethod
    def from_settings(cls, settings: Settings) -> S3BlobStore:
        client = boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint_url,
            aws_access_key_id=settings.s3_access_key,
            aws_secret_access_key=settings.s3_secret_key.get_secret_value(),
            region_name=settings.s3_region,
            config=Config(signature_version="s3v4", retries={"max_attempts": 3, "mode": "standard"}),
        )
        return cls(client, settings.s3_bucket)

    def describe(self) -> str:
        return f"s3 bucket {self.bucket}"

    def ensure_bucket(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError:
            self.client.create_bucket(Bucket=self.bucket)

    def _put(self, key: str, body: BinaryIO | bytes, sha256: bytes, overwrite: bool) -> bool:
        if not overwrite and self.exists(key):
            return False
        extra = {} if overwrite else {"IfNoneMatch": "*"}
        try:
            # The server verifies the SHA-256 of what it received before it stores the object.
            self.client.put_object(
                Bucket=self.bucket,
                Key=_check_key(key),
                Body=body,
                ChecksumSHA256=base64.b64encode(sha256).decode(),
                **extra,
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("PreconditionFailed", "ConditionalRequestConflict"):
                return False
            raise
        return True

    def put_file(self, key: str, path: Path, *, overwrite: bool = False) -> bool:
        with open(path, "rb") as src:
            return self._put(key, src, bytes.fromhex(sha256_file(path)), overwrite)

    def put_bytes(self, key: str, data: bytes, *, overwrite: bool = False) -> bool:
        return self._put(key, data, hashlib.sha256(data).digest(), overwrite)

    def open(self, key: str) -> BinaryIO:
        try:
            # ChecksumMode: the SHA-256 stored at put time comes back and is checked as the body is read.
            response = self.client.get_object(Bucket=self.bucket, Key=_check_key(key), ChecksumMode="ENABLED")
            return VerifiedReader(response["Body"], None, key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise BlobNotFound(key) from None
            raise

    def get_bytes(self, key: str) -> bytes:
        body = self.open(key)
        try:
            return body.read()
        finally:
            body.close()

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=_check_key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=_check_key(key))

    def list(self, prefix: str) -> Iterator[str]:
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            for obj in page.get("Contents", []):
                yield obj["Key"]


def open_blobstore(settings: Settings) -> BlobStore:
    if settings.blob_backend == "s3":
        store = S3BlobStore.from_settings(settings)
        store.ensure_bucket()
        return store
    return FilesystemBlobStore(settings.path("blobs"))
