"""The OpenSearch client, configured from settings (URL, credentials, TLS)."""

from __future__ import annotations

from opensearchpy import OpenSearch

from pipeline.settings import Settings


def open_search_client(settings: Settings) -> OpenSearch:
    auth = None
    if settings.opensearch_user and settings.opensearch_password:
        auth = (settings.opensearch_user, settings.opensearch_password.get_secret_value())
    return OpenSearch(
        hosts=[settings.opensearch_url],
        http_auth=auth,
        verify_certs=settings.opensearch_verify_certs,
        ca_certs=str(settings.opensearch_ca_certs) if settings.opensearch_ca_certs else None,
        timeout=30,
        max_retries=2,
        retry_on_timeout=True,
    )
