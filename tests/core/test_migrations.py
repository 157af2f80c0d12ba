"""Every model change ships with its migration, and the migrations build what the models declare.

The suite's test databases are built straight from the models (`--no-migrations` in
pyproject.toml: running every migration cost each worker about 22 s). These tests are where the
migrations themselves run: all of them, from nothing, as `make run` and a deployment run them.
"""

import os
import sqlite3
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import override_settings

from feedback.models import SeverityPolicy
from reports.models import ScorecardCriterion
from tests.conftest import throwaway_postgres_database
from tests.core.test_settings import run_manage

# Tables Django keeps for itself (the migration ledger) or SQLite keeps for its counters.
BOOKKEEPING_TABLES = {"django_migrations", "sqlite_sequence"}
SEEDED = (Group, SeverityPolicy, ScorecardCriterion)


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration() -> None:
    """`makemigrations --check` finds nothing to write (read from the real migration modules,
    which the test settings otherwise switch off)."""
    output = StringIO()

    with override_settings(MIGRATION_MODULES={}):
        try:
            call_command("makemigrations", "--check", "--dry-run", stdout=output)
        except SystemExit as exit_code:
            pytest.fail(f"missing migrations (exit {exit_code}):\n{output.getvalue()}")


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """An empty database of the suite's engine: PostgreSQL when DATABASE_URL says so, else a
    SQLite file."""
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith("postgres"):
        with throwaway_postgres_database(database_url) as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"


def rows_of(database_url: str, query: str) -> list[tuple[object, ...]]:
    """Return the rows a query reads from the migrated database (SQLite or PostgreSQL)."""
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as database:
            return database.execute(query).fetchall()
    with psycopg.connect(database_url) as database:
        return database.execute(query).fetchall()


def columns_by_table(database_url: str) -> dict[str, set[str]]:
    """Return each table's columns, read from the database's own catalogue."""
    catalogue = (
        "SELECT m.name, p.name FROM sqlite_master AS m, pragma_table_xinfo(m.name) AS p"
        " WHERE m.type = 'table'"
        if database_url.startswith("sqlite")
        else "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = 'public'"
    )
    tables: dict[str, set[str]] = {}
    for table, column in rows_of(database_url, catalogue):
        tables.setdefault(str(table), set()).add(str(column))
    return {table: columns for table, columns in tables.items() if table not in BOOKKEEPING_TABLES}


def models_columns_by_table() -> dict[str, set[str]]:
    """Return the tables and columns the models declare (many-to-many tables included)."""
    return {
        model._meta.db_table: {field.column for field in model._meta.local_concrete_fields}
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


@pytest.mark.django_db
def test_migrations_build_from_nothing_the_tables_the_models_declare(
    empty_database: str, tmp_path: Path
) -> None:
    """`manage.py migrate` on an empty database succeeds, leaves exactly the models' tables and
    columns, and writes the rows the test databases are seeded with (role groups, SLA policies,
    scorecard criteria)."""
    migrated = run_manage(
        "migrate",
        "--no-input",
        env={"DEBUG": "true", "DATABASE_URL": empty_database},
        tmp_path=tmp_path,
        timeout=300,
    )

    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    assert columns_by_table(empty_database) == models_columns_by_table()
    for model in SEEDED:
        table = model._meta.db_table
        query = f"SELECT COUNT(*) FROM {table}"  # noqa: S608 (a model's table, not input)
        assert rows_of(empty_database, query) == [(model.objects.count(),)], table
        assert model.objects.exists(), table
