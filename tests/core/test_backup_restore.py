"""Backup and restore, with the README's commands: `make backup` then `make restore`.

The test database, filled with records of most kinds, is dumped with pg_dump and restored with
pg_restore into a fresh database; every table must come back with the same rows (a count and an
MD5 of its rows per table) and every sequence at the same value, so new records get new ids.
"""

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from feedback.models import Complaint
from tests.conftest import ServiceUrls, throwaway_postgres_database
from tests.core.records import records_of_every_kind

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def database_url(name: str) -> str:
    """Return the postgres:// URL of a database on the test database's server."""
    server = connection.settings_dict
    credentials = quote(server["USER"] or "", safe="")
    if server["PASSWORD"]:
        credentials += ":" + quote(server["PASSWORD"], safe="")
    host = server["HOST"] or "localhost"
    return f"postgres://{credentials}@{host}:{server['PORT'] or 5432}/{quote(name, safe='')}"


def table_fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """Return each table's row count and the MD5 of its rows (as text, in text order)."""
    fingerprints = {}
    with psycopg.connect(url, autocommit=True) as database:
        names = database.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).fetchall()
        for (name,) in names:
            query = sql.SQL(
                "SELECT count(*),"
                " md5(coalesce(string_agg(row::text, E'\\n' ORDER BY row::text), ''))"
                " FROM {} AS row"
            ).format(sql.Identifier(name))
            count, digest = database.execute(query).fetchone() or (0, "")
            fingerprints[name] = (count, digest)
    return fingerprints


def sequence_values(url: str) -> dict[str, int | None]:
    """Return the last value handed out by each sequence (the next ids)."""
    with psycopg.connect(url, autocommit=True) as database:
        rows = database.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
        ).fetchall()
    return dict(rows)


@pytest.fixture
def restore_target(require_postgres_and_redis: ServiceUrls) -> Iterator[str]:
    """Create an empty database beside the test database; yield its URL, then drop it."""
    with throwaway_postgres_database(database_url(connection.settings_dict["NAME"])) as url:
        yield url


def make(target: str, *, database: str, backup: Path) -> subprocess.CompletedProcess[str]:
    """Run `make <target> BACKUP=<backup>` with DATABASE_URL set, as the README says."""
    environment = {**os.environ, "DATABASE_URL": database}
    return subprocess.run(
        ["make", "--no-print-directory", target, f"BACKUP={backup}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_restore_brings_back_every_row_of_every_table(restore_target: str, tmp_path: Path) -> None:
    """A backup restored into a new database holds exactly the original rows and sequences: the
    organisation's quality records survive the loss of the database server."""
    records_of_every_kind()
    original = database_url(connection.settings_dict["NAME"])
    backup = tmp_path / "loyaltyqms.dump"
    started = time.monotonic()

    dumped = make("backup", database=original, backup=backup)
    restored = make("restore", database=restore_target, backup=backup)

    assert dumped.returncode == 0, dumped.stderr
    assert restored.returncode == 0, restored.stderr
    assert time.monotonic() - started < 30
    before, after = table_fingerprints(original), table_fingerprints(restore_target)
    assert after == before
    assert before["feedback_complaint"][0] == Complaint.objects.count() > 0
    assert before["feedback_historicalcomplaint"][0] > 0
    assert sum(count > 0 for count, _digest in before.values()) >= 30
    assert set(connection.introspection.table_names()) <= set(before)
    assert sequence_values(restore_target) == sequence_values(original)


def test_restore_refuses_a_database_that_is_not_empty(
    require_postgres_and_redis: ServiceUrls, tmp_path: Path
) -> None:
    """Restoring over a database in use is refused before anything is written to it."""
    records_of_every_kind(complaints=1)
    original = database_url(connection.settings_dict["NAME"])
    backup = tmp_path / "loyaltyqms.dump"
    assert make("backup", database=original, backup=backup).returncode == 0
    before = table_fingerprints(original)

    refused = make("restore", database=original, backup=backup)

    assert refused.returncode != 0
    assert "restore into a new, empty one" in refused.stderr
    assert table_fingerprints(original) == before
