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
    """Severity 4 and above is red, 3 amber, 2 and 1 plain: the label is always written."""
    html = draw("{% severity_badge s 'Label' %}", s=severity)
    assert html == f'<span class="badge {css}">Label</span>'


def test_status_label_is_escaped_and_ended_statuses_are_green() -> None:
    """A closed complaint's pill is green; labels are escaped like any template value."""
    html = draw("{% status_badge 'closed' label %}", label="<b>Closed</b>")
    assert 'class="badge rounded-pill status-closed text-bg-success"' in html
    assert "&lt;b&gt;Closed&lt;/b&gt;" in html


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
