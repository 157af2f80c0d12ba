"""The monthly report's summary: sentences written by rules from the other sections' data alone
(hand-made section dicts, no database)."""

from typing import Any

import pytest

from reports.monthly.months import ReportMonth
from reports.monthly.sections import summary

NOVEMBER = ReportMonth.parse("2026-11")


def outcome(name: str, way: str | None, **fields: Any) -> dict[str, Any]:
    """A row of the lagging section: moved `way` (None: it did not move)."""
    return {
        "name": name,
        "value_text": "40 points",
        "target_text": "35 points",
        "status": "meets_target",
        "moved": {"because": "signal", "way": way} if way else None,
        **fields,
    }


def lines(sections: dict[str, Any]) -> list[str]:
    result: list[str] = summary.build(sections, NOVEMBER)["lines"]
    return result


def test_outcomes_that_moved_are_named_by_way_with_their_target() -> None:
    lagging = {
        "counts": {"indicators": 3, "meets_target": 2, "misses_target": 1},
        "rows": [
            outcome("Net Promoter Score", "improving"),
            outcome(
                "Churn",
                "concerning",
                value_text="1.4%",
                target_text="1.1%",
                status="red",
            ),
            outcome("Retention", None),
        ],
    }

    result = lines({"lagging": lagging})

    assert result == [
        "Outcomes: 3 lagging indicators, 2 meeting their target and 1 missing it.",
        "Outcomes that moved the wrong way in November 2026: Churn at 1.4% (misses its target "
        "of 1.1%).",
        "Outcomes that improved in November 2026: Net Promoter Score at 40 points (meets its "
        "target of 35 points).",
    ]


def test_no_outcome_moved_says_so() -> None:
    lagging = {"counts": {"indicators": 1, "meets_target": 1}, "rows": [outcome("NPS", None)]}

    assert lines({"lagging": lagging})[1] == (
        "No outcome moved in November 2026 beyond its usual (common-cause) variation."
    )


def test_the_biggest_special_causes_come_one_per_indicator_largest_first() -> None:
    signals = {
        "signals": [
            {"name": "CES", "way": "improving", "sigmas": 6.0, "period_label": "week of 16 Nov"},
            {"name": "CES", "way": "improving", "sigmas": 5.0, "period_label": "week of 23 Nov"},
            {"name": "Churn", "way": "concerning", "sigmas": 2.5, "size_words": "2.5 sigma up"},
            {"name": "Retention", "way": "concerning", "sigmas": -9.5},
            {"name": "NPS", "way": "improving", "sigmas": 3.2},
        ]
    }

    result = lines({"signals": signals})

    assert result == [
        "The biggest concerning special causes: Retention and Churn (2.5 sigma up).",
        "The biggest improving special causes: CES (week of 16 Nov) and NPS.",
    ]


def test_a_month_without_concerning_signals_says_so() -> None:
    assert lines({"signals": {"signals": []}}) == ["No concerning special cause in November 2026."]


def test_the_last_review_decisions_and_what_became_of_its_actions() -> None:
    """Hand-computed: 4 actions, 1 done, 1 in a cycle, 1 open, 1 overdue."""
    actions = {
        "review_month": "October 2026",
        "decisions": ["Fix the phone queue"],
        "actions": [
            {
                "title": "Hire two agents",
                "owner": "Ann",
                "due_on": "2026-11-10",
                "state": "overdue",
            },
            {"title": "Call-back pilot", "owner": "Bo", "due_on": "2026-12-10", "state": "open"},
            {"title": "Script", "owner": "Cy", "due_on": "2026-11-01", "state": "done"},
            {"title": "Queue cycle", "owner": "Di", "due_on": "2026-12-01", "state": "in_cycle"},
        ],
        "counts": {"done": 1, "open": 1, "overdue": 1, "in_cycle": 1},
    }

    result = lines({"actions": actions})

    assert result == [
        "The management review of the October 2026 report decided: Fix the phone queue.",
        "Of the 4 actions agreed at the review of the October 2026 report: 1 done, 1 in a PDCA "
        "cycle, 1 open and 1 overdue.",
        "Overdue: “Hire two agents” (Ann, due 10 November 2026).",
    ]


def test_without_a_signed_off_review_there_is_nothing_to_follow_up() -> None:
    assert lines({"actions": {"review_month": None}}) == [
        "No management review was signed off before this report: there are no earlier "
        "decisions to follow up."
    ]


def test_complaints_and_improvement_get_one_line_each_from_their_counts() -> None:
    """Hand-computed: an SLA share of 0.875 prints as 88%."""
    sections = {
        "complaints": {
            "received": 182,
            "received_previous": 163,
            "sla_compliance": 0.875,
            "escalations": 20,
            "regulator_cases": 1.0,
        },
        "improvement": {"opened": 3, "checked": 2, "adopted": 1, "adapted": 0, "abandoned": 0},
    }

    result = lines(sections)

    assert result == [
        "Complaints: 182 received in November 2026 (163 in October 2026); 88% of those due "
        "resolved within the SLA; 20 escalated; 1 regulator or ombudsman case.",
        "Improvement: PDCA cycles in November 2026: 3 opened, 2 checked and 1 adopted.",
    ]


@pytest.mark.parametrize(
    "sections",
    [
        {},
        {"lagging": {"failed": "boom"}, "signals": {"failed": "boom"}},
        {"lagging": {"rows": "not a list"}, "actions": {"counts": None}},
        {"complaints": {"received": None, "sla_compliance": "n/a"}, "improvement": {}},
        {"actions": {"review_month": "October 2026", "actions": [{"state": "overdue"}]}},
    ],
)
def test_missing_or_odd_data_gives_no_sentence_rather_than_an_error(
    sections: dict[str, Any],
) -> None:
    result = summary.build(sections, NOVEMBER)

    assert isinstance(result["lines"], list)
    assert all(isinstance(line, str) for line in result["lines"])


def test_a_failed_section_gives_no_sentence() -> None:
    assert lines({"lagging": {"failed": "OperationalError"}, "complaints": {"failed": "x"}}) == []
