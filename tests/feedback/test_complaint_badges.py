"""The complaint badges drawn in Python (feedback/templatetags/complaint_badges.py)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.template import Context, Template

from feedback.models import Complaint

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def draw(source: str, **context: object) -> str:
    """Render a template snippet with the badge library loaded."""
    return Template("{% load complaint_badges %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("severity", "css"),
    [
        (4, "text-bg-danger"),
        (5, "text-bg-danger"),
        (3, "text-bg-warning"),
        (2, "text-bg-light border"),
        (1, "text-bg-light border text-body-secondary"),
    ],
)
def test_severity_colour_follows_the_level(severity: int, css: str) -> None:
    """Severity 4 and above is red, 3 amber, 2 and 1 plain: the words are the model's own
    label for the level (the number itself for a level without one)."""
    html = draw("{% severity_badge s %}", s=severity)
    label = Complaint(severity=severity).get_severity_display()
    assert html == f'<span class="badge {css}">{label}</span>'


@pytest.mark.parametrize("status", Complaint.Status.values)
def test_status_pill_names_the_status_in_the_models_words(status: str) -> None:
    """Each status's pill says what the model's `get_status_display` says; only a closed
    complaint's pill is green."""
    html = draw("{% status_badge s %}", s=status)
    label = Complaint(status=status).get_status_display()
    assert html.endswith(f'data-status="{status}">{label}</span>')
    assert ("text-bg-success" in html) == (status == Complaint.Status.CLOSED)


@pytest.mark.parametrize(
    ("status", "due", "at_risk", "state"),
    [
        ("received", NOW - timedelta(minutes=1), NOW - timedelta(hours=2), "overdue"),
        ("acknowledged", NOW + timedelta(hours=1), NOW - timedelta(minutes=1), "at_risk"),
        ("investigating", NOW + timedelta(hours=5), NOW + timedelta(hours=3), "on_track"),
    ],
)
def test_queue_clock_states(status: str, due: datetime, at_risk: datetime, state: str) -> None:
    """A running clock is overdue past its due time, at risk past its warning, else on track;
    the acknowledgement's clock runs until acknowledged, then the resolution's."""
    clock = "acknowledge" if status == "received" else "resolve"
    complaint = Complaint(
        status=status, **{f"{clock}_due_at": due, f"{clock}_at_risk_from": at_risk}
    )
    html = draw("{% queue_sla complaint now %}", complaint=complaint, now=NOW)
    assert f'data-sla="{state}"' in html
    assert "due " in html


@pytest.mark.parametrize(
    ("within", "words"), [(False, "resolved late"), (True, "resolved in time"), (None, "")]
)
def test_a_stopped_clock_says_how_it_ended(within: bool | None, words: str) -> None:
    """Once responded, the row says whether the SLA was met, or nothing when not judged."""
    complaint = Complaint(status="responded", resolved_within_sla=within)
    html = draw("{% queue_sla complaint now %}", complaint=complaint, now=NOW)
    assert html.strip() == (
        f'<span class="small text-{"success" if within else "danger"}">{words}</span>'
        if words
        else ""
    )
