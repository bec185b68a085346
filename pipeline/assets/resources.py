"""Dagster resources over the processing library, configured from the WATHIQA_* settings.

Each field left unset keeps the environment's setting, so one deployment is configured in one place
(environment variables) and tests override only what they need (a temporary data folder, an index prefix).
"""

from datetime import date
from typing import TYPE_CHECKING

from dagster import ConfigurableResource

from pipeline.blobstore import BlobStore, open_blobstore
from pipeline.processing import Pipeline
from pipeline.settings import Settings, settings_with

if TYPE_CHECKING:
    from pipeline.search import SearchIndex


class BlobStoreResource(ConfigurableResource):
    """Originals, archive records, inbox, quarantine and work state (filesystem or S3)."""

    backend: str | None = None
    data_dir: str | None = None
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None

    def settings(self) -> Settings:
        return settings_with(
            blob_backend=self.backend,
            data_dir=self.data_dir,
            s3_bucket=self.s3_bucket,
            s3_endpoint_url=self.s3_endpoint_url,
        )

    def open(self) -> BlobStore:
        return open_blobstore(self.settings())


class SearchResource(ConfigurableResource):
    """The OpenSearch index records are published to."""

    opensearch_url: str | None = None
    index_prefix: str | None = None

    def settings(self) -> Settings:
        return settings_with(opensearch_url=self.opensearch_url, index_prefix=self.index_prefix)

    def open(self) -> "SearchIndex":
        from pipeline.search import SearchIndex
        from pipeline.search.client import open_search_client

        settings = self.settings()
        return SearchIndex(open_search_client(settings), settings)


class OcrResource(ConfigurableResource):
    """Tesseract languages and worker processes for the text stage."""

    languages: str | None = None
    workers: int | None = None


def build_pipeline(
    blobstore: BlobStoreResource, search: SearchResource, ocr: OcrResource, as_of: date | None = None
) -> Pipeline:
    settings = settings_with(
        blob_backend=blobstore.backend,
        data_dir=blobstore.data_dir,
        s3_bucket=blobstore.s3_bucket,
        s3_endpoint_url=blobstore.s3_endpoint_url,
        opensearch_url=search.opensearch_url,
        index_prefix=search.index_prefix,
        ocr_languages=ocr.languages,
        ocr_workers=ocr.workers,
    )
    return Pipeline(settings, blobstore.open(), open_index=search.open, as_of=as_of)
