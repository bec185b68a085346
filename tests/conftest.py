"""Shared fixtures. Services are real: the session fixture starts the local OpenSearch node and S3
server if `make test` has not already (both starts are idempotent), and never skips."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config
from opensearchpy import OpenSearch

from pipeline.services import all_services
from pipeline.settings import Settings, get_settings


@pytest.fixture(scope="session")
def live_settings() -> Settings:
    settings = get_settings()
    for service in all_services(settings):
        service.up()
    return settings


@pytest.fixture(scope="session")
def opensearch(live_settings: Settings) -> OpenSearch:
    return OpenSearch(hosts=[live_settings.opensearch_url], timeout=30)


@pytest.fixture(scope="session")
def s3_client(live_settings: Settings):
    return boto3.client(
        "s3",
        endpoint_url=live_settings.s3_endpoint_url,
        aws_access_key_id=live_settings.s3_access_key,
        aws_secret_access_key=live_settings.s3_secret_key.get_secret_value(),
        region_name=live_settings.s3_region,
        config=Config(signature_version="s3v4"),
    )


@pytest.fixture
def s3_bucket(s3_client) -> Iterator[str]:
    """A fresh bucket on the real S3 server, emptied and removed afterwards."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    s3_client.create_bucket(Bucket=name)
    yield name
    for page in s3_client.get_paginator("list_objects_v2").paginate(Bucket=name):
        for obj in page.get("Contents", []):
            s3_client.delete_object(Bucket=name, Key=obj["Key"])
    s3_client.delete_bucket(Bucket=name)


@pytest.fixture
def index_name(opensearch: OpenSearch) -> Iterator[str]:
    """A unique index name on the real node, deleted afterwards."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    yield name
    opensearch.indices.delete(index=f"{name}*", ignore_unavailable=True)


@pytest.fixture(autouse=True)
def _settings_follow_the_environment() -> Iterator[None]:
    """A test that changes WATHIQA_* variables must not leave its settings cached for the next one."""
    yield
    get_settings.cache_clear()
