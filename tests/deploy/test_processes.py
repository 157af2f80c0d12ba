"""The entrypoint's web, worker and beat commands, run as plain processes against real services.

These are the commands the compose services run, with the same production settings (DEBUG off,
hashed static files from collectstatic, PostgreSQL, Redis), minus the containers: a throw-away
PostgreSQL database, Redis database 15 as broker and result backend, and a temporary VAR_DIR.
"""

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pytest
from celery import Celery
from celery.exceptions import TimeoutError as CeleryTimeoutError

from tests.conftest import ServiceUrls, throwaway_postgres_database, with_path

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "loyaltyqms" / "entrypoint.sh"
# The bin directory of the virtualenv running the tests: python, gunicorn and celery are there.
VENV_BIN = Path(sys.executable).parent
REDIS_DATABASE = 15
HEALTHY_WITHIN_SECONDS = 90
TASK_WITHIN_SECONDS = 30
STOP_WITHIN_SECONDS = 20
OUTPUT_LINES = 80


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Service:
    """One process started through the entrypoint, with the file its output goes to."""

    command: str
    process: subprocess.Popen[bytes]
    log: Path
    log_file: IO[bytes]

    def output(self) -> str:
        """Return the last lines the process wrote."""
        lines = self.log.read_text(errors="replace").splitlines()
        return "\n".join(lines[-OUTPUT_LINES:])


