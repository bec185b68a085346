"""The foundation: real services answer, Tesseract reads Arabic and English, settings fail clearly."""

from __future__ import annotations

import subprocess
import urllib.request

import pytest

from pipeline.cli import main as cli_main
from pipeline.settings import Settings, SettingsError, get_settings


def test_opensearch_cluster_is_healthy(opensearch):
    health = opensearch.cluster.health()
    assert health["status"] in ("green", "yellow")
    assert opensearch.info()["version"]["number"].startswith("2.")


def test_arabic_text_round_trips_through_the_arabic_analyzer(opensearch, index_name):
    opensearch.indices.create(
        index=index_name,
        body={"mappings": {"properties": {"text": {"type": "text", "analyzer": "arabic"}}}},
    )
    opensearch.index(index=index_name, id="1", body={"text": "شهادة الميلاد للطفل"}, refresh=True)
    # The Arabic analyzer normalises and stems: "الشهادات" and "شهادة" share a stem.
    hits = opensearch.search(index=index_name, body={"query": {"match": {"text": "الشهادة"}}})
    assert [h["_id"] for h in hits["hits"]["hits"]] == ["1"]
    tokens = opensearch.indices.analyze(body={"analyzer": "arabic", "text": "شهادة ١٢٣"})["tokens"]
    assert [t["token"] for t in tokens] == ["شهاد", "123"]


def test_s3_server_put_get_head_list_and_presigned_get(s3_client, s3_bucket):
    s3_client.put_object(Bucket=s3_bucket, Key="originals/ab/cd", Body="وثيقة".encode(), ChecksumAlgorithm="SHA256")
    assert s3_client.get_object(Bucket=s3_bucket, Key="originals/ab/cd")["Body"].read().decode() == "وثيقة"
    head = s3_client.head_object(Bucket=s3_bucket, Key="originals/ab/cd", ChecksumMode="ENABLED")
    assert head["ContentLength"] == len("وثيقة".encode())
    assert head["ChecksumSHA256"]
    keys = [o["Key"] for o in s3_client.list_objects_v2(Bucket=s3_bucket, Prefix="originals/")["Contents"]]
    assert keys == ["originals/ab/cd"]
    url = s3_client.generate_presigned_url("get_object", Params={"Bucket": s3_bucket, "Key": "originals/ab/cd"})
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read().decode() == "وثيقة"


def test_s3_server_refuses_wrong_credentials(live_settings, s3_bucket):
    import boto3
    from botocore.exceptions import ClientError

    intruder = boto3.client(
        "s3",
        endpoint_url=live_settings.s3_endpoint_url,
        aws_access_key_id=live_settings.s3_access_key,
        aws_secret_access_key="not-the-secret",
        region_name=live_settings.s3_region,
    )
    with pytest.raises(ClientError):
        intruder.get_object(Bucket=s3_bucket, Key="anything")


def test_tesseract_has_arabic_and_english():
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=True).stdout
    assert {"ara", "eng"} <= set(langs.split())


def test_services_status_reports_both_running(live_settings, capsys):
    assert cli_main(["services", "status"]) == 0
    out = capsys.readouterr().out
    assert "opensearch  running" in out and "version 2.19" in out
    assert "s3          running" in out


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("WATHIQA_BLOB_BACKEND", "ftp", "WATHIQA_BLOB_BACKEND"),
        ("WATHIQA_OPENSEARCH_URL", "localhost", "WATHIQA_OPENSEARCH_URL"),
        ("WATHIQA_MAX_UPLOAD_BYTES", "-1", "WATHIQA_MAX_UPLOAD_BYTES"),
        ("WATHIQA_OCR_LANGUAGES", "ara;rm -rf", "WATHIQA_OCR_LANGUAGES"),
        ("WATHIQA_INDEX_PREFIX", "Wathiqa", "WATHIQA_INDEX_PREFIX"),
        ("WATHIQA_OPENSEARCH_USER", "admin", "go together"),
    ],
)
def test_bad_settings_name_the_variable(monkeypatch, variable, value, message):
    monkeypatch.setenv(variable, value)
    get_settings.cache_clear()
    try:
        with pytest.raises(SettingsError, match=message):
            get_settings()
    finally:
        get_settings.cache_clear()


def test_bad_settings_reach_the_cli_as_one_line(monkeypatch, capsys):
    monkeypatch.setenv("WATHIQA_BLOB_BACKEND", "ftp")
    get_settings.cache_clear()
    try:
        assert cli_main(["services", "status"]) == 2
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err.strip()
    assert err.startswith("wathiqa services: invalid settings: WATHIQA_BLOB_BACKEND")
    assert "\n" not in err


def test_settings_defaults_are_local_and_safe():
    settings = Settings()
    assert settings.opensearch_url.startswith("http://127.0.0.1:")
    assert settings.s3_endpoint_url.startswith("http://127.0.0.1:")
    assert settings.blob_backend == "filesystem"
    assert settings.max_upload_bytes == 20 * 1024 * 1024
