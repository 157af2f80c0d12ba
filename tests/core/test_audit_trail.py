"""The audit trail (ISO 9001 §7.5): every create, change and delete of a controlled record is
kept with who, when, before and after; people read it on the record's page and export it as
CSV; only administrators delete controlled records, everyone else retires them.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import Model
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from core.audit import all_records, delete_refusal
from core.history import HistoryEntry, history_entries, recorded_as
from core.imports.registry import get as importer
from feedback.models import Complaint, ImprovementIdea, Survey
from journeys import services as journey_services
from journeys.models import Journey, QualityObjective, Stage, Touchpoint
from metrics.models import Indicator
from stakeholders.models import Department, Partner
from tests.feedback.factories import ComplaintFactory
from tests.journeys.factories import TouchpointFactory

pytestmark = pytest.mark.django_db

SCORES = {"reliability_score": 4, "values_score": 4, "customer_impact_score": 3, "cost_score": 3}


def api_as(user: User) -> APIClient:
    """Return an API client authenticated as the user."""
    client = APIClient()
    client.force_authenticate(user)
    return client


def client_as(user: User) -> Client:
    """Return a page client signed in as the user."""
    client = Client()
    client.force_login(user)
    return client


def newest(instance: Model) -> HistoryEntry:
    """Return the newest entry of a record's history."""
    return history_entries(instance, limit=1)[0]


def changed(entry: HistoryEntry) -> dict[str, tuple[str, str]]:
    """Return an entry's changes as {field: (before, after)}."""
    return {change.field: (change.old, change.new) for change in entry.changes}


def csv_rows(response: Any) -> list[dict[str, str]]:
    """Read a streamed CSV download into dictionaries."""
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


# Each controlled record's API route: how to create one, one change, and what it reads as after.


@dataclass(frozen=True)
class Route:
    """A controlled record's API route, with a valid creation and one change."""

    basename: str
    model: type[Model]
    create: Callable[[dict[str, Any]], dict[str, Any]]  # the records it needs -> the payload
    change: tuple[str, Any]  # field name in the API, new value
    label: str  # the changed field's label in the history
    before: str
    after: str
    lookup: str = "pk"

    def key_of(self, created: Any) -> Any:
        """Return the key the API answered a creation with (the id, or the code)."""
        return created.json()["id" if self.lookup == "pk" else self.lookup]


ROUTES = [
    Route(
        "journey",
        Journey,
        lambda given: {"name": "Move house"},
        ("status", "active"),
        "status",
        "Draft",
        "Active",
    ),
    Route(
        "stage",
        Stage,
        lambda given: {"journey": given["journey"].pk, "name": "Pack"},
        ("name", "Pack and label"),
        "name",
        "Pack",
        "Pack and label",
    ),
    Route(
        "touchpoint",
        Touchpoint,
        lambda given: {
            "stage": given["stage"].pk,
            "name": "Returns desk",
            "channel": "phone",
            "owner_department": given["department"].pk,
        },
        ("channel", "chat"),
        "channel",
        "Phone",
        "Chat",
    ),
    Route(
        "quality-objective",
        QualityObjective,
        lambda given: {
            "journey": given["journey"].pk,
            "statement": "Deliver on the promised day",
            "target_value": "95",
            "unit": "%",
            "due_date": "2027-03-31",
        },
        ("target_value", "97.50"),
        "target",
        "95.00",
        "97.50",
    ),
    Route(
        "partner",
        Partner,
        lambda given: {"name": "FreshFoods", "kind": "supplier", **SCORES},
        ("status", "probation"),
        "status",
        "Active",
        "Probation",
    ),
    Route(
        "indicator",
        Indicator,
        lambda given: {
            "code": "late-parcels",
            "name": "Late parcels",
            "kind": "leading",
            "stakeholder_group": "partners",
            "computation": "observed",
            "target": 3,
        },
        ("target", 2.5),
        "target",
        "3.0",
        "2.5",
        lookup="code",
    ),
    Route(
        "survey",
        Survey,
        lambda given: {"name": "After delivery", "kind": "csat"},
        ("name", "After the delivery"),
        "name",
        "After delivery",
        "After the delivery",
    ),
]


