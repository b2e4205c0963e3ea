#!/usr/bin/env python3
"""Run a real Neo4j Community 5.26 server assembled from Maven Central jars.

Used by the test suite and the benchmarks; there is no Docker and no neo4j.com download on
the machines this project runs on, so the server's jars come from Maven Central (see
``scripts/neo4j-maven/pom.xml``) and the JVM is launched directly, without the ``neo4j`` shell
launcher. See ``docs/neo4j-test-server.md`` for what was measured and what did not work.

Library use::

    from neo4j_server import Neo4jServer
    with Neo4jServer() as server:
        driver = GraphDatabase.driver(server.uri, auth=(server.username, server.password))

Command line::

    python scripts/neo4j_server.py fetch            # only assemble the cached NEO4J_HOME
    python scripts/neo4j_server.py run -- pytest    # server around one command
    python scripts/neo4j_server.py start            # print exports, run until SIGTERM/SIGINT

Standard library only at module level: the ``neo4j`` driver is imported lazily for the
readiness check, with a hand-written Bolt client as the fallback.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import ctypes
import fcntl
import hashlib
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from types import FrameType, TracebackType
from typing import IO, Any

POM_PATH = Path(__file__).resolve().parent / "neo4j-maven" / "pom.xml"
DEFAULT_USERNAME = "neo4j"
DEFAULT_PASSWORD = "renmai-test-pw"
DEFAULT_STARTUP_TIMEOUT = 180.0
MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"
ADMIN_MAIN_CLASS = "org.neo4j.cli.AdminTool"
# Marker written last by ensure_home(); a cache without it (or with other content) is redone.
MARKER_NAME = ".renmai-complete"
# Neo4j refuses passwords shorter than dbms.security.auth_minimum_password_length (default 8).
MIN_PASSWORD_LENGTH = 8

# JVM flags of the server.jvm.additional lines in the neo4j.conf that the 5.26 distribution
# ships; the launcher adds nothing else besides -Dfile.encoding, -Xms and -Xmx (checked with
# `Neo4jCommand console --dry-run`). The --add-opens and the netty flag are needed by Netty and
# the page cache on Java 17. -XX:+AlwaysPreTouch (also in the distribution) is left out on
# purpose: it touches the whole heap up front, which only slows a small test server's start.
JVM_FLAGS: tuple[str, ...] = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-XX:FlightRecorderOptions=stackdepth=256",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dlog4j.layout.jsonTemplate.maxStringLength=32768",
)

__all__ = [
    "BASE_SETTINGS",
    "DEFAULT_PASSWORD",
    "DEFAULT_USERNAME",
    "JVM_FLAGS",
    "MAIN_CLASS",
    "BoltFailure",
    "Neo4jServer",
    "Neo4jServerError",
    "bolt_query",
    "default_cache_dir",
    "ensure_home",
    "find_java",
    "neo4j_version",
]


class Neo4jServerError(RuntimeError):
    """Setup or server failure; str() is a one-line summary, ``details`` holds e.g. a log tail."""

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details


# --------------------------------------------------------------------------------------------
# NEO4J_HOME assembly
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def neo4j_version() -> str:
    """The pinned Neo4j version, read from the pom so that there is one place to change it."""
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    node = ET.parse(POM_PATH).getroot().find("m:properties/m:neo4j.version", ns)
    if node is None or not (node.text or "").strip():
        raise Neo4jServerError(f"no <neo4j.version> property in {POM_PATH}")
    return (node.text or "").strip()


def default_cache_dir() -> Path:
    """``$RENMAI_CACHE_DIR/neo4j-<version>``, else ``~/.cache/renmai/neo4j-<version>``."""
    root = os.environ.get("RENMAI_CACHE_DIR")
    if root:
        base = Path(root).expanduser()
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "renmai"
    return base / f"neo4j-{neo4j_version()}"


def _marker_text() -> str:
    # Tied to the pom's content: editing the pom (new version, new artifact) refetches.
    digest = hashlib.sha256(POM_PATH.read_bytes()).hexdigest()
    return f"neo4j {neo4j_version()} pom-sha256 {digest}\n"


def _home_complete(home: Path) -> bool:
    marker = home / MARKER_NAME
    try:
        return marker.read_text() == _marker_text()
    except OSError:
        return False


def ensure_home(cache_dir: Path | None = None) -> Path:
    """Return a complete NEO4J_HOME (lib/, conf/, plugins/), fetching the jars only if needed.

    mvn runs only when the marker file is missing or stale, so the call is cheap once the cache
    is filled. Concurrent callers (e.g. pytest-xdist workers) serialise on a lock file; the jars
    are copied into a staging directory that is renamed into place, then the marker is written
    last, so an interrupted download is redone on the next call.
    """
    home = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    if _home_complete(home):
        return home
    home.parent.mkdir(parents=True, exist_ok=True)
    lock_path = home.parent / f".{home.name}.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _home_complete(home):  # another process finished while we waited
            return home
        _assemble_home(home)
    return home


def _assemble_home(home: Path) -> None:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise Neo4jServerError(
            "mvn not found on PATH: Maven is needed once to fetch the Neo4j jars "
            "(Debian: apt-get install maven)"
        )
    find_java()  # fail early with a clear message rather than after a long download
    home.mkdir(parents=True, exist_ok=True)
    (home / MARKER_NAME).unlink(missing_ok=True)
    staging = home / "lib.partial"
    shutil.rmtree(staging, ignore_errors=True)
    cmd = [
        mvn,
        "-B",
        "-q",
        "-Dstyle.color=never",  # plain text in the error tail
        "-f",
        str(POM_PATH),
        "dependency:copy-dependencies",
        f"-DoutputDirectory={staging}",
    ]
    # mvn dies with us, so that a killed fetch cannot keep writing into a staging dir that the
    # next ensure_home() is already rebuilding.
    proc = subprocess.run(
        cmd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        preexec_fn=_parent_death_hook(),
    )
    if proc.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        tail = _tail_text(proc.stdout + proc.stderr, 30)
        raise Neo4jServerError(
            f"mvn dependency:copy-dependencies failed (exit {proc.returncode}) for {POM_PATH}",
            tail,
        )
    version = neo4j_version()
    for required in (f"neo4j-{version}.jar", f"neo4j-server-{version}.jar"):
        if not (staging / required).is_file():
            raise Neo4jServerError(f"mvn finished but {required} is missing from {staging}")
    lib = home / "lib"
    shutil.rmtree(lib, ignore_errors=True)
    staging.rename(lib)
    (home / "plugins").mkdir(exist_ok=True)  # the admin tool lists it and fails if absent
    conf = home / "conf"
    conf.mkdir(exist_ok=True)
    # Reference only: each Neo4jServer writes its own neo4j.conf into its work dir.
    (conf / "neo4j.conf").write_text(_render_config(BASE_SETTINGS))
    (home / MARKER_NAME).write_text(_marker_text())


def find_java() -> Path:
    """The java binary ($JAVA_HOME/bin/java, else PATH); Neo4j 5.26 needs Java 17 or 21."""
    java_home = os.environ.get("JAVA_HOME")
    candidate = Path(java_home) / "bin" / "java" if java_home else None
    if candidate is None or not candidate.is_file():
        found = shutil.which("java")
        if found is None:
            raise Neo4jServerError(
                "java not found (set JAVA_HOME or put java on PATH); Neo4j 5.26 needs Java 17 "
                "or 21 (Debian: apt-get install openjdk-17-jre-headless)"
            )
        candidate = Path(found)
    major = _java_major(candidate)
    if major is not None and major < 17:
        raise Neo4jServerError(f"{candidate} is Java {major}; Neo4j 5.26 needs Java 17 or 21")
    return candidate


@lru_cache(maxsize=4)
def _java_major(java: Path) -> int | None:
    try:
        out = subprocess.run(
            [str(java), "-version"], capture_output=True, text=True, timeout=60
        ).stderr
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if match is None:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major  # "1.8.0" style


# --------------------------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------------------------


# Settings shared by every test server. Strict config validation (on by default) makes the
# server refuse unknown keys and keys given twice, so _render_config() keeps one of each.
BASE_SETTINGS: tuple[tuple[str, str], ...] = (
    ("server.default_listen_address", "127.0.0.1"),
    ("server.default_advertised_address", "127.0.0.1"),
    ("server.http.enabled", "false"),
    ("server.https.enabled", "false"),
    ("dbms.security.auth_enabled", "true"),
    ("dbms.usage_report.enabled", "false"),
    # Netty waits this many seconds of quiet, twice (boss and worker loops), when Bolt shuts
    # down: 5 s each by default, i.e. a 10 s stop. Internal, but a valid key in 5.26.
    ("internal.dbms.bolt.netty_server_shutdown_quiet_period", "0"),
)
# The only key that may repeat.
_MULTI_KEY = "server.jvm.additional"


def _render_config(*groups: Sequence[tuple[str, str]]) -> str:
    """neo4j.conf text; a key set in a later group replaces the same key set earlier."""
    settings: dict[str, str] = {}
    for group in groups:
        for key, value in group:
            if key != _MULTI_KEY:
                settings.pop(key, None)  # re-insert, so the file reads in group order
                settings[key] = value
    lines = ["# Written by scripts/neo4j_server.py for a renmai test server."]
    lines += [f"{key}={value}" for key, value in settings.items()]
    # Not read when the JVM is launched directly; kept so that the official launcher's
    # `console --dry-run` on this conf prints the same command line as Neo4jServer builds.
    lines += [f"{_MULTI_KEY}={flag}" for flag in JVM_FLAGS]
    lines += [f"{key}={value}" for group in groups for key, value in group if key == _MULTI_KEY]
    return "\n".join(lines) + "\n"


def _free_port() -> int:
    # Racy by nature (the port is free now, not necessarily at bind time); start() retries
    # with a fresh port when the server reports the address in use and no port was requested.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tail_text(text: str, lines: int) -> str:
    return "\n".join(text.splitlines()[-lines:])


_JAVA_EXCEPTION = re.compile(r"^(?:Caused by: )?(?:[\w$]+\.)+[\w$]*(?:Exception|Error): (.+)$")
_LOG_ERROR = re.compile(r"^\S+ \S+ ERROR +(.+)$")  # "<date> <time> ERROR <message>"


def _java_error(text: str) -> str:
    """': <reason>' for one-line summaries: the last Java exception or ERROR log line."""
    lines = text.splitlines()
    for pattern in (_JAVA_EXCEPTION, _LOG_ERROR):
        messages = [m.group(1) for m in map(pattern.match, lines) if m]
        if messages:
            return f": {messages[-1].strip()}"
    return ""


def _tail_file(path: Path, lines: int = 30) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 256 * 1024))
            data = fh.read().decode("utf-8", "replace")
    except OSError:
        return ""
    return _tail_text(data, lines)


def _parent_death_hook() -> Callable[[], None] | None:
    """A preexec_fn that makes the kernel SIGTERM the JVM when its parent thread dies.

    Guards against servers orphaned by a parent that died without stop() (SIGKILL, a crashed
    test run). Linux only. prctl is looked up here, in the parent, so that the child between
    fork and exec only makes the one call.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None

    def hook() -> None:
        prctl(1, int(signal.SIGTERM), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG

    return hook


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------

_live_servers: set[Neo4jServer] = set()
_live_lock = threading.Lock()


@atexit.register
def _stop_leftover_servers() -> None:
    with _live_lock:
        servers = list(_live_servers)
    for server in servers:
        with contextlib.suppress(Exception):
            server.stop()


class Neo4jServer:
    """One Neo4j Community server on loopback, with auth on and a known password.

    start() assembles the home if needed, writes a neo4j.conf into the work dir (data/, logs/,
    run/, import/ below it), sets the initial password on a fresh store, launches the JVM and
    returns once ``RETURN 1`` succeeds. stop() sends SIGTERM (SIGKILL after a grace period) and
    removes the work dir unless ``keep_data`` is set or the work dir was given by the caller.

    For fault tests, kill() or restart() keep the data dir and the port: start() after kill()
    runs the server again on the same store (recovery) and the same Bolt port.
    """

    def __init__(
        self,
        *,
        password: str = DEFAULT_PASSWORD,
        bolt_port: int | None = None,
        http: bool = False,
        http_port: int | None = None,
        work_dir: Path | None = None,
        keep_data: bool = False,
        cache_dir: Path | None = None,
        heap_initial: str = "256m",
        heap_max: str = "1g",
        pagecache: str = "256m",
        startup_timeout: float = DEFAULT_STARTUP_TIMEOUT,
        extra_config: Mapping[str, str] | None = None,
        extra_jvm_args: Sequence[str] = (),
        die_with_parent: bool = True,
    ) -> None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ValueError(f"Neo4j needs a password of at least {MIN_PASSWORD_LENGTH} chars")
        # set-initial-password only exists for the built-in `neo4j` user.
        self.username = DEFAULT_USERNAME
        self.password = password
        self.http = http or http_port is not None
        self.keep_data = keep_data
        self.heap_initial = heap_initial
        self.heap_max = heap_max
        self.pagecache = pagecache
        self.startup_timeout = startup_timeout
        self.extra_config = dict(extra_config or {})
        self.extra_jvm_args = tuple(extra_jvm_args)
        # PR_SET_PDEATHSIG fires when the *thread* that started the JVM ends: pass False when
        # starting the server from a short-lived worker thread.
        self.die_with_parent = die_with_parent
        self._cache_dir = cache_dir
        self._requested_bolt_port = bolt_port
        self._requested_http_port = http_port
        self.bolt_port: int | None = bolt_port
        self.http_port: int | None = http_port
        self._owns_work_dir = work_dir is None
        self._work_dir: Path | None = Path(work_dir) if work_dir is not None else None
        self.home: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_handle: IO[bytes] | None = None
        self.startup_seconds: float | None = None

    # -- paths and addresses ---------------------------------------------------------------

    @property
    def work_dir(self) -> Path:
        if self._work_dir is None:
            raise Neo4jServerError("server has no work dir yet; call start() first")
        return self._work_dir

    @property
    def data_dir(self) -> Path:
        return self.work_dir / "data"

    @property
    def logs_dir(self) -> Path:
        """Neo4j's own logs (neo4j.log, debug.log, query.log, security.log)."""
        return self.work_dir / "logs"

    @property
    def log_path(self) -> Path:
        """The JVM's stdout and stderr, appended across restarts."""
        return self.logs_dir / "console.log"

    @property
    def conf_dir(self) -> Path:
        return self.work_dir / "conf"

    @property
    def uri(self) -> str:
        if self.bolt_port is None:
            raise Neo4jServerError("server has no Bolt port yet; call start() first")
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def http_uri(self) -> str | None:
        return None if self.http_port is None else f"http://127.0.0.1:{self.http_port}"

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    @property
    def auth(self) -> tuple[str, str]:
        return (self.username, self.password)

    def env(self) -> dict[str, str]:
        """NEO4J_URI / NEO4J_USERNAME / NEO4J_PASSWORD for child processes."""
        return {
            "NEO4J_URI": self.uri,
            "NEO4J_USERNAME": self.username,
            "NEO4J_PASSWORD": self.password,
        }

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    # -- lifecycle --------------------------------------------------------------------------

    def __enter__(self) -> Neo4jServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> Neo4jServer:
        """Start the server (again, on the same data dir and port if it ran before)."""
        if self.is_running():
            raise Neo4jServerError(f"server already running (pid {self.pid})")
        self.home = ensure_home(self._cache_dir)
        java = find_java()
        if self._work_dir is None:
            self._work_dir = Path(tempfile.mkdtemp(prefix="renmai-neo4j-"))
        for sub in ("conf", "data", "logs", "run", "import"):
            (self.work_dir / sub).mkdir(parents=True, exist_ok=True)
        # A port that was asked for, or kept from the previous run, is never swapped silently.
        attempts = 1 if self.bolt_port is not None else 3
        try:
            for attempt in range(1, attempts + 1):
                if self.bolt_port is None:
                    self.bolt_port = _free_port()
                if self.http and self.http_port is None:
                    self.http_port = _free_port()
                self._write_config()
                self._set_initial_password(java)
                try:
                    self._launch_and_wait(java)
                    break
                except Neo4jServerError as err:
                    if "Address already in use" not in err.details or attempt == attempts:
                        raise
                    # Another process took the port between _free_port() and the JVM's bind.
                    self.bolt_port = None
                    self.http_port = self._requested_http_port
        except BaseException:
            self._discard_failed_start()
            raise
        with _live_lock:
            _live_servers.add(self)
        return self

    def stop(self, timeout: float = 60.0) -> None:
        """SIGTERM, wait up to ``timeout`` s, then SIGKILL; remove the work dir if ours."""
        self._terminate(signal.SIGTERM, timeout)
        if self._owns_work_dir and not self.keep_data and self._work_dir is not None:
            shutil.rmtree(self._work_dir, ignore_errors=True)
            self._work_dir = None
            self.bolt_port = self._requested_bolt_port
            self.http_port = self._requested_http_port

    def _discard_failed_start(self) -> None:
        # A failed start() has no stop() to follow (a `with` block is not entered): drop the
        # store of a temporary work dir but keep conf/ and logs/, which the error points to.
        if self._owns_work_dir and not self.keep_data and self._work_dir is not None:
            for sub in ("data", "run", "import"):
                shutil.rmtree(self._work_dir / sub, ignore_errors=True)

    def kill(self) -> None:
        """SIGKILL the JVM (a crash, for fault tests); data dir and port are kept for start()."""
        self._terminate(signal.SIGKILL, 30.0)

    def restart(self, *, hard: bool = False, timeout: float = 60.0) -> Neo4jServer:
        """Stop (SIGTERM, or SIGKILL if ``hard``) and start again on the same data and port."""
        self._terminate(signal.SIGKILL if hard else signal.SIGTERM, timeout)
        return self.start()

    # -- internals --------------------------------------------------------------------------

    def settings(self) -> list[tuple[str, str]]:
        """This instance's settings, applied over BASE_SETTINGS (extra_config last)."""
        assert self.bolt_port is not None
        work = self.work_dir
        bolt = f"127.0.0.1:{self.bolt_port}"
        pairs = [
            ("server.bolt.listen_address", bolt),
            # Must match the listen address for neo4j:// (routing) URIs to work.
            ("server.bolt.advertised_address", bolt),
            ("server.directories.data", str(work / "data")),
            ("server.directories.logs", str(work / "logs")),
            ("server.directories.run", str(work / "run")),
            ("server.directories.import", str(work / "import")),
            ("server.directories.plugins", str(self._home() / "plugins")),
            ("server.memory.pagecache.size", self.pagecache),
            # Only read by the official launcher (dry-run cross-check); we pass -Xms/-Xmx.
            ("server.memory.heap.initial_size", self.heap_initial),
            ("server.memory.heap.max_size", self.heap_max),
        ]
        if self.http:
            http = f"127.0.0.1:{self.http_port}"
            pairs += [
                ("server.http.enabled", "true"),
                ("server.http.listen_address", http),
                ("server.http.advertised_address", http),
            ]
        return pairs + list(self.extra_config.items())

    def command(self, java: Path | None = None) -> list[str]:
        """The JVM command line, the same as the official `neo4j console` would run."""
        home = self._home()
        classpath = f"{self.conf_dir}/*{os.pathsep}{home / 'lib'}/*"
        return [
            str(java or find_java()),
            "-cp",
            classpath,
            *JVM_FLAGS,
            # Keep crash dumps out of whatever directory the tests run in.
            f"-XX:ErrorFile={self.logs_dir / 'hs_err_pid%p.log'}",
            *self.extra_jvm_args,
            "-Dfile.encoding=UTF-8",
            f"-Xms{self.heap_initial}",
            f"-Xmx{self.heap_max}",
            MAIN_CLASS,
            f"--home-dir={home}",
            f"--config-dir={self.conf_dir}",
            "--console-mode",
        ]

    def _home(self) -> Path:
        if self.home is None:
            self.home = ensure_home(self._cache_dir)
        return self.home

    def _write_config(self) -> None:
        (self.conf_dir / "neo4j.conf").write_text(_render_config(BASE_SETTINGS, self.settings()))

    def _admin_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["NEO4J_HOME"] = str(self._home())
        env["NEO4J_CONF"] = str(self.conf_dir)
        return env

    def _set_initial_password(self, java: Path) -> None:
        # `neo4j-admin dbms set-initial-password` writes data/dbms/auth.ini, which the server
        # applies when it creates the system database; on an existing store it does nothing,
        # so a restart skips it. The admin launcher (Neo4jAdminCommand) would only fork
        # org.neo4j.cli.AdminTool with the same classpath, so AdminTool is run directly.
        if (self.data_dir / "databases" / "system").exists():
            return
        cmd = [
            str(java),
            "-cp",
            f"{self._home() / 'lib'}/*",
            "-Xmx256m",
            "-Dfile.encoding=UTF-8",
            ADMIN_MAIN_CLASS,
            "dbms",
            "set-initial-password",
            self.password,
        ]
        proc = subprocess.run(
            cmd,
            env=self._admin_env(),
            cwd=self.work_dir,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if proc.returncode != 0:
            output = proc.stdout + proc.stderr
            raise Neo4jServerError(
                f"neo4j-admin dbms set-initial-password failed (exit {proc.returncode})"
                + _java_error(output),
                _tail_text(output, 30),
            )

    def _launch_and_wait(self, java: Path) -> None:
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed in _terminate()
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        log.write(f"\n=== renmai: starting Neo4j on {self.uri} at {stamp} ===\n".encode())
        log.flush()
        env = dict(os.environ)
        env["NEO4J_HOME"] = str(self._home())
        env["NEO4J_CONF"] = str(self.conf_dir)
        started = time.monotonic()
        # Own session: a Ctrl-C in the terminal reaches us, and we stop the server in order.
        self._proc = subprocess.Popen(
            self.command(java),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.work_dir,
            env=env,
            start_new_session=True,
            preexec_fn=_parent_death_hook() if self.die_with_parent else None,
        )
        self._log_handle = log
        try:
            self._wait_ready(started)
        except BaseException:
            self._terminate(signal.SIGKILL, 30.0)
            raise
        self.startup_seconds = time.monotonic() - started

    def _wait_ready(self, started: float) -> None:
        deadline = started + self.startup_timeout
        last_error = "no attempt yet"
        while True:
            proc = self._proc
            assert proc is not None
            code = proc.poll()
            if code is not None:
                tail = _tail_file(self.log_path, 30)
                raise Neo4jServerError(
                    f"Neo4j exited with code {code} during startup{_java_error(tail)} "
                    f"(log: {self.log_path})",
                    tail,
                )
            try:
                if _check_ready(self.uri, self.auth):
                    return
            except _FatalReadinessError as err:
                raise Neo4jServerError(
                    f"Neo4j on {self.uri} rejected the readiness check: {err}",
                    _tail_file(self.log_path, 30),
                ) from err
            except Exception as err:  # any other failure here means "not ready yet"
                last_error = f"{type(err).__name__}: {err}"
            if time.monotonic() > deadline:
                raise Neo4jServerError(
                    f"Neo4j on {self.uri} not ready after {self.startup_timeout:.0f} s "
                    f"(last error: {last_error}; log: {self.log_path})",
                    _tail_file(self.log_path, 30),
                )
            time.sleep(0.25)

    def _terminate(self, sig: signal.Signals, timeout: float) -> None:
        proc = self._proc
        if proc is not None:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(sig)
                try:
                    proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        proc.kill()
                    proc.wait(timeout=30)
            self._proc = None
        if self._log_handle is not None:
            self._log_handle.close()
            self._log_handle = None
        with _live_lock:
            _live_servers.discard(self)


# --------------------------------------------------------------------------------------------
# Readiness check: the driver if it is installed, else a minimal hand-written Bolt client
# --------------------------------------------------------------------------------------------


class _FatalReadinessError(Exception):
    """The server answered, but in a way that waiting will not fix (e.g. wrong credentials)."""


def _check_ready(uri: str, auth: tuple[str, str]) -> bool:
    """True once ``RETURN 1`` runs; raises while the server is not ready yet."""
    try:
        from neo4j import GraphDatabase  # noqa: F401
    except ImportError:
        # No driver: an import attempt rather than a find_spec() check, since a folder
        # named neo4j on sys.path would pass for a namespace package.
        return _check_ready_raw(uri, auth)
    return _check_ready_with_driver(uri, auth)


def _check_ready_raw(uri: str, auth: tuple[str, str]) -> bool:
    host, port = uri.removeprefix("bolt://").rsplit(":", 1)
    try:
        return bolt_query(host, int(port), auth, "RETURN 1 AS x") == [[1]]
    except BoltFailure as err:
        if err.code.startswith("Neo.ClientError.Security."):
            raise _FatalReadinessError(f"{err.code}: {err}") from err
        raise


def _check_ready_with_driver(uri: str, auth: tuple[str, str]) -> bool:
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError, Neo4jError

    # session.run, not execute_query: the latter retries transient errors for up to 30 s
    # inside the call, which would hide an exited process from the poll loop.
    try:
        with (
            GraphDatabase.driver(uri, auth=auth, connection_timeout=5.0) as driver,
            driver.session() as session,
        ):
            record = session.run("RETURN 1 AS x").single(strict=True)
            return bool(record["x"] == 1)
    except AuthError as err:
        raise _FatalReadinessError(f"{err.code}: {err.message}") from err
    except Neo4jError as err:
        if (err.code or "").startswith("Neo.ClientError.Security."):
            raise _FatalReadinessError(f"{err.code}: {err.message}") from err
        raise


class BoltFailure(Exception):
    """A FAILURE message from the server."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


_BOLT_MAGIC = b"\x60\x60\xb0\x17"
# Offer exactly Bolt 5.0 and 4.4: both take credentials in HELLO and have the same RUN/PULL
# shape, which keeps this client small. Neo4j 5.26 speaks both.
_BOLT_VERSIONS = b"\x00\x00\x00\x05" + b"\x00\x00\x04\x04" + b"\x00" * 8


def bolt_query(
    host: str,
    port: int,
    auth: tuple[str, str],
    query: str,
    timeout: float = 10.0,
) -> list[list[Any]]:
    """Run one auto-commit query over a raw Bolt socket and return its records as lists.

    Only meant for the readiness check when the ``neo4j`` driver is not installed. Raises
    BoltFailure when the server answers with FAILURE (wrong password included).
    """
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(_BOLT_MAGIC + _BOLT_VERSIONS)
        agreed = _recv_exact(sock, 4)
        if agreed == b"\x00\x00\x00\x00":
            raise BoltFailure("renmai.Bolt.NoVersion", "server accepted neither Bolt 5.0 nor 4.4")
        hello = {
            "user_agent": "renmai-neo4j-server/1",
            "scheme": "basic",
            "principal": auth[0],
            "credentials": auth[1],
        }
        _bolt_send(sock, _Struct(0x01, [hello]))  # HELLO
        _bolt_expect_success(sock)
        _bolt_send(sock, _Struct(0x10, [query, {}, {}]))  # RUN query, params, extra
        _bolt_send(sock, _Struct(0x3F, [{"n": -1}]))  # PULL all
        _bolt_expect_success(sock)  # RUN's SUCCESS carries the field names
        records: list[list[Any]] = []
        while True:
            msg = _bolt_recv(sock)
            if msg.tag == 0x71:  # RECORD
                records.append(list(msg.fields[0]))
                continue
            _bolt_check(msg)
            break
        with contextlib.suppress(OSError):
            _bolt_send(sock, _Struct(0x02, []))  # GOODBYE
        return records


class _Struct:
    __slots__ = ("fields", "tag")

    def __init__(self, tag: int, fields: list[Any]) -> None:
        self.tag = tag
        self.fields = fields


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("Bolt connection closed by server")
        buf += chunk
    return bytes(buf)


def _bolt_send(sock: socket.socket, msg: _Struct) -> None:
    body = _pack(msg)
    out = bytearray()
    for i in range(0, len(body), 0xFFFF):
        piece = body[i : i + 0xFFFF]
        out += struct.pack(">H", len(piece)) + piece
    out += b"\x00\x00"
    sock.sendall(bytes(out))


def _bolt_recv(sock: socket.socket) -> _Struct:
    body = bytearray()
    while True:
        (size,) = struct.unpack(">H", _recv_exact(sock, 2))
        if size == 0:
            if body:
                break
            continue  # NOOP keep-alive chunk between messages
        body += _recv_exact(sock, size)
    value, _ = _unpack(bytes(body), 0)
    if not isinstance(value, _Struct):
        raise ConnectionError("malformed Bolt message")
    return value


def _bolt_check(msg: _Struct) -> None:
    if msg.tag == 0x70:  # SUCCESS
        return
    if msg.tag == 0x7F:  # FAILURE
        meta = msg.fields[0] if msg.fields else {}
        raise BoltFailure(str(meta.get("code", "?")), str(meta.get("message", "")))
    raise BoltFailure("renmai.Bolt.Unexpected", f"unexpected Bolt message 0x{msg.tag:02x}")


def _bolt_expect_success(sock: socket.socket) -> None:
    _bolt_check(_bolt_recv(sock))


def _pack_size(out: bytearray, size: int, tiny: int, markers: tuple[int, int, int]) -> None:
    if size < 16 and tiny >= 0:
        out.append(tiny + size)
    elif size < 0x100:
        out += bytes([markers[0], size])
    elif size < 0x10000:
        out += bytes([markers[1]]) + struct.pack(">H", size)
    else:
        out += bytes([markers[2]]) + struct.pack(">I", size)


def _pack(value: Any, out: bytearray | None = None) -> bytes:
    """PackStream encoding of the few types the readiness check sends."""
    buf = bytearray() if out is None else out
    if value is None:
        buf.append(0xC0)
    elif value is True:
        buf.append(0xC3)
    elif value is False:
        buf.append(0xC2)
    elif isinstance(value, int):
        if -16 <= value < 128:
            buf += struct.pack(">b", value)
        elif -(2**7) <= value < 2**7:
            buf += b"\xc8" + struct.pack(">b", value)
        elif -(2**15) <= value < 2**15:
            buf += b"\xc9" + struct.pack(">h", value)
        elif -(2**31) <= value < 2**31:
            buf += b"\xca" + struct.pack(">i", value)
        else:
            buf += b"\xcb" + struct.pack(">q", value)
    elif isinstance(value, float):
        buf += b"\xc1" + struct.pack(">d", value)
    elif isinstance(value, str):
        data = value.encode("utf-8")
        _pack_size(buf, len(data), 0x80, (0xD0, 0xD1, 0xD2))
        buf += data
    elif isinstance(value, list | tuple):
        _pack_size(buf, len(value), 0x90, (0xD4, 0xD5, 0xD6))
        for item in value:
            _pack(item, buf)
    elif isinstance(value, dict):
        _pack_size(buf, len(value), 0xA0, (0xD8, 0xD9, 0xDA))
        for key, item in value.items():
            _pack(str(key), buf)
            _pack(item, buf)
    elif isinstance(value, _Struct):
        buf += bytes([0xB0 + len(value.fields), value.tag])
        for item in value.fields:
            _pack(item, buf)
    else:
        raise TypeError(f"cannot PackStream-encode {type(value).__name__}")
    return bytes(buf)


def _unpack(data: bytes, pos: int) -> tuple[Any, int]:
    """PackStream decoding; graph structures come back as _Struct."""
    marker = data[pos]
    pos += 1
    if marker < 0x80:
        return marker, pos
    if marker >= 0xF0:
        return marker - 0x100, pos
    high = marker & 0xF0
    if high in (0x80, 0x90, 0xA0, 0xB0):
        return _unpack_sized(data, pos, high, marker & 0x0F)
    simple = {0xC0: None, 0xC2: False, 0xC3: True}
    if marker in simple:
        return simple[marker], pos
    fixed = {0xC1: ">d", 0xC8: ">b", 0xC9: ">h", 0xCA: ">i", 0xCB: ">q"}
    if marker in fixed:
        fmt = fixed[marker]
        size = struct.calcsize(fmt)
        return struct.unpack_from(fmt, data, pos)[0], pos + size
    sized = {
        0xCC: (0x00, ">B"), 0xCD: (0x00, ">H"), 0xCE: (0x00, ">I"),  # bytes
        0xD0: (0x80, ">B"), 0xD1: (0x80, ">H"), 0xD2: (0x80, ">I"),  # string
        0xD4: (0x90, ">B"), 0xD5: (0x90, ">H"), 0xD6: (0x90, ">I"),  # list
        0xD8: (0xA0, ">B"), 0xD9: (0xA0, ">H"), 0xDA: (0xA0, ">I"),  # map
    }  # fmt: skip
    if marker in sized:
        kind, fmt = sized[marker]
        (size,) = struct.unpack_from(fmt, data, pos)
        pos += struct.calcsize(fmt)
        if kind == 0x00:
            return bytes(data[pos : pos + size]), pos + size
        return _unpack_sized(data, pos, kind, size)
    raise ValueError(f"unknown PackStream marker 0x{marker:02x}")


def _unpack_sized(data: bytes, pos: int, kind: int, size: int) -> tuple[Any, int]:
    if kind == 0x80:
        return data[pos : pos + size].decode("utf-8"), pos + size
    if kind == 0x90:
        items = []
        for _ in range(size):
            item, pos = _unpack(data, pos)
            items.append(item)
        return items, pos
    if kind == 0xA0:
        mapping: dict[str, Any] = {}
        for _ in range(size):
            key, pos = _unpack(data, pos)
            mapping[str(key)], pos = _unpack(data, pos)
        return mapping, pos
    tag = data[pos]
    pos += 1
    fields = []
    for _ in range(size):
        item, pos = _unpack(data, pos)
        fields.append(item)
    return _Struct(tag, fields), pos


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def _server_from_args(args: argparse.Namespace) -> Neo4jServer:
    return Neo4jServer(
        password=args.password,
        bolt_port=args.port,
        http=args.http,
        work_dir=args.work_dir,
        keep_data=args.keep_data,
        cache_dir=args.cache_dir,
        heap_max=args.heap_max,
        pagecache=args.pagecache,
        startup_timeout=args.timeout,
    )


class _Interrupted(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """Turn SIGTERM/SIGINT into an exception, so that `finally` stops the server."""

    def handler(signum: int, _frame: FrameType | None) -> None:
        raise _Interrupted(signum)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _cmd_fetch(args: argparse.Namespace) -> int:
    started = time.monotonic()
    home = ensure_home(args.cache_dir)
    jars = list((home / "lib").glob("*.jar"))
    size = sum(jar.stat().st_size for jar in jars)
    print(
        f"NEO4J_HOME={home} (Neo4j {neo4j_version()}, {len(jars)} jars, "
        f"{size / 2**20:.0f} MiB, {time.monotonic() - started:.1f} s)"
    )
    return 0


def _cmd_start(args: argparse.Namespace) -> int:
    server = _server_from_args(args)
    ready = False
    with _signals_raise():
        try:
            server.start()
            ready = True
            for key, value in server.env().items():
                print(f"export {key}={value}")
            print(
                f"# Neo4j {neo4j_version()} pid {server.pid}, ready in "
                f"{server.startup_seconds:.1f} s; logs in {server.logs_dir}; "
                "stop with Ctrl-C or SIGTERM",
                flush=True,
            )
            while server.is_running():
                time.sleep(0.5)
            raise Neo4jServerError(
                f"Neo4j exited unexpectedly (log: {server.log_path})",
                _tail_file(server.log_path, 30),
            )
        except _Interrupted as intr:
            return 0 if ready else 128 + intr.signum
        finally:
            with _signals_raise():  # a second Ctrl-C must not skip the cleanup
                server.stop()


def _cmd_run(args: argparse.Namespace) -> int:
    command = list(args.command)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        raise Neo4jServerError("run: no command given (usage: run -- CMD ARGS...)")
    server = _server_from_args(args)
    child: subprocess.Popen[bytes] | None = None
    with _signals_raise():
        try:
            server.start()
            env = dict(os.environ)
            env.update(server.env())
            try:
                child = subprocess.Popen(command, env=env)
            except OSError as err:
                raise Neo4jServerError(f"run: cannot execute {command[0]!r}: {err}") from err
            while True:
                try:
                    code = child.wait()
                    return 128 - code if code < 0 else code  # killed by a signal: 128+N
                except _Interrupted as intr:
                    # Pass the signal on and keep waiting: the command decides how to end.
                    with contextlib.suppress(ProcessLookupError):
                        child.send_signal(intr.signum)
        except _Interrupted as intr:
            return 128 + intr.signum
        finally:
            with _signals_raise():
                if child is not None and child.poll() is None:
                    child.kill()
                    child.wait()
                server.stop()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="neo4j_server.py",
        description="Neo4j Community test server from Maven Central jars.",
    )
    parser.add_argument(
        "--cache-dir", type=Path, default=None, help="NEO4J_HOME cache (default: %(default)s)"
    )
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("fetch", help="only assemble the cached NEO4J_HOME (runs mvn if needed)")
    run = sub.add_parser("run", help="start a server, run CMD with NEO4J_* set, stop it")
    start = sub.add_parser("start", help="start a server, print exports, wait for a signal")
    for p in (run, start):
        p.add_argument("--port", type=int, default=None, help="Bolt port (default: a free one)")
        p.add_argument("--password", default=DEFAULT_PASSWORD)
        p.add_argument("--http", action="store_true", help="also enable HTTP on a free port")
        p.add_argument("--work-dir", type=Path, default=None, help="data/logs/conf root")
        p.add_argument("--keep-data", action="store_true", help="keep the work dir on stop")
        p.add_argument("--heap-max", default="1g")
        p.add_argument("--pagecache", default="256m")
        p.add_argument("--timeout", type=float, default=DEFAULT_STARTUP_TIMEOUT)
    run.add_argument("command", nargs=argparse.REMAINDER, help="-- CMD ARGS...")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handlers = {"fetch": _cmd_fetch, "run": _cmd_run, "start": _cmd_start}
    try:
        return handlers[args.cmd](args)
    except Neo4jServerError as err:
        print(f"neo4j_server: error: {err}", file=sys.stderr)
        if err.details:
            print(err.details, file=sys.stderr)
        return 1
    except (ValueError, OSError) as err:
        print(f"neo4j_server: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("neo4j_server: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
