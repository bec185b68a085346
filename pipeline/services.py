"""Start, stop and report the local OpenSearch node and S3 server (`wathiqa services ...`).

Each service runs detached with its pid in `var/run/<name>.pid` and its log in `var/log/<name>.log`;
`down` stops only processes whose pid file `up` wrote, and only if that pid still runs our command.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from pipeline.settings import Settings

OPENSEARCH_YML = """\
cluster.name: wathiqa-dev
node.name: wathiqa-node
network.host: 127.0.0.1
http.port: {http_port}
transport.port: {transport_port}
discovery.type: single-node
path.data: {data}
path.logs: {logs}
action.auto_create_index: false
# A dev node on a shared disk: do not go read-only when the disk is fuller than 85-95%.
cluster.routing.allocation.disk.threshold_enabled: false
"""

LOG4J2 = """\
status = error
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] %marker%m%n
rootLogger.level = info
rootLogger.appenderRef.console.ref = console
"""


class ServiceError(RuntimeError):
    pass


@dataclass
class ServiceStatus:
    name: str
    running: bool
    pid: int | None
    address: str
    version: str | None
    detail: str = ""

    def line(self) -> str:
        state = f"running (pid {self.pid})" if self.running else "stopped"
        version = f", version {self.version}" if self.version else ""
        detail = f" - {self.detail}" if self.detail else ""
        return f"{self.name:<11} {state} at {self.address}{version}{detail}"


class LocalService:
    name: str
    # A word that must appear in /proc/<pid>/cmdline for the pid file to be trusted.
    marker: str

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pid_file = settings.path("run", f"{self.name}.pid")
        self.log_file = settings.path("log", f"{self.name}.log")

    # -- subclass hooks --
    def command(self) -> list[str]:
        raise NotImplementedError

    def prepare(self) -> None:
        """Write config and create folders before the first start."""

    def address(self) -> str:
        raise NotImplementedError

    def probe(self) -> str | None:
        """The running server's version when it answers and is ready, else None."""
        raise NotImplementedError

    # -- shared behaviour --
    def pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except FileNotFoundError:
            return None
        return pid if self.marker in cmdline else None

    def status(self) -> ServiceStatus:
        pid = self.pid()
        version = self.probe()
        detail = "" if pid or not version else "answering, but not started by this checkout"
        return ServiceStatus(self.name, pid is not None, pid, self.address(), version, detail)

    def up(self, timeout: float = 180.0) -> ServiceStatus:
        proc: subprocess.Popen | None = None
        if self.pid() is None:
            if self.probe() is not None:
                raise ServiceError(f"{self.name}: something else already answers at {self.address()}")
            self.prepare()
            self.pid_file.parent.mkdir(parents=True, exist_ok=True)
            self.log_file.parent.mkdir(parents=True, exist_ok=True)
            with open(self.log_file, "ab") as log:
                proc = subprocess.Popen(
                    self.command(),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,  # survives the CLI, and `down` can stop its group
                    env=self.environment(),
                )
            self.pid_file.write_text(str(proc.pid))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.probe() is not None:
                return self.status()
            # Ask the child itself: its /proc cmdline can be briefly unreadable while the JVM re-executes.
            if proc is not None and proc.poll() is not None:
                raise ServiceError(f"{self.name} exited during start-up; see {self.log_file}")
            time.sleep(0.5)
        raise ServiceError(f"{self.name} did not become ready in {timeout:.0f}s; see {self.log_file}")

    def down(self, timeout: float = 60.0) -> bool:
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.pid() is not None:
            time.sleep(0.2)
        if self.pid() is not None:
            os.killpg(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return True

    def environment(self) -> dict[str, str]:
        return dict(os.environ)


def _get_json(url: str, timeout: float = 2.0, auth_header: str | None = None) -> dict | None:
    request = urllib.request.Request(url)
    if auth_header:
        request.add_header("Authorization", auth_header)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError):
        return None


class OpenSearchService(LocalService):
    name = "opensearch"
    marker = "wathiqa.opensearch.Launcher"

    @property
    def home(self) -> Path:
        return self.settings.path("opensearch")

    def address(self) -> str:
        return self.settings.opensearch_url

    def prepare(self) -> None:
        dist = self.settings.opensearch_dist
        if not (dist / "classes").is_dir() or not (dist / "lib").is_dir():
            raise ServiceError(
                f"OpenSearch is not built at {dist}: run `make services-build` "
                "(mvn -f services/opensearch/pom.xml package)"
            )
        config = self.home / "config"
        config.mkdir(parents=True, exist_ok=True)
        port = self.settings.opensearch_port
        (config / "opensearch.yml").write_text(
            OPENSEARCH_YML.format(
                http_port=port,
                transport_port=port + 100,
                data=self.home / "data",
                logs=self.settings.path("log", "opensearch"),
            )
        )
        (config / "log4j2.properties").write_text(LOG4J2)

    def command(self) -> list[str]:
        dist = self.settings.opensearch_dist
        heap = self.settings.opensearch_heap
        return [
            "java",
            f"-Xms{heap}",
            f"-Xmx{heap}",
            "-XX:+UseG1GC",
            "-Djava.awt.headless=true",
            "-Dfile.encoding=UTF-8",
            "-Dlog4j2.disable.jmx=true",
            "-cp",
            f"{dist / 'classes'}:{dist / 'lib'}/*",
            self.marker,
            str(self.home),
        ]

    def probe(self) -> str | None:
        health = _get_json(f"{self.settings.opensearch_url}/_cluster/health")
        if not health or health.get("status") not in ("green", "yellow"):
            return None
        root = _get_json(self.settings.opensearch_url) or {}
        return root.get("version", {}).get("number", "unknown")


class S3Service(LocalService):
    name = "s3"
    marker = "versitygw"

    def address(self) -> str:
        return self.settings.s3_endpoint_url

    def prepare(self) -> None:
        if not self.settings.s3_server_bin.exists():
            raise ServiceError(
                f"the S3 server is not built at {self.settings.s3_server_bin}: run `make services-build`"
            )
        self.settings.path("s3", "root").mkdir(parents=True, exist_ok=True)
        self.settings.path("s3", "versions").mkdir(parents=True, exist_ok=True)

    def command(self) -> list[str]:
        return [
            str(self.settings.s3_server_bin),
            "--port",
            f"127.0.0.1:{self.settings.s3_port}",
            "--quiet",
            "posix",
            str(self.settings.path("s3", "root")),
        ]

    def environment(self) -> dict[str, str]:
        # Credentials go by environment so they never show in `ps`.
        env = dict(os.environ)
        env["ROOT_ACCESS_KEY"] = self.settings.s3_access_key
        env["ROOT_SECRET_KEY"] = self.settings.s3_secret_key.get_secret_value()
        return env

    def probe(self) -> str | None:
        # Any HTTP answer (an S3 error document for an anonymous request included) means it serves.
        try:
            urllib.request.urlopen(self.settings.s3_endpoint_url, timeout=2.0)
        except urllib.error.HTTPError:
            pass
        except (urllib.error.URLError, OSError):
            return None
        # `go install` embeds no version, so the Makefile writes the pinned one beside the binary.
        version_file = self.settings.s3_server_bin.with_name("versitygw.version")
        return version_file.read_text().strip() if version_file.exists() else "unknown"


def all_services(settings: Settings) -> list[LocalService]:
    return [OpenSearchService(settings), S3Service(settings)]
