"""Each importer offers a template CSV built from its own column definitions; uploading the
template as it comes imports its example row without an error, which proves the template and
the importer agree."""

import csv
import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.imports import reading, registry, selectors, services
from core.models import ImportJob
from feedback.models import Survey
from journeys.models import Touchpoint
from metrics.models import Indicator
from stakeholders.models import Customer
from tests.metrics.factories import IndicatorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]

IMPORTERS = sorted(importer.key for importer in registry.all_importers())


@pytest.fixture
def world(customer: Customer, delivery: Touchpoint) -> None:
    """What the examples name: a survey, a customer, a touchpoint, an observed indicator on a
    p chart (the strictest: it needs n and a value within it)."""
    Survey.objects.create(name="Delivery CSAT", kind=Survey.Kind.CSAT, question="Satisfied?")
    IndicatorFactory.create(code="on-time-rate", chart_type=Indicator.ChartType.P)


def template_of(client: Client, key: str) -> str:
    response = client.get(reverse("imports:template", args=[key]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="{key}-template.csv"' in response["Content-Disposition"]
    return response.content.decode()


def imported(user: User, key: str, content: str) -> ImportJob:
    """Upload the file to the importer, map the columns as suggested and run the import."""
    job = services.import_job_create(
        created_by=user,
        importer_key=key,
        file=SimpleUploadedFile(f"{key}.csv", content.encode(), content_type="text/csv"),
    )
    importer = registry.get(key)
    assert importer is not None
    mapping = reading.suggested_mapping(
        importer.column_names, selectors.import_job_preview(job).headers
    )
    services.import_job_start(job=job, mapping=mapping, enqueue=False)
    finished = services.import_job_run(job_id=job.pk)
    assert finished is not None
    return finished


@pytest.mark.parametrize("key", IMPORTERS)
def test_every_importers_template_imports_its_example_row_cleanly(
    key: str, world: None, make_user: Any
) -> None:
    user = make_user("quality_manager")
    client = Client()
    client.force_login(user)

    job = imported(user, key, template_of(client, key))

    assert job.status == ImportJob.Status.DONE, job.failure
    assert job.first_errors == []
    assert (job.total_rows, job.created_rows, job.error_rows) == (1, 1, 0)


@pytest.mark.parametrize("key", IMPORTERS)
def test_a_template_has_the_importers_columns_required_first(key: str, make_user: Any) -> None:
    importer = registry.get(key)
    assert importer is not None
    client = Client()
    client.force_login(make_user("quality_manager"))

    header, example = list(csv.reader(io.StringIO(template_of(client, key))))

    required = [column.name for column in importer.columns if column.required]
    optional = [column.name for column in importer.columns if not column.required]
    assert header == required + optional
    assert len(example) == len(header)
    assert all(example[header.index(name)] for name in required)


def test_the_upload_page_links_each_importers_template(client_for: Any) -> None:
    html = client_for("quality_manager").get(reverse("imports:job-create")).content.decode()

    for key in IMPORTERS:
        assert f'href="{reverse("imports:template", args=[key])}"' in html


def test_a_template_follows_the_permission_to_import(client_for: Any) -> None:
    """Executives may read survey results but import nothing; an unknown importer is a 404."""
    url = reverse("imports:template", args=["survey_responses"])

    assert client_for("executive").get(url).status_code == 403
    assert client_for("frontline").get(url).status_code == 403
    unknown = reverse("imports:template", args=["nothing"])
    assert client_for("quality_manager").get(unknown).status_code == 404


def test_template_cells_are_defused_for_spreadsheets(make_user: Any, customer: Customer) -> None:
    """A stored name that reads as a formula is never handed to a spreadsheet as one."""
    Customer.objects.filter(pk=customer.pk).update(external_reference="=cmd|' /C calc'!A0")
    importer = registry.get("customer_activity")
    assert importer is not None

    text = selectors.import_template(importer)

    assert ",=cmd" not in text
    assert "'=cmd" in text
