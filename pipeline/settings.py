"""Every setting in one place, read from `WATHIQA_*` environment variables.

`get_settings()` is the only way code reads them, so tests can point one process at other
folders and ports by setting variables and calling `get_settings.cache_clear()`.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def project_root() -> Path:
    """The checkout this package runs from (where `services/` and `pyproject.toml` live)."""
    return Path(__file__).resolve().parent.parent


class SettingsError(RuntimeError):
    """A setting is missing or malformed; the message names the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WATHIQA_", extra="ignore")

    # Where state lives: blob store (filesystem backend), service data, logs, pid files, caches.
    data_dir: Path = Field(default_factory=lambda: project_root() / "var")

    # Blob store.
    blob_backend: Literal["filesystem", "s3"] = "filesystem"
    s3_endpoint_url: str = "http://127.0.0.1:7070"
    s3_bucket: str = "wathiqa"
    s3_access_key: str = "wathiqa"
    s3_secret_key: SecretStr = SecretStr("wathiqa-dev-secret")
    s3_region: str = "us-east-1"

    # Search.
    opensearch_url: str = "http://127.0.0.1:9200"
    opensearch_user: str | None = None
    opensearch_password: SecretStr | None = None
    opensearch_verify_certs: bool = True
    opensearch_ca_certs: Path | None = None
    opensearch_heap: str = "1g"
    index_prefix: str = "wathiqa"

    # Local services (`wathiqa services`).
    opensearch_dist: Path = Field(default_factory=lambda: project_root() / "services/opensearch/target")
    s3_server_bin: Path = Field(default_factory=lambda: project_root() / "var/tools/bin/versitygw")

    # Intake limits.
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    max_pages: int = Field(default=30, gt=0)
    max_image_pixels: int = Field(default=80_000_000, gt=0)

    # OCR.
    ocr_languages: str = "ara+eng"
    ocr_workers: int = Field(default_factory=lambda: os.cpu_count() or 1, gt=0)
    ocr_dpi: int = Field(default=300, ge=72, le=600)
    min_ocr_confidence: float = Field(default=60.0, ge=0, le=100)
    # Each word of an extracted value (a name, a number) must have been read at least this surely.
    min_field_confidence: float = Field(default=60.0, ge=0, le=100)
    # All Tesseract runs for one page together (a clean A4 page takes about 1-2 s of one core).
    ocr_page_timeout_seconds: float = Field(default=120.0, gt=0)

    # The sensor's cursor only passes uploads older than this (a slow upload may commit after a faster one).
    inbox_settle_seconds: float = Field(default=30.0, ge=0)

    # Archive API: requests per second per key (sustained, and the burst allowed above it).
    api_rate_per_second: float = Field(default=500.0, gt=0)
    api_rate_burst: int = Field(default=1000, gt=0)
    # Origins allowed to call the API from a browser (CORS); none by default.
    api_cors_origins: list[str] = Field(default_factory=list)

    # "Today" for expiry decisions is the ministry's day, not the server's (UTC) day.
    timezone: str = "Asia/Kuwait"

    # Freshness rules (versioned YAML, data not code).
    rules_file: Path = Field(default_factory=lambda: Path(__file__).resolve().parent / "freshness/rules.yaml")

    @field_validator("s3_endpoint_url", "opensearch_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parsed = urlparse(value)
        if parsed.scheme not in ("http", "https") or not parsed.hostname or not parsed.port:
            raise ValueError(f"must be an http(s) URL with host and port, got {value!r}")
        return value.rstrip("/")

    @field_validator("ocr_languages")
    @classmethod
    def _languages(cls, value: str) -> str:
        parts = value.split("+")
        if not all(p.isascii() and p.replace("_", "").isalnum() for p in parts):
            raise ValueError(f"must be Tesseract language codes joined by '+', got {value!r}")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"must be an IANA time zone such as Asia/Kuwait, got {value!r}") from None
        return value

    @field_validator("index_prefix")
    @classmethod
    def _index_prefix(cls, value: str) -> str:
        if not value or value != value.lower() or not value.replace("-", "").replace("_", "").isalnum():
            raise ValueError(f"must be lower-case letters, digits, '-' or '_', got {value!r}")
        return value

    @model_validator(mode="after")
    def _credentials_together(self) -> Settings:
        if (self.opensearch_user is None) != (self.opensearch_password is None):
            raise ValueError("WATHIQA_OPENSEARCH_USER and WATHIQA_OPENSEARCH_PASSWORD go together")
        return self

    @property
    def opensearch_port(self) -> int:
        return urlparse(self.opensearch_url).port or 9200

    @property
    def s3_port(self) -> int:
        return urlparse(self.s3_endpoint_url).port or 7070

    def today(self) -> date:
        return datetime.now(ZoneInfo(self.timezone)).date()

    def path(self, *parts: str) -> Path:
        """A path under the data directory (created lazily by whoever writes there)."""
        return self.data_dir.joinpath(*parts)


@cache
def get_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"WATHIQA_{'_'.join(str(p) for p in err['loc']).upper() or '(settings)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise SettingsError(f"invalid settings: {problems}") from None


def settings_with(**overrides: object) -> Settings:
    """The environment's settings with some values replaced (None means keep), validated again."""
    base = get_settings()
    changes = {k: v for k, v in overrides.items() if v is not None}
    if not changes:
        return base
    try:
        return Settings.model_validate({**base.model_dump(), **changes})
    except ValidationError as exc:
        raise SettingsError(f"invalid settings: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from None

