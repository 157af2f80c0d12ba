"""The complaint badges drawn in Python (feedback/templatetags/complaint_badges.py)."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.template import Context, Template

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
    ("due", "at_risk", "state"),
    [
        (NOW - timedelta(minutes=1), NOW - timedelta(hours=2), "overdue"),
        (NOW + timedelta(hours=1), NOW - timedelta(minutes=1), "at_risk"),
        (NOW + timedelta(hours=5), NOW + timedelta(hours=3), "on_track"),
        # A clock without an at-risk time is on track until it is due.
        (NOW + timedelta(hours=5), None, "on_track"),
    ],
)
def test_queue_clock_states(due: datetime, at_risk: datetime | None, state: str) -> None:
    """A running clock is overdue past its due time, at risk past its warning, else on track."""
    complaint = SimpleNamespace(next_due=due, next_at_risk=at_risk, resolved_within_sla=None)
    html = draw("{% queue_sla complaint now %}", complaint=complaint, now=NOW)
    assert f'data-sla="{state}"' in html
    assert "due " in html


@pytest.mark.parametrize(
    ("within", "words"), [(False, "resolved late"), (True, "resolved in time"), (None, "")]
)
def test_a_stopped_clock_says_how_it_ended(within: bool | None, words: str) -> None:
    """Once responded, the row says whether the SLA was met, or nothing when not judged."""
    complaint = SimpleNamespace(next_due=None, next_at_risk=None, resolved_within_sla=within)
    html = draw("{% queue_sla complaint now %}", complaint=complaint, now=NOW)
    assert html.strip() == (
        f'<span class="small text-{"success" if within else "danger"}">{words}</span>'
        if words
        else ""
    )
