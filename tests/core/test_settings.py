"""Settings come from the environment, with safe defaults and clear errors."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from loyaltyqms.settings import cache_from_url, default_site_url, env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "qms.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://qms.example.com",
    "DATABASE_URL": "postgres://loyaltyqms:secret@db.example.com:5432/loyaltyqms",
    "CELERY_BROKER_URL": "redis://redis.example.com:6379/0",
    "SECURE_PROXY_SSL_HEADER": "true",
}


def run_manage(
    *args: str, env: dict[str, str], tmp_path: Path, timeout: int = 120
) -> subprocess.CompletedProcess:
    """Run manage.py in a clean environment holding only PATH, HOME, VAR_DIR (tmp_path) and the
    given variables."""
    clean = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "VAR_DIR": str(tmp_path),
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_check_deploy_with_production_environment_prints_no_warnings(tmp_path: Path) -> None:
    """`manage.py check --deploy` passes cleanly with production-like variables."""
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV, tmp_path=tmp_path
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


def test_missing_secret_key_with_debug_off_is_a_clear_error(tmp_path: Path) -> None:
    """Without SECRET_KEY in production the project refuses to start and says why."""
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SECRET_KEY"}

    result = run_manage("check", env=env, tmp_path=tmp_path)

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


PRINT_KEY = "from django.conf import settings; print(settings.SECRET_KEY)"
PREPARE_VAR_DIR_AND_PRINT_KEY = (
    f"from core.var_dir import var_dir_prepare; var_dir_prepare(); {PRINT_KEY}"
)


def test_debug_keeps_the_key_of_the_process_preparing_var_for_those_that_follow(
    tmp_path: Path,
) -> None:
    """Development needs no key: the first command preparing VAR_DIR keeps its key there."""
    env = {"DEBUG": "true", "VAR_DIR": str(tmp_path / "var")}

    preparing = run_manage(
        "shell", "--no-imports", "-c", PREPARE_VAR_DIR_AND_PRINT_KEY, env=env, tmp_path=tmp_path
    )
    following = run_manage("shell", "--no-imports", "-c", PRINT_KEY, env=env, tmp_path=tmp_path)

    assert preparing.returncode == 0, preparing.stderr
    assert following.stdout == preparing.stdout
    key_file = tmp_path / "var" / "development_secret_key"
    assert key_file.read_text() == preparing.stdout.strip()
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_loading_the_settings_apps_and_urls_creates_nothing(tmp_path: Path) -> None:
    """`check` (settings, apps, URLs) leaves a missing VAR_DIR missing: no folder, no key."""
    var_dir = tmp_path / "var"

    result = run_manage("check", env={"DEBUG": "true", "VAR_DIR": str(var_dir)}, tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    assert not var_dir.exists()


@pytest.mark.django_db
def test_migrate_creates_var_dir_its_folders_and_the_development_key(
    tmp_path: Path, settings
) -> None:
    """migrate, the first command on a fresh clone, makes what the other processes need."""
    var_dir = tmp_path / "var"
    settings.VAR_DIR = var_dir
    settings.STATIC_ROOT = var_dir / "staticfiles"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(var_dir / "celery-broker" / "queue"),
        "data_folder_out": str(var_dir / "celery-broker" / "queue"),
        "processed_folder": str(var_dir / "celery-broker" / "processed"),
        "control_folder": str(var_dir / "celery-broker" / "control"),
    }
    settings.DEVELOPMENT_SECRET_KEY_FILE = var_dir / "development_secret_key"

    call_command("migrate", check_unapplied=True, verbosity=0)

    folders = sorted(str(path.relative_to(var_dir)) for path in var_dir.rglob("*") if path.is_dir())
    assert folders == [
        "celery-broker",
        "celery-broker/control",
        "celery-broker/processed",
        "celery-broker/queue",
        "staticfiles",
    ]
    assert (var_dir / "development_secret_key").read_text() == settings.SECRET_KEY


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("", "django.core.cache.backends.locmem.LocMemCache"),
        ("redis://redis:6379/2", "django.core.cache.backends.redis.RedisCache"),
        (
            "rediss://:secret@cache.example.com:6380/0",
            "django.core.cache.backends.redis.RedisCache",
        ),
    ],
)
def test_cache_url_selects_redis_or_memory(url: str, backend: str) -> None:
    assert cache_from_url(url)["BACKEND"] == backend


def test_cache_url_of_another_kind_is_refused_not_replaced_by_memory() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"CACHE_URL='reddis://redis:6379/2' is not"):
        cache_from_url("reddis://redis:6379/2")


def test_a_cache_url_not_understood_stops_the_start_naming_it_without_password(
    tmp_path: Path,
) -> None:
    """A typo or an unsupported cache stops the start, not replaced by a per-process cache."""
    env = {**PRODUCTION_ENV, "CACHE_URL": "memcached://:hunter2@cache.example.com:11211"}

    result = run_manage("check", env=env, tmp_path=tmp_path)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "CACHE_URL='memcached://:***@cache.example.com:11211' is not understood" in result.stderr
    assert "hunter2" not in result.stderr


def test_database_and_broker_urls_select_postgresql_and_redis(tmp_path: Path) -> None:
    """The same code runs on PostgreSQL and Redis when the URLs say so."""
    code = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE']); "
        "print(settings.DATABASES['default']['HOST']); "
        "print(settings.CELERY_BROKER_URL)"
    )

    result = run_manage("shell", "--no-imports", "-c", code, env=PRODUCTION_ENV, tmp_path=tmp_path)

    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "db.example.com",
        "redis://redis.example.com:6379/0",
    ]


def test_defaults_are_sqlite_and_an_embedded_broker_under_var(tmp_path: Path) -> None:
    """A fresh machine needs no database or broker server."""
    code = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['NAME']); "
        "print(settings.CELERY_BROKER_URL)"
    )

    result = run_manage(
        "shell", "--no-imports", "-c", code, env={"DEBUG": "true"}, tmp_path=tmp_path
    )

    assert result.stdout.split() == [
        str(tmp_path / "loyaltyqms.sqlite3"),
        "filesystem://localhost/",
    ]


SITE_URL_CODE = (
    "from django.conf import settings; print(settings.SITE_URL, settings.SITE_URL_FROM_REQUEST)"
)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        # Unset in development: the address runserver listens on, as `make run` exports it.
        ({"DEBUG": "true"}, "http://127.0.0.1:8000 True"),
        # Unset in production: the first host name served, over https.
        (PRODUCTION_ENV, "https://qms.example.com True"),
        (
            {**PRODUCTION_ENV, "SITE_URL": "https://loyalty.example.com/ "},
            "https://loyalty.example.com False",
        ),
    ],
    ids=["development", "production", "set"],
)
def test_site_url_is_set_or_follows_where_the_site_is_served(
    tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    result = run_manage("shell", "--no-imports", "-c", SITE_URL_CODE, env=env, tmp_path=tmp_path)

    assert result.stdout.strip() == expected, result.stderr


@pytest.mark.parametrize(
    ("allowed_hosts", "expected"),
    [
        (["qms.example.com", "localhost"], "https://qms.example.com"),
        (["*", ".example.com"], "https://example.com"),
        (["*"], ""),
        ([], ""),
    ],
)
def test_production_site_url_is_the_first_named_allowed_host(
    allowed_hosts: list[str], expected: str
) -> None:
    assert default_site_url(False, allowed_hosts) == expected


def test_production_without_site_url_or_a_named_host_warns_at_start(tmp_path: Path) -> None:
    """E-mails would carry links without a host: `check` (run by migrate on start) says so."""
    env = {**PRODUCTION_ENV, "ALLOWED_HOSTS": "*"}

    result = run_manage("check", env=env, tmp_path=tmp_path)

    assert "core.W001" in result.stderr
    assert "SITE_URL is not set" in result.stderr


def test_make_run_exports_the_site_url_runserver_listens_on() -> None:
    """E-mails sent by the worker under `make run` link to the web process of Procfile.dev."""
    procfile = (ROOT / "loyaltyqms" / "Procfile.dev").read_text()
    makefile = (ROOT / "Makefile").read_text()

    address = re.search(r"^web: .*runserver (\S+)", procfile, re.MULTILINE)

    assert address
    assert f'SITE_URL="$${{SITE_URL:-http://{address.group(1).replace("$", "$$")}}}"' in makefile


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("On", True), ("0", False), ("no", False)]
)
def test_env_bool_reads_common_words(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool
) -> None:
    """Boolean variables accept the usual spellings."""
    monkeypatch.setenv("SOME_FLAG", raw)

    assert env_bool("SOME_FLAG", not expected) is expected


def test_env_bool_refuses_a_typo(monkeypatch: pytest.MonkeyPatch) -> None:
    """A misspelt boolean is an error, not silently false."""
    monkeypatch.setenv("SOME_FLAG", "ture")

    with pytest.raises(ImproperlyConfigured, match="is not a boolean"):
        env_bool("SOME_FLAG", False)


def test_env_int_and_env_list_parse_their_values(monkeypatch: pytest.MonkeyPatch) -> None:
    """Integers and comma-separated lists are parsed, with a clear error for a bad integer."""
    monkeypatch.setenv("SOME_NUMBER", "12")
    monkeypatch.setenv("SOME_LIST", " a.example, ,b.example ")
    monkeypatch.setenv("BAD_NUMBER", "twelve")

    assert env_int("SOME_NUMBER", 0) == 12
    assert env_list("SOME_LIST") == ["a.example", "b.example"]
    with pytest.raises(ImproperlyConfigured, match="is not an integer"):
        env_int("BAD_NUMBER", 0)


def test_time_zone_support_is_on() -> None:
    """Datetimes are time-zone aware everywhere."""
    from django.conf import settings

    assert settings.USE_TZ is True
    assert settings.USE_I18N is True


def test_wsgi_and_celery_are_production_by_default(tmp_path: Path) -> None:
    """gunicorn's and Celery's entry points keep DEBUG off unless told: no key, no start."""
    clean = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "VAR_DIR": str(tmp_path)}

    for code in (
        "import loyaltyqms.wsgi",
        "from loyaltyqms.celery import app; app.conf.broker_url",
    ):
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=clean,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode != 0, code
        assert "SECRET_KEY must be set when DEBUG is off" in result.stderr, code
