"""The report's summary: plain sentences written by rules from the other sections' data.

Nothing is read from the database: each rule reads one section's frozen data with `.get`, so a
section that is missing, failed or lacks a key gives no sentence rather than an error. The rules,
in the order the lines print:

1. outcomes: how many lagging indicators meet or miss their target;
2. outcomes that moved (the `lagging` section's rule: a special cause, or a jump beyond the
   moving-range limit), concerning ones in one line and improving ones in another, each with its
   value and where it stands against its target;
3. the biggest special causes (`signals`): up to three concerning, then up to three improving,
   largest distance from the centre line first;
4. the last review: what it decided and what became of its actions (`actions`);
5. complaints (`complaints`): received against the month before, resolved within SLA,
   escalations, regulator or ombudsman cases;
6. improvement (`improvement`): PDCA cycles opened, checked, adopted, adapted, abandoned.
"""

import logging
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..months import ReportMonth

if TYPE_CHECKING:
    from core.charts import Chart

logger = logging.getLogger(__name__)

KEY = "summary"
TITLE = _("Summary")

NAMED = 3  # items a sentence names before it stops: more would not read as a sentence
MISSES_TARGET = {"within_tolerance", "amber", "red"}

Section = dict[str, Any]
Rule = Callable[[dict[str, Section], ReportMonth], list[str]]


def _section(sections: dict[str, Section], key: str) -> Section:
    """Return a section's data, or {} when it is missing, failed or not a dict."""
    data = sections.get(key)
    if not isinstance(data, dict) or "failed" in data:
        return {}
    return data


def _count(value: Any) -> int | None:
    """Return a count, or None for anything that is not a whole number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    return int(value)


def _listing(items: list[str]) -> str:
    """Return items as prose: "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return gettext("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def _against_target(row: Section) -> str:
    target = row.get("target_text")
    status = row.get("status")
    if not target:
        return gettext("no target")
    if status == "meets_target":
        return gettext("meets its target of %(target)s") % {"target": target}
    if status in MISSES_TARGET:
        return gettext("misses its target of %(target)s") % {"target": target}
    return gettext("target %(target)s") % {"target": target}


def outcome_lines(sections: dict[str, Section], month: ReportMonth) -> list[str]:
    """Return how many outcomes meet their target, and which moved and which way."""
    data = _section(sections, "lagging")
    counts = data.get("counts") or {}
    total = _count(counts.get("indicators"))
    lines = []
    if total:
        meets = _count(counts.get("meets_target")) or 0
        misses = _count(counts.get("misses_target")) or 0
        sentence = ngettext(
            "Outcomes: %(total)d lagging indicator, %(meets)d meeting its target and %(misses)d "
            "missing it.",
            "Outcomes: %(total)d lagging indicators, %(meets)d meeting their target and "
            "%(misses)d missing it.",
            total,
        ) % {"total": total, "meets": meets, "misses": misses}
        lines.append(sentence)
    rows = [row for row in data.get("rows") or [] if isinstance(row, dict) and row.get("moved")]
    if total and not rows:
        lines.append(
            gettext("No outcome moved in %(month)s beyond its usual (common-cause) variation.")
            % {"month": month.label}
        )
    for way, words in (
        ("concerning", gettext("Outcomes that moved the wrong way in %(month)s: %(items)s.")),
        ("improving", gettext("Outcomes that improved in %(month)s: %(items)s.")),
    ):
        moved = [row for row in rows if (row.get("moved") or {}).get("way") == way]
        if not moved:
            continue
        items = [
            gettext("%(name)s at %(value)s (%(target)s)")
            % {
                "name": row.get("name", ""),
                "value": row.get("value_text", ""),
                "target": _against_target(row),
            }
            for row in moved
        ]
        lines.append(words % {"month": month.label, "items": _listing(items)})
    return lines


def _largest_per_indicator(rows: list[Section]) -> list[Section]:
    """Return the rows (sorted smallest first) largest first, one per indicator."""
    seen: set[str] = set()
    largest = []
    for row in reversed(rows):
        name = str(row.get("name", ""))
        if name not in seen:
            seen.add(name)
            largest.append(row)
    return largest


def signal_lines(sections: dict[str, Section], month: ReportMonth) -> list[str]:
    """Return the biggest special causes of the month, concerning ones first."""
    data = _section(sections, "signals")
    if not data:
        return []
    signals = [row for row in data.get("signals") or [] if isinstance(row, dict)]
    lines = []

    def size(row: Section) -> float:
        sigmas = row.get("sigmas")
        return abs(sigmas) if isinstance(sigmas, int | float) else 0.0

    concerning = sorted((row for row in signals if row.get("way") == "concerning"), key=size)
    improving = sorted((row for row in signals if row.get("way") == "improving"), key=size)
    if "signals" in data and not concerning:
        lines.append(gettext("No concerning special cause in %(month)s.") % {"month": month.label})
    for rows, words in (
        (concerning, gettext("The biggest concerning special causes: %(items)s.")),
        (improving, gettext("The biggest improving special causes: %(items)s.")),
    ):
        named = _largest_per_indicator(rows)[:NAMED]
        if not named:
            continue
        items = []
        for row in named:
            detail = ", ".join(
                part for part in (row.get("period_label", ""), row.get("size_words", "")) if part
            )
            name = row.get("name", "")
            items.append(f"{name} ({detail})" if detail else name)
        lines.append(words % {"items": _listing(items)})
    return lines


def _day(value: Any) -> str:
    try:
        return date_format(date.fromisoformat(str(value)[:10]), "j F Y")
    except ValueError:
        return ""


