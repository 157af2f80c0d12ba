"""The survey of survey responses may be chosen on the upload form (or beside an API batch)
instead of given in a column; a column that names another survey refuses its row."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.imports import reading, selectors, services
from core.models import ImportJob
from feedback.models import Survey, SurveyResponse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]


@pytest.fixture
def kiosk(db: None) -> Survey:
    return Survey.objects.create(name="Kiosk NPS", kind=Survey.Kind.NPS, question="Recommend?")


@pytest.fixture
def store(db: None) -> Survey:
    return Survey.objects.create(name="Store CSAT", kind=Survey.Kind.CSAT, question="Satisfied?")


@pytest.fixture
def manager(make_user: Any) -> User:
    user: User = make_user("quality_manager")
    return user


def upload(content: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("responses.csv", content.encode(), content_type="text/csv")


def run(user: User, content: str, options: dict[str, str] | None = None) -> ImportJob:
    job = services.import_job_create(
        created_by=user, importer_key="survey_responses", file=upload(content), options=options
    )
    mapping = reading.suggested_mapping(
        ["survey", "external_id", "responded_at", "score", "comment"],
        selectors.import_job_preview(job).headers,
    )
    services.import_job_start(job=job, mapping=mapping, enqueue=False)
    finished = services.import_job_run(job_id=job.pk)
    assert finished is not None
    return finished


def test_a_file_without_a_survey_column_goes_to_the_survey_chosen(
    manager: User, kiosk: Survey
) -> None:
    content = "external_id,responded_at,score\nK-1,2026-01-05T10:00,9\nK-2,2026-01-06,3\n"

    job = run(manager, content, {"survey": str(kiosk.pk)})

    assert (job.status, job.created_rows, job.error_rows) == ("done", 2, 0)
    assert job.options == {"survey": str(kiosk.pk)}
    assert set(SurveyResponse.objects.values_list("survey__name", flat=True)) == {"Kiosk NPS"}


def test_a_survey_column_must_agree_with_the_survey_chosen(
    manager: User, kiosk: Survey, store: Survey
) -> None:
    """Blank cells take the chosen survey, cells naming it (by name or number) are kept, and a
    cell naming another survey refuses its row, naming the column."""
    content = (
        "survey,external_id,responded_at,score\n"
        ",K-1,2026-01-05,9\n"
        f"kiosk nps,K-2,2026-01-05,8\n"
        f"{kiosk.pk},K-3,2026-01-05,7\n"
        "Store CSAT,K-4,2026-01-05,4\n"
    )

    job = run(manager, content, {"survey": str(kiosk.pk)})

    assert (job.created_rows, job.error_rows) == (3, 1)
    [error] = job.first_errors
    assert (error["line"], error["column"]) == (5, "survey")
    assert error["reason"] == (
        "The row names the survey 'Store CSAT', but this import is for 'Kiosk NPS': leave the "
        "cell empty or name that survey."
    )
    assert not SurveyResponse.objects.filter(survey=store).exists()


def test_without_a_choice_the_survey_column_is_required_as_before(
    manager: User, kiosk: Survey
) -> None:
    job = services.import_job_create(
        created_by=manager,
        importer_key="survey_responses",
        file=upload("external_id,responded_at,score\nK-1,2026-01-05,9\n"),
    )
    mapping = reading.suggested_mapping(
        ["survey", "external_id", "responded_at", "score"],
        selectors.import_job_preview(job).headers,
    )

    with pytest.raises(ValidationError) as refused:
        services.import_job_start(job=job, mapping=mapping, enqueue=False)

    assert "survey" in refused.value.message_dict


def test_a_survey_chosen_for_another_importer_is_refused_on_its_field(
    manager: User, kiosk: Survey
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.import_job_create(
            created_by=manager,
            importer_key="customer_activity",
            file=upload("external_id\nA-1\n"),
            options={"survey": str(kiosk.pk)},
        )

    assert refused.value.message_dict == {
        "survey": [
            "An import of customer activity takes no survey for the whole file: leave it empty."
        ]
    }
    assert ImportJob.objects.count() == 0


def test_an_unknown_survey_is_refused_on_its_field(manager: User) -> None:
    with pytest.raises(ValidationError) as refused:
        services.import_job_create(
            created_by=manager,
            importer_key="survey_responses",
            file=upload("external_id\nA-1\n"),
            options={"survey": "999"},
        )

    assert refused.value.message_dict == {"survey": ["Choose a survey you may import into."]}


def test_rows_are_refused_when_the_chosen_survey_was_deleted_before_the_run(
    manager: User, kiosk: Survey
) -> None:
    job = services.import_job_create(
        created_by=manager,
        importer_key="survey_responses",
        file=upload("external_id,responded_at,score\nK-1,2026-01-05,9\n"),
        options={"survey": str(kiosk.pk)},
    )
    mapping = reading.suggested_mapping(
        ["external_id", "responded_at", "score"], selectors.import_job_preview(job).headers
    )
    services.import_job_start(job=job, mapping=mapping, enqueue=False)
    kiosk.delete()

    finished = services.import_job_run(job_id=job.pk)

    assert finished is not None
    assert [(error["column"], error["reason"]) for error in finished.first_errors] == [
        ("survey", "The survey chosen for this import no longer exists.")
    ]


# Pages ------------------------------------------------------------------------------------------


def test_the_pages_take_a_file_without_survey_column_to_the_survey_chosen(
    manager: User, kiosk: Survey, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(manager)

    response = client.post(
        reverse("imports:job-create"),
        {
            "importer": "survey_responses",
            "survey": str(kiosk.pk),
            "file": upload("external_id,responded_at,score\nK-1,2026-01-05,9\n"),
        },
    )
    job = ImportJob.objects.get()
    preview = client.get(response.url)
    form = preview.context["form"]
    data = {name: field.initial for name, field in form.fields.items()}
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(response.url, data)
    page = client.get(started.url).content.decode()

    assert "Chosen for the whole file: survey <strong>Kiosk NPS</strong>." in (
        preview.content.decode()
    )
    assert not form.fields["survey"].required
    assert 'data-testid="chosen-survey">Kiosk NPS<' in page
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.DONE
    assert SurveyResponse.objects.get().survey == kiosk


def test_the_upload_page_puts_a_wrong_survey_choice_next_to_the_field(
    manager: User, kiosk: Survey, client: Any
) -> None:
    client.force_login(manager)

    response = client.post(
        reverse("imports:job-create"),
        {
            "importer": "customer_activity",
            "survey": str(kiosk.pk),
            "file": upload("external_id\nA-1\n"),
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "survey": [
            "An import of customer activity takes no survey for the whole file: leave it empty."
        ]
    }
    assert ImportJob.objects.count() == 0


def test_the_upload_page_offers_the_surveys_by_name(
    manager: User, kiosk: Survey, store: Survey, client: Any
) -> None:
    client.force_login(manager)

    form = client.get(reverse("imports:job-create")).context["form"]

    assert list(form.fields["survey"].choices)[1:] == [
        (str(kiosk.pk), "Kiosk NPS"),
        (str(store.pk), "Store CSAT"),
    ]


# API --------------------------------------------------------------------------------------------


def test_the_bulk_api_takes_the_survey_beside_the_items(
    manager: User, kiosk: Survey, store: Survey, client: Any
) -> None:
    client.force_login(manager)
    items = [
        {"external_id": "A-1", "responded_at": "2026-01-05", "score": 9},
        {"external_id": "A-2", "responded_at": "2026-01-05", "score": 4, "survey": "Store CSAT"},
    ]

    response = client.post(
        "/api/v1/survey-responses/bulk/",
        {"survey": kiosk.pk, "items": items},
        content_type="application/json",
    )

    body = response.json()
    assert response.status_code == 200
    assert (body["created"], body["refused"]) == (1, 1)
    assert [(error["index"], error["column"]) for error in body["errors"]] == [(1, "survey")]
    assert SurveyResponse.objects.get().survey == kiosk


@pytest.mark.parametrize(
    ("path", "survey"),
    [("/api/v1/customer-activities/bulk/", "kiosk"), ("/api/v1/survey-responses/bulk/", 999)],
)
def test_the_bulk_api_refuses_a_wrong_survey_naming_the_field(
    manager: User, kiosk: Survey, client: Any, path: str, survey: Any
) -> None:
    client.force_login(manager)
    number = kiosk.pk if survey == "kiosk" else survey

    response = client.post(
        path,
        {"survey": number, "items": [{"external_id": "A-1"}]},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["survey"]