def given_records(journey: Journey, stage: Stage, department: Department) -> dict[str, Any]:
    """Return the records the routes' payloads refer to."""
    return {"journey": journey, "stage": stage, "department": department}


@pytest.mark.parametrize("route", ROUTES, ids=[route.basename for route in ROUTES])
def test_api_create_change_and_delete_are_kept_with_who_when_before_and_after(
    make_user, journey: Journey, stage: Stage, department: Department, route: Route
) -> None:
    """A quality manager creates and changes the record, an administrator deletes it: the
    history names each of them, the change's before and after, and outlives the record."""
    manager = make_user("quality_manager", first_name="Quinn", last_name="Okafor")
    administrator = make_user("administrator", first_name="Ali", last_name="Demir")
    payload = route.create(given_records(journey, stage, department))

    created = api_as(manager).post(reverse(f"{route.basename}-list"), payload, format="json")
    key = route.key_of(created)
    url = reverse(f"{route.basename}-detail", args=[key])
    field, value = route.change
    updated = api_as(manager).patch(url, {field: value}, format="json")
    record = route.model._default_manager.get(**{route.lookup: key})
    entries = list(reversed(history_entries(record)))
    deleted = api_as(administrator).delete(url)

    assert (created.status_code, updated.status_code, deleted.status_code) == (201, 200, 204)
    assert [(entry.action, entry.who) for entry in entries] == [
        ("created", "Quinn Okafor"),
        ("changed", "Quinn Okafor"),
    ]
    assert changed(entries[1])[route.label] == (route.before, route.after)
    versions = route.model.history.filter(id=record.pk)  # type: ignore[attr-defined]
    gone = versions.get(history_type="-")
    assert (gone.history_user, versions.count()) == (administrator, 3)


def test_complaint_logged_and_handled_through_the_api_names_each_actor(make_user) -> None:
    """Frontline logs the complaint, the quality manager acknowledges and assigns it."""
    logger = make_user("frontline", first_name="Sanne", last_name="Verbeek")
    manager = make_user("quality_manager", first_name="Quinn", last_name="Okafor")

    logged = api_as(logger).post(
        reverse("complaint-list"), {"description": "Parcel left in the rain."}, format="json"
    )
    complaint = Complaint.objects.get(pk=logged.json()["id"])
    api_as(manager).post(reverse("complaint-acknowledge", args=[complaint.pk]), {}, format="json")
    entries = list(reversed(history_entries(complaint)))

    assert [(entry.action, entry.who) for entry in entries] == [
        ("created", "Sanne Verbeek"),
        ("changed", "Quinn Okafor"),
    ]
    assert changed(entries[1])["status"] == ("Received", "Acknowledged")


def test_idea_submitted_and_reviewed_through_the_api_names_each_actor(make_user) -> None:
    """The submitter creates the idea, the reviewer moves it."""
    submitter = make_user("frontline", first_name="Sem", last_name="Bos")
    manager = make_user("quality_manager", first_name="Quinn", last_name="Okafor")

    submitted = api_as(submitter).post(
        reverse("idea-list"),
        {"title": "Photo at the door", "problem": "Disputes.", "proposal": "Ask for a photo."},
        format="json",
    )
    idea = ImprovementIdea.objects.get(pk=submitted.json()["id"])
    api_as(manager).post(reverse("idea-review", args=[idea.pk]), format="json")
    entries = list(reversed(history_entries(idea)))

    assert [(entry.action, entry.who) for entry in entries] == [
        ("created", "Sem Bos"),
        ("changed", "Quinn Okafor"),
    ]
    assert changed(entries[1])["status"] == ("Submitted", "Under review")


# Bulk writes ----------------------------------------------------------------------------------


