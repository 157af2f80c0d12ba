"""The full export for an organisation leaving: `manage.py export_all OUTPUT.zip`."""

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.db import models

from core.full_export import README_NAME, export_cell
from feedback import services as feedback_services
from feedback.models import Survey
from tests.core.records import FORMULA_TEXT, records_of_every_kind
from tests.feedback.factories import ResponseFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def project_models() -> list[type[models.Model]]:
    """Return every model of the project's apps, many-to-many link tables included."""
    found: list[type[models.Model]] = []
    for app_config in apps.get_app_configs():
        if Path(app_config.path).parent == settings.BASE_DIR:
            found.extend(app_config.get_models(include_auto_created=True))
    return found


def read_export(path: Path) -> dict[str, list[dict[str, str]]]:
    """Return each CSV of the zip as its rows (dicts keyed by the header)."""
    with zipfile.ZipFile(path) as archive:
        return {
            name: list(csv.DictReader(io.TextIOWrapper(archive.open(name), encoding="utf-8")))
            for name in archive.namelist()
            if name.endswith(".csv")
        }


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    """Build records of most kinds and export them; return the zip's path."""
    records_of_every_kind()
    output = tmp_path / "export.zip"
    call_command("export_all", str(output), stdout=io.StringIO())
    return output


def test_export_has_a_file_per_model_with_every_row(exported: Path) -> None:
    """Every model of the project's apps, and the users and roles, has a CSV with all its rows:
    an organisation leaving takes every record with it."""
    files = read_export(exported)

    exported_models: list[type[models.Model]] = [*project_models(), User, Group]
    for model in [*exported_models, User.groups.through]:
        name = f"{model._meta.label_lower}.csv"
        assert name in files, name
        assert len(files[name]) == model._base_manager.count(), name
    assert len(files) == len(project_models()) + 3
    assert len(files["feedback.complaint.csv"]) == 6
    assert len(files["feedback.historicalcomplaint.csv"]) >= 11  # logged, then acknowledged
    assert len(files["feedback.insight_themes.csv"]) == 2


def test_export_keeps_values_and_defuses_formulas(exported: Path) -> None:
    """A complaint text a spreadsheet would run is written with a leading ', like every other
    export; plain text, numbers and foreign keys are written as they are."""
    files = read_export(exported)

    descriptions = {row["description"] for row in files["feedback.complaint.csv"]}
    assert "'" + FORMULA_TEXT in descriptions
    assert FORMULA_TEXT not in descriptions
    comments = {row["comment"] for row in files["feedback.surveyresponse.csv"]}
    assert comments == {"'- late again, @SwiftParcel"}  # every cell starting with - is defused
    complaint = files["feedback.complaint.csv"][0]
    assert complaint["logged_by_id"] == str(User.objects.get(username="records-frontline").pk)
    assert complaint["received_at"].startswith("20")  # ISO 8601
    assert complaint["received_at"][-6] in "+-"  # with its UTC offset


def test_export_leaves_out_password_hashes(exported: Path) -> None:
    """Users are exported with their names and roles, never with their password hashes."""
    files = read_export(exported)

    users = files["auth.user.csv"]
    assert {"records-manager", "records-frontline"} <= {row["username"] for row in users}
    assert "password" not in users[0]
    with zipfile.ZipFile(exported) as archive:
        everything = b"".join(archive.read(name) for name in archive.namelist())
    hashes = User.objects.values_list("password", flat=True)
    assert not any(password.encode() in everything for password in hashes if password)


def test_export_readme_describes_every_file(exported: Path) -> None:
    """README.txt names every file with its row count, what it holds and its columns."""
    with zipfile.ZipFile(exported) as archive:
        readme = archive.read(README_NAME).decode()
        names = [name for name in archive.namelist() if name.endswith(".csv")]

    for name in names:
        assert f"\n{name} (" in readme, name
    assert "feedback.complaint.csv (6 rows)" in readme
    assert "logged_by_id: logged by (the id of a row in auth.user.csv)" in readme
    assert "Change history of complaints" in readme
    assert "remove that first '" in readme


def test_export_refuses_to_overwrite_a_file(tmp_path: Path) -> None:
    """An existing file is kept unless --force says to replace it."""
    output = tmp_path / "export.zip"
    output.write_bytes(b"earlier export")

    with pytest.raises(CommandError, match="exists"):
        call_command("export_all", str(output), stdout=io.StringIO())

    assert output.read_bytes() == b"earlier export"
    call_command("export_all", str(output), "--force", stdout=io.StringIO())
    assert zipfile.is_zipfile(output)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (None, ""),
        (True, "true"),
        (-3, -3),
        ("=1+1", "'=1+1"),
        ({"b": 1, "a": "x"}, '{"a": "x", "b": 1}'),
        ("plain", "plain"),
    ],
)
def test_export_cell_writes_values_exactly(value: object, cell: object) -> None:
    """Cells keep numbers, booleans and JSON exactly and defuse text a spreadsheet would run."""
    assert export_cell(value) == cell


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_export_reads_one_snapshot_on_postgresql(
    require_postgres_and_redis: object, tmp_path: Path
) -> None:
    """Outside a transaction, PostgreSQL exports from one read-only snapshot, every row there."""
    records_of_every_kind(complaints=1)
    output = tmp_path / "export.zip"

    call_command("export_all", str(output), stdout=io.StringIO())

    files = read_export(output)
    assert len(files["feedback.complaint.csv"]) == 2
    assert len(files["auth.user.csv"]) == User.objects.count()


def test_export_leaves_out_employees_anonymous_answers(tmp_path: Path, make_user: Any) -> None:
    """eNPS answers, and their per-department day counts, are not exported one by one: with
    their time and department beside the list of who took part they could name the employee.
    Customers' answers are exported as usual."""
    customer_answer = ResponseFactory.create(comment="Quick delivery")
    pulse = SurveyFactory.create(kind=Survey.Kind.ENPS, recurrence_weeks=6)
    feedback_services.employee_pulse_respond(
        user=make_user("frontline"), survey=pulse, score=2, comment="My manager never listens"
    )
    output = tmp_path / "export.zip"

    call_command("export_all", str(output), stdout=io.StringIO())

    files = read_export(output)
    answers = files["feedback.surveyresponse.csv"]
    assert [row["id"] for row in answers] == [str(customer_answer.pk)]
    assert {row["survey_id"] for row in files["feedback.surveyday.csv"]} == {
        str(customer_answer.survey_id)
    }
    assert "never listens" not in "".join(str(row) for name, rows in files.items() for row in rows)
    with zipfile.ZipFile(output) as archive:
        assert "eNPS) answers are left out" in archive.read(README_NAME).decode()
