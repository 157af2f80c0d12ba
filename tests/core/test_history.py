"""The history panel: who changed what, linked records by name, dates as the pages write them."""

from datetime import date
from typing import Any

import pytest
from django.utils import timezone
from django.utils.dateformat import format as format_date

from core.history import FieldChange, history_entries
from feedback import services as feedback_services
from journeys import services as journey_services
from journeys.models import QualityObjective, Touchpoint
from stakeholders.models import Partner
from tests.core.queries import assert_queries_flat
from tests.feedback.factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def changes_of(instance: Any) -> list[FieldChange]:
    """Return every field change in a record's history, newest first."""
    return [change for entry in history_entries(instance) for change in entry.changes]


def test_a_changed_foreign_key_reads_as_the_records_name_not_its_id(make_user) -> None:
    manager = make_user("quality_manager", first_name="Quinn", last_name="Okafor")
    complaint = ComplaintFactory.create()

    feedback_services.complaint_assign(complaint=complaint, assignee=manager, by=manager)

    assert FieldChange(field="assignee", old="—", new="Quinn Okafor") in changes_of(complaint)


def test_a_new_owner_reads_as_department_and_partner_names(
    touchpoint: Touchpoint, partner: Partner
) -> None:
    """The checkout, owned by Customer Service, is handed to SwiftParcel."""
    journey_services.touchpoint_update(
        touchpoint=touchpoint, owner_department=None, owner_partner=partner
    )

    changes = {change.field: change for change in changes_of(touchpoint)}
    assert (changes["owning department"].old, changes["owning department"].new) == (
        "Customer Service",
        "—",
    )
    assert (changes["owning partner"].old, changes["owning partner"].new) == ("—", "SwiftParcel")


def test_a_deleted_record_keeps_its_number(make_user) -> None:
    manager = make_user("quality_manager")
    leaver = make_user("quality_manager")
    complaint = ComplaintFactory.create()
    feedback_services.complaint_assign(complaint=complaint, assignee=leaver, by=manager)
    leaver_id = leaver.pk

    leaver.delete()

    assert FieldChange(field="assignee", old="—", new=f"#{leaver_id} (deleted)") in changes_of(
        complaint
    )


def test_names_are_read_in_one_query_per_model_whatever_the_number_of_changes(
    make_user,
) -> None:
    """The versions are read with their authors, then the assignees' names in one query."""
    manager = make_user("quality_manager")
    complaint = ComplaintFactory.create()

    def assign(times: int) -> None:
        for _number in range(times):
            feedback_services.complaint_assign(
                complaint=complaint, assignee=make_user("quality_manager"), by=manager
            )

    assign(1)

    assert_queries_flat(lambda: history_entries(complaint), grow=lambda: assign(5))

    entries = history_entries(complaint)
    assert len(entries) == 7
    assert all(not change.new.isdigit() for entry in entries for change in entry.changes)


def test_moments_and_days_are_written_as_on_the_other_pages(
    make_user, objective: QualityObjective
) -> None:
    """The objective is due on 31 March 2027 until it is moved."""
    manager = make_user("quality_manager")
    complaint = ComplaintFactory.create()

    feedback_services.complaint_acknowledge(complaint=complaint, by=manager)
    journey_services.objective_update(objective=objective, due_date=date(2027, 6, 30))

    complaint.refresh_from_db()
    moment = format_date(timezone.localtime(complaint.acknowledged_at), "j M Y H:i")
    assert FieldChange(field="acknowledged", old="—", new=moment) in changes_of(complaint)
    assert FieldChange(field="due date", old="31 Mar 2027", new="30 Jun 2027") in changes_of(
        objective
    )


def test_complaint_page_history_shows_the_assignee_by_name(client_for, make_user) -> None:
    """The panel in a page, end to end: "assignee: — → Quinn Okafor", not "— → 7"."""
    client = client_for("quality_manager")
    manager = make_user("quality_manager", first_name="Quinn", last_name="Okafor")
    complaint = ComplaintFactory.create()

    feedback_services.complaint_assign(complaint=complaint, assignee=manager, by=manager)
    html = client.get(complaint.get_absolute_url()).content.decode()

    history = html[html.index('data-section="history"') :]
    assert "<del>—</del> → <ins>Quinn Okafor</ins>" in history
    assert f"<ins>{manager.pk}</ins>" not in history