def action_lines(sections: dict[str, Section], month: ReportMonth) -> list[str]:
    """Return what the last review decided and what became of its actions."""
    data = _section(sections, "actions")
    if not data or "review_month" not in data:
        return []
    review = data.get("review_month")
    if not review:
        return [
            gettext(
                "No management review was signed off before this report: there are no earlier "
                "decisions to follow up."
            )
        ]
    lines = []
    decisions = [text for text in data.get("decisions") or [] if isinstance(text, str) and text]
    if decisions:
        shown = "; ".join(decisions[:NAMED])
        more = len(decisions) - NAMED
        if more > 0:
            shown += "; " + ngettext("and %(count)d more", "and %(count)d more", more) % {
                "count": more
            }
        lines.append(
            gettext("The management review of the %(review)s report decided: %(decisions)s.")
            % {"review": review, "decisions": shown}
        )
    actions = [row for row in data.get("actions") or [] if isinstance(row, dict)]
    counts = data.get("counts") or {}
    states = [
        (_count(counts.get("done")), "%(count)d done"),
        (_count(counts.get("in_cycle")), "%(count)d in a PDCA cycle"),
        (_count(counts.get("open")), "%(count)d open"),
        (_count(counts.get("overdue")), "%(count)d overdue"),
    ]
    parts = [gettext(words) % {"count": count} for count, words in states if count]
    total = len(actions) or sum(count or 0 for count, _words in states)
    if total:
        lines.append(
            ngettext(
                "Of the %(total)d action agreed at the review of the %(review)s report: "
                "%(states)s.",
                "Of the %(total)d actions agreed at the review of the %(review)s report: "
                "%(states)s.",
                total,
            )
            % {"total": total, "review": review, "states": _listing(parts)}
        )
    elif not decisions:
        lines.append(
            gettext("The management review of the %(review)s report agreed no actions.")
            % {"review": review}
        )
    overdue = [row for row in actions if row.get("state") == "overdue"][:NAMED]
    if overdue:
        items = []
        for row in overdue:
            detail = ", ".join(
                part
                for part in (
                    row.get("owner") or "",
                    gettext("due %(day)s") % {"day": _day(row.get("due_on"))}
                    if _day(row.get("due_on"))
                    else "",
                )
                if part
            )
            title = f"“{row.get('title', '')}”"
            items.append(f"{title} ({detail})" if detail else title)
        lines.append(gettext("Overdue: %(items)s.") % {"items": _listing(items)})
    return lines


def complaint_lines(sections: dict[str, Section], month: ReportMonth) -> list[str]:
    """Return one line on the month's complaints, from whichever counts the section has."""
    data = _section(sections, "complaints")
    received = _count(data.get("received"))
    if received is None:
        return []
    sentence = ngettext(
        "Complaints: %(count)d received in %(month)s",
        "Complaints: %(count)d received in %(month)s",
        received,
    ) % {"count": received, "month": month.label}
    previous = _count(data.get("received_previous"))
    if previous is not None:
        sentence += gettext(" (%(count)d in %(month)s)") % {
            "count": previous,
            "month": month.previous.label,
        }
    parts = []
    share = data.get("sla_compliance")
    if isinstance(share, int | float) and not isinstance(share, bool) and 0 <= share <= 1:
        parts.append(
            gettext("%(percent)d%% of those due resolved within the SLA")
            % {"percent": round(100 * share)}
        )
    escalations = _count(data.get("escalations"))
    if escalations is not None:
        parts.append(
            ngettext("%(count)d escalated", "%(count)d escalated", escalations)
            % {"count": escalations}
        )
    cases = _count(data.get("regulator_cases"))
    if cases is not None:
        parts.append(
            ngettext(
                "%(count)d regulator or ombudsman case",
                "%(count)d regulator or ombudsman cases",
                cases,
            )
            % {"count": cases}
        )
    if parts:
        sentence += "; " + "; ".join(parts)
    return [sentence + "."]


def improvement_lines(sections: dict[str, Section], month: ReportMonth) -> list[str]:
    """Return one line on the month's PDCA cycles, from whichever counts the section has."""
    data = _section(sections, "improvement")
    wording = [
        ("opened", "%(count)d opened"),
        ("checked", "%(count)d checked"),
        ("adopted", "%(count)d adopted"),
        ("adapted", "%(count)d adapted"),
        ("abandoned", "%(count)d abandoned"),
    ]
    counts = [(_count(data.get(key)), words) for key, words in wording]
    if all(count is None for count, _words in counts):
        return []
    parts = [gettext(words) % {"count": count} for count, words in counts if count]
    if not parts:
        return [
            gettext("Improvement: no PDCA cycle opened, checked or decided in %(month)s.")
            % {"month": month.label}
        ]
    return [
        gettext("Improvement: PDCA cycles in %(month)s: %(parts)s.")
        % {"month": month.label, "parts": _listing(parts)}
    ]


RULES: list[Rule] = [
    outcome_lines,
    signal_lines,
    action_lines,
    complaint_lines,
    improvement_lines,
]


def build(sections: dict[str, dict[str, Any]], month: ReportMonth) -> dict[str, Any]:
    """Return the summary's sentences, from the data of the other sections."""
    lines: list[str] = []
    for rule in RULES:
        try:
            lines.extend(rule(sections, month))
        except (AttributeError, KeyError, TypeError, ValueError):
            # Data of an unexpected shape costs its sentence, never the report.
            logger.exception("The summary rule %s failed for %s", rule.__name__, month.slug)
    return {"lines": lines}


def charts(data: dict[str, Any], month: ReportMonth) -> "list[Chart]":
    """The summary has no figures."""
    return []