def test_bulk_assignment_gives_each_complaint_a_version_signed_by_the_manager(
    make_user,
) -> None:
    """Forty complaints assigned in one go: each one's history says who assigned it to whom."""
    manager = make_user("quality_manager", first_name="Quinn", last_name="Okafor")
    assignee = make_user("quality_manager", first_name="Ruben", last_name="Kaya")
    complaints = [ComplaintFactory.create() for _number in range(3)]

    response = client_as(manager).post(
        reverse("feedback:complaint-bulk-assign"),
        {"complaints": [complaint.pk for complaint in complaints], "assignee": assignee.pk},
    )

    assert response.status_code == 302
    for complaint in complaints:
        entry = newest(complaint)
        assert (entry.who, changed(entry)["assignee"]) == ("Quinn Okafor", ("—", "Ruben Kaya"))


def test_moving_a_stage_records_every_stage_that_changed_place(make_user, journey: Journey) -> None:
    """Renumbering is a bulk update; each stage that moved still gets its version."""
    manager = make_user("quality_manager", first_name="Quinn", last_name="Okafor")
    first, second, third = (
        journey_services.stage_add(journey=journey, name=name) for name in ("A", "B", "C")
    )

    response = client_as(manager).post(
        reverse("journeys:stage-move", args=[third.pk]), {"direction": "left"}
    )

    assert response.status_code == 200
    assert changed(newest(third))["order"] == ("3", "2")
    assert changed(newest(second))["order"] == ("2", "3")
    assert newest(second).who == newest(third).who == "Quinn Okafor"
    assert first.history.count() == 1  # it did not move: no version


def test_an_import_run_by_the_worker_signs_the_complaints_with_who_started_it(
    make_user,
) -> None:
    """No request runs in the worker: the import names its author itself."""
    manager = make_user("quality_manager", first_name="Quinn", last_name="Okafor")
    rows = [
        {"external_id": "HD-1", "received_at": "2026-11-02T09:00", "description": "Late parcel."}
    ]

    complaints = importer("complaints")
    assert complaints is not None

    result = complaints.import_rows(rows, user=manager, origin="file")

    complaint = Complaint.objects.get(external_id="HD-1")
    assert result.created == 1
    assert (newest(complaint).who, newest(complaint).action) == ("Quinn Okafor", "created")


def test_recorded_as_signs_and_dates_what_a_command_writes(make_user, partner: Partner) -> None:
    """Outside a request (a command, the demo) `recorded_as` names the author and the moment."""
    manager = make_user("quality_manager", first_name="Quinn", last_name="Okafor")
    moment = partner.history.get().history_date + timedelta(hours=1)

    with recorded_as(manager, at=moment):
        partner.status = Partner.Status.PROBATION
        partner.save()

    entry = newest(partner)
    assert (entry.who, entry.when, changed(entry)["status"]) == (
        "Quinn Okafor",
        moment,
        ("Active", "Probation"),
    )


# Deleting and retiring --------------------------------------------------------------------------

CONTROLLED_DELETES = ["journey", "quality-objective", "partner", "indicator", "survey"]


@pytest.mark.parametrize("basename", CONTROLLED_DELETES)
def test_quality_manager_cannot_delete_a_controlled_record_only_retire_it(
    make_user, journey: Journey, stage: Stage, department: Department, basename: str
) -> None:
    """The API refuses with a 403 saying how to retire it; the record and its history stay."""
    route = next(route for route in ROUTES if route.basename == basename)
    manager = api_as(make_user("quality_manager"))
    created = manager.post(
        reverse(f"{basename}-list"),
        route.create(given_records(journey, stage, department)),
        format="json",
    )
    key = route.key_of(created)

    response = manager.delete(reverse(f"{basename}-detail", args=[key]))

    assert response.status_code == 403
    assert "Only an administrator may delete" in response.json()["detail"]
    assert "instead" in response.json()["detail"]
    record = route.model._default_manager.get(**{route.lookup: key})
    assert not record.history.filter(history_type="-").exists()  # type: ignore[attr-defined]