@dataclass
class Stack:
    """The processes a test starts with the entrypoint, all in the same environment."""

    environment: dict[str, str]
    directory: Path
    services: list[Service] = field(default_factory=list)

    def run(self, *arguments: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        """Run the entrypoint to completion and return its result, output included."""
        return subprocess.run(
            [str(ENTRYPOINT), *arguments],
            env=self.environment,
            cwd=self.directory,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def start(self, command: str) -> Service:
        """Start the entrypoint with one subcommand, in its own process group."""
        log = self.directory / f"{command}.log"
        log_file = log.open("wb")
        process = subprocess.Popen(
            [str(ENTRYPOINT), command],
            env=self.environment,
            cwd=self.directory,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        service = Service(command, process, log, log_file)
        self.services.append(service)
        return service

    def outputs(self) -> str:
        """Return every process's state and last output, for assertion messages."""
        return "\n".join(
            f"\n----- {service.command} (exit code {service.process.poll()}) -----\n"
            f"{service.output()}"
            for service in self.services
        )

    def assert_running(self) -> None:
        """Fail, with every process's output, as soon as one of them has exited."""
        exited = [
            service.command for service in self.services if service.process.poll() is not None
        ]
        assert not exited, f"{', '.join(exited)} exited early:{self.outputs()}"

    def stop(self) -> None:
        """Send SIGTERM to each process group, then SIGKILL to those still running."""
        for service in self.services:
            signal_group(service.process, signal.SIGTERM)
        deadline = time.monotonic() + STOP_WITHIN_SECONDS
        for service in self.services:
            try:
                service.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                signal_group(service.process, signal.SIGKILL)
                service.process.wait(timeout=STOP_WITHIN_SECONDS)
            service.log_file.close()


def signal_group(process: subprocess.Popen[bytes], signal_number: int) -> None:
    """Signal the process group a started process leads (gunicorn and Celery fork children)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal_number)


def wait_for_health(stack: Stack, url: str) -> tuple[int, dict[str, Any]]:
    """Poll /healthz until it answers 200; fail with the processes' output otherwise."""
    deadline = time.monotonic() + HEALTHY_WITHIN_SECONDS
    last_answer = "no answer"
    while time.monotonic() < deadline:
        stack.assert_running()
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            last_answer = f"{error.code}: {error.read().decode(errors='replace')}"
        except OSError as error:
            last_answer = repr(error)
        time.sleep(0.5)
    pytest.fail(
        f"{url} did not answer 200 within {HEALTHY_WITHIN_SECONDS} s "
        f"(last: {last_answer}):{stack.outputs()}"
    )


def fetch(url: str) -> tuple[int, str]:
    """Return the status and body of a GET, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def ping_through_broker(broker_url: str, token: str) -> object:
    """Send core.tasks.ping_task through the broker by name; return its result, None if late."""
    app = Celery("deploy-test", broker=broker_url, backend=broker_url, set_as_current=False)
    app.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"])
    try:
        result = app.send_task("core.tasks.ping_task", args=[token])
        try:
            return result.get(timeout=TASK_WITHIN_SECONDS)
        except CeleryTimeoutError:
            return None
        finally:
            result.forget()
    finally:
        app.close()


@pytest.fixture
def throwaway_database(require_postgres_and_redis: ServiceUrls) -> Iterator[str]:
    """Create an empty PostgreSQL database next to DATABASE_URL's; drop it afterwards."""
    with throwaway_postgres_database(require_postgres_and_redis.database_url) as url:
        yield url


@pytest.fixture
def broker_url(require_postgres_and_redis: ServiceUrls, monkeypatch: pytest.MonkeyPatch) -> str:
    """CELERY_BROKER_URL's Redis server, on the database kept for this test, for every process."""
    url = with_path(require_postgres_and_redis.broker_url, f"/{REDIS_DATABASE}")
    # Celery prefers these variables to any app's configuration, so the test process needs them too.
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    monkeypatch.setenv("CELERY_RESULT_BACKEND", url)
    return url


@pytest.fixture
def stack(tmp_path: Path, throwaway_database: str, broker_url: str) -> Iterator[Stack]:
    """An empty stack in production settings; every process it started is stopped afterwards."""
    environment = {
        **os.environ,
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "DATABASE_URL": throwaway_database,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_RESULT_BACKEND": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "STATICFILES_MANIFEST": "true",
        # As in the image: runtime files in VAR_DIR, static files outside it.
        "VAR_DIR": str(tmp_path / "var"),
        "STATIC_ROOT": str(tmp_path / "staticfiles"),
        "BIND": f"127.0.0.1:{free_port()}",
        "WEB_CONCURRENCY": "2",
        "WORKER_CONCURRENCY": "1",
        "LOG_LEVEL": "INFO",
        # gunicorn puts its control socket here rather than in the user's ~/.gunicorn.
        "XDG_RUNTIME_DIR": str(tmp_path),
        "PYTHONUNBUFFERED": "1",
    }
    environment.pop("PORT", None)
    started = Stack(environment, tmp_path)
    try:
        yield started
    finally:
        started.stop()


@pytest.mark.integration
def test_web_worker_and_beat_run_as_the_compose_services_would(
    stack: Stack, broker_url: str
) -> None:
    """web answers /healthz and pages, the worker runs a task sent through Redis, beat keeps up."""
    collected = stack.run("manage", "collectstatic", "--no-input")
    assert collected.returncode == 0, collected.stdout + collected.stderr
    stack.start("web")
    stack.start("worker")
    beat = stack.start("beat")
    base_url = f"http://{stack.environment['BIND']}"
    token = secrets.token_hex(8)

    status, health = wait_for_health(stack, f"{base_url}/healthz")
    login_status, login_page = fetch(f"{base_url}/accounts/login/")
    result = ping_through_broker(broker_url, token)

    assert status == 200
    assert health["status"] == "ok", health
    assert health["checks"]["database"]["ok"] is True, health
    assert health["checks"]["broker"]["ok"] is True, health
    assert login_status == 200, f"{login_page[-2000:]}{stack.outputs()}"
    assert result == f"pong:{token}", f"the worker did not answer in time:{stack.outputs()}"
    assert beat.process.poll() is None, f"beat stopped:{stack.outputs()}"
    stack.assert_running()


def test_missing_services_skip_the_tests_that_need_them(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    """Without PostgreSQL and Redis URLs, require_postgres_and_redis skips and says why."""
    monkeypatch.setenv("DATABASE_URL", "sqlite:///var/loyaltyqms.sqlite3")
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.delenv("REQUIRE_SERVICES", raising=False)

    with pytest.raises(pytest.skip.Exception) as outcome:
        request.getfixturevalue("require_postgres_and_redis")

    assert "DATABASE_URL is sqlite://..." in str(outcome.value)
    assert "CELERY_BROKER_URL is unset" in str(outcome.value)


def test_missing_services_fail_the_tests_when_services_are_required(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    """With REQUIRE_SERVICES=1 (as in CI), require_postgres_and_redis fails instead of skipping."""
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    monkeypatch.setenv("CELERY_BROKER_URL", "filesystem://localhost/")
    monkeypatch.setenv("REQUIRE_SERVICES", "1")

    with pytest.raises(pytest.fail.Exception) as outcome:
        request.getfixturevalue("require_postgres_and_redis")

    assert "CELERY_BROKER_URL is filesystem://..." in str(outcome.value)
    assert "REQUIRE_SERVICES=1" in str(outcome.value)


def test_postgres_and_redis_urls_are_handed_to_the_tests(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    """With both URLs set, require_postgres_and_redis returns them unchanged."""
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")

    urls = request.getfixturevalue("require_postgres_and_redis")

    assert urls == ServiceUrls(
        "postgres://postgres@127.0.0.1:5432/postgres", "redis://127.0.0.1:6379/0"
    )
