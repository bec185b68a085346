"""`wathiqa api create-key` and `wathiqa api` as users run them: real processes, real sockets."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

WATHIQA = str(Path(sys.executable).with_name("wathiqa"))


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([WATHIQA, *args], env=env, capture_output=True, text=True, timeout=60)


def test_a_key_is_printed_once_and_opens_the_api_it_serves(tmp_path, live_settings):
    env = {**os.environ, "WATHIQA_DATA_DIR": str(tmp_path)}
    made = run(env, "api", "create-key", "--role", "archivist", "--name", "records office")
    assert made.returncode == 0 and made.stdout.startswith("wq_")
    key = made.stdout.strip()
    assert key not in (tmp_path / "blobs/api/keys.json").read_text()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [WATHIQA, "api", "--port", str(port), "--workers", "2"], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                httpx.get(f"{url}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        for _ in range(4):  # whichever worker answers
            assert httpx.get(f"{url}/v1/audit", headers={"X-API-Key": key}).status_code == 200
            assert httpx.get(f"{url}/v1/audit").status_code == 401
    finally:
        server.terminate()
        _, log = server.communicate(timeout=30)
    assert "/v1/audit" not in log  # no access log: paths carry person and document ids


def test_bad_arguments_get_one_line_reasons(tmp_path):
    env = {**os.environ, "WATHIQA_DATA_DIR": str(tmp_path)}
    bad_role = run(env, "api", "create-key", "--role", "superuser", "--name", "x")
    assert bad_role.returncode != 0 and "invalid choice" in bad_role.stderr and "Traceback" not in bad_role.stderr
    bad_port = run(env, "api", "--port", "70000")
    assert bad_port.returncode != 0 and "--port" in bad_port.stderr and "Traceback" not in bad_port.stderr