def test_a_journey_and_an_objective_are_retired_and_the_history_says_so(
    make_user, journey: Journey, objective: QualityObjective
) -> None:
    """Retiring is a change like any other: kept with its author."""
    manager = make_user("quality_manager", first_name="Quinn", last_name="Okafor")
    api = api_as(manager)

    api.patch(reverse("journey-detail", args=[journey.pk]), {"status": "retired"}, format="json")
    api.patch(
        reverse("quality-objective-detail", args=[objective.pk]),
        {"is_active": False},
        format="json",
    )

    assert changed(newest(journey))["status"] == ("Draft", "Retired")
    assert changed(newest(objective))["active"] == ("Yes", "No")
    assert newest(objective).who == "Quinn Okafor"


def test_the_map_refuses_deleting_a_touchpoint_that_takes_an_objective_with_it(
    make_user, objective: QualityObjective, delivery: Touchpoint
) -> None:
    """The objective is set at the delivery touchpoint: deleting it would delete the objective."""
    manager = client_as(make_user("quality_manager"))

    response = manager.post(reverse("journeys:touchpoint-delete", args=[delivery.pk]))

    assert response.status_code == 200
    assert "only an administrator may do that" in response.content.decode()
    assert Touchpoint.objects.filter(pk=delivery.pk).exists()
    assert QualityObjective.objects.filter(pk=objective.pk).exists()


def test_the_api_refuses_deleting_a_touchpoint_a_complaint_names(
    make_user, delivery: Touchpoint
) -> None:
    """Deleting it would silently clear the complaint's touchpoint."""
    ComplaintFactory.create(touchpoint=delivery)

    response = api_as(make_user("quality_manager")).delete(
        reverse("touchpoint-detail", args=[delivery.pk])
    )

    assert response.status_code == 403
    assert "1 complaint" in response.json()["detail"]


def test_an_administrator_deleting_a_touchpoint_leaves_a_version_on_each_complaint_it_clears(
    make_user, delivery: Touchpoint
) -> None:
    """Django's SET_NULL is one UPDATE no history sees: the complaint's history must say who
    cleared its touchpoint, whether the delete came through the service or the admin."""
    administrator = make_user("administrator", first_name="Ada", last_name="Admin")
    by_service = ComplaintFactory.create(touchpoint=delivery)
    other = TouchpointFactory.create(stage=delivery.stage, name="Returns", order=3)
    by_admin = ComplaintFactory.create(touchpoint=other)
    cleared = ((by_service, delivery.pk), (by_admin, other.pk))

    journey_services.touchpoint_delete(touchpoint=delivery, by=administrator)
    request = RequestFactory().post("/admin/")
    request.user = administrator
    touchpoint_admin = admin.site._registry[Touchpoint]
    touchpoint_admin.delete_queryset(request, Touchpoint.objects.filter(pk=other.pk))

    for complaint, touchpoint_id in cleared:
        complaint.refresh_from_db()
        assert complaint.touchpoint is None
        version = Complaint.history.filter(id=complaint.pk).latest("history_id")
        assert version.history_type == "~"
        assert version.touchpoint_id is None
        assert version.prev_record is not None
        assert version.prev_record.touchpoint_id == touchpoint_id
    assert Complaint.history.get(id=by_service.pk, touchpoint_id=None).history_user == administrator


def test_a_touchpoint_nothing_controlled_hangs_on_is_deleted_by_its_editor(
    make_user, touchpoint: Touchpoint
) -> None:
    """Fixing the map stays with the quality managers; the history keeps the deleted row."""
    manager = make_user("quality_manager", first_name="Quinn", last_name="Okafor")

    response = api_as(manager).delete(reverse("touchpoint-detail", args=[touchpoint.pk]))

    assert response.status_code == 204
    assert Touchpoint.history.get(id=touchpoint.pk, history_type="-").history_user == manager


def test_the_admin_lets_only_administrators_delete_controlled_records(make_user) -> None:
    """A staff member holding the delete permission still cannot delete there."""
    staff = make_user("quality_manager", is_staff=True)
    superuser = make_user("administrator")
    request = RequestFactory().get("/admin/")
    controlled = [record.model for record in all_records()]

    for model in controlled:
        model_admin = admin.site._registry[model]
        request.user = staff
        assert not model_admin.has_delete_permission(request), model
        request.user = superuser
        assert model_admin.has_delete_permission(request), model


def test_an_administrator_may_delete_what_a_manager_may_not(
    make_user, objective: QualityObjective
) -> None:
    """The rule is one function: the pages, the API and the services all ask it."""
    assert delete_refusal(instance=objective, by=make_user("quality_manager"))
    assert delete_refusal(instance=objective, by=make_user("administrator")) == ""


# The history page and its CSV export ----------------------------------------------------------


def test_history_csv_lists_each_version_with_who_when_before_and_after(
    make_user, partner: Partner
) -> None:
    """Created values, then each change; formulas a spreadsheet would run come out defused."""
    manager = make_user("quality_manager", first_name="Quinn", last_name="Okafor")
    api_as(manager).patch(
        reverse("partner-detail", args=[partner.pk]),
        {"contact_name": '=HYPERLINK("http://evil.example","x")', "status": "probation"},
        format="json",
    )

    response = client_as(manager).get(reverse("record-history-csv", args=["partner", partner.pk]))
    rows = csv_rows(response)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert list(rows[0]) == [
        "when", "who", "login", "address", "action", "field", "before", "after"
    ]  # fmt: skip
    assert {"action": "created", "field": "name", "before": "", "after": "SwiftParcel"}.items() <= (
        rows[0].items()
    )
    changes = {row["field"]: row for row in rows if row["action"] == "changed"}
    assert (changes["status"]["before"], changes["status"]["after"]) == ("Active", "Probation")
    assert changes["contact name"]["after"].startswith("'=HYPERLINK")
    assert (changes["status"]["who"], changes["status"]["login"]) == (
        "Quinn Okafor",
        manager.username,
    )


def test_each_version_records_the_address_it_was_saved_from(
    make_user, partner: Partner, settings
) -> None:
    """ISO 9001 §7.5's "who": the client address too, the forwarded one only behind the
    configured proxy (core.network), so a client cannot write a false address into the trail."""
    manager = make_user("quality_manager")
    url = reverse("partner-detail", args=[partner.pk])
    for status in ("probation", "active"):
        api_as(manager).patch(
            url,
            {"status": status},
            format="json",
            HTTP_X_FORWARDED_FOR="198.51.100.7",
            REMOTE_ADDR="192.0.2.10",
        )
        settings.TRUSTED_PROXY_COUNT = 1  # the second change arrives through the proxy

    versions = list(partner.history.order_by("history_date", "history_id"))
    rows = csv_rows(
        client_as(manager).get(reverse("record-history-csv", args=["partner", partner.pk]))
    )

    assert [version.history_address for version in versions] == [
        None,  # created by the fixture, outside any request
        "192.0.2.10",  # no trusted proxy: the forwarded header is ignored
        "198.51.100.7",  # behind one trusted proxy: the address it forwarded
    ]
    assert {row["address"] for row in rows if row["action"] == "changed"} == {
        "192.0.2.10",
        "198.51.100.7",
    }


def test_frontline_reads_the_history_of_their_own_complaints_only(make_user) -> None:
    """The history and its export use the complaint's visibility rule: another's is a 404."""
    mine_author = make_user("frontline")
    own = ComplaintFactory.create(logged_by=mine_author)
    other = ComplaintFactory.create()
    client = client_as(mine_author)

    answers = {
        name: (
            client.get(reverse(name, args=["complaint", own.pk])).status_code,
            client.get(reverse(name, args=["complaint", other.pk])).status_code,
        )
        for name in ("record-history", "record-history-csv")
    }

    assert answers == {"record-history": (200, 404), "record-history-csv": (200, 404)}


def test_history_routes_refuse_strangers_and_unknown_kinds(make_user, journey: Journey) -> None:
    """Anonymous visitors sign in first; a kind that is not controlled does not exist."""
    anonymous = Client().get(reverse("record-history", args=["journey", journey.pk]))
    unknown = client_as(make_user("executive")).get(reverse("record-history", args=["customer", 1]))
    bad_key = client_as(make_user("executive")).get(
        reverse("record-history", args=["journey", "x"])
    )

    assert anonymous.status_code == 302
    assert (unknown.status_code, bad_key.status_code) == (404, 404)


def test_a_deleted_records_history_stays_readable_by_administrators(
    make_user, partner: Partner
) -> None:
    """Deleting keeps the versions: administrators still read them; others find nothing."""
    administrator = make_user("administrator")
    partner_id = partner.pk
    api_as(administrator).delete(reverse("partner-detail", args=[partner_id]))

    page = client_as(administrator).get(reverse("record-history", args=["partner", partner_id]))
    manager = client_as(make_user("quality_manager")).get(
        reverse("record-history", args=["partner", partner_id])
    )

    assert page.status_code == 200
    assert "This record has been deleted" in page.content.decode()
    assert [entry.action for entry in page.context["entries"]] == ["deleted", "created"]
    assert manager.status_code == 404


def test_the_full_history_is_paged_and_the_panel_links_to_it(make_user, partner: Partner) -> None:
    """The panel shows the newest ten versions; the page all of them, fifty at a time."""
    manager = make_user("quality_manager")
    for score in [1, 2, 3, 4, 5] * 3:
        partner.cost_score = score
        partner.save()
    client = client_as(manager)

    detail = client.get(partner.get_absolute_url())
    full = client.get(reverse("record-history", args=["partner", partner.pk]))

    panel = detail.context["history"]
    assert (len(panel.entries), panel.has_more) == (10, True)
    html = detail.content.decode()
    assert reverse("record-history", args=["partner", partner.pk]) in html
    assert reverse("record-history-csv", args=["partner", partner.pk]) in html
    assert len(full.context["entries"]) == 16


@pytest.mark.parametrize("kind", ["indicator", "survey"])
def test_indicator_and_survey_pages_show_their_history(
    make_user, journey: Journey, stage: Stage, department: Department, kind: str
) -> None:
    """The two detail pages that had no history panel now have one."""
    manager = make_user("quality_manager", first_name="Quinn", last_name="Okafor")
    basename = kind
    route = next(route for route in ROUTES if route.basename == basename)
    created = api_as(manager).post(
        reverse(f"{basename}-list"),
        route.create(given_records(journey, stage, department)),
        format="json",
    )
    record = route.model._default_manager.get(**{route.lookup: route.key_of(created)})

    html = client_as(manager).get(record.get_absolute_url()).content.decode()  # type: ignore[attr-defined]

    panel = html[html.index('data-section="history"') :]
    assert "Quinn Okafor" in panel
    assert "created" in panel


def test_every_controlled_record_keeps_history_and_has_a_page(make_user) -> None:
    """The registry covers the records issue 13 names, each with history tables."""
    keys = {record.key for record in all_records()}

    assert {"complaint", "idea", "indicator", "objective", "journey", "stage", "touchpoint",
            "partner", "survey"} <= keys  # fmt: skip
    assert all(hasattr(record.model, "history") for record in all_records())


def test_indicator_history_leaves_out_what_the_recompute_derives(make_user) -> None:
    """A recompute rewrites status and trend; the history shows only what people changed."""
    historical = {field.name for field in Indicator.history.model._meta.fields}

    assert {"target", "amber_threshold", "is_active"} <= historical
    assert not {"status", "trend", "latest_value", "needs_full_recompute"} & historical
