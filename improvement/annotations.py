"""A cycle's dates and windows on its target indicator's charts, through the metrics service.

One annotation per date or window (start, baseline, Do, Check, after the change), found again
by its source key "pdca:<id>:<part>", so that each phase move updates them and deleting the
cycle removes them.
"""

from datetime import date

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from metrics.models import Annotation
from metrics.services import annotation_upsert, annotations_remove

from . import evidence
from .models import PDCACycle


def _source(cycle: PDCACycle, part: str) -> str:
    return f"pdca:{cycle.pk}:{part}"


def erase(cycle: PDCACycle) -> None:
    """Remove every annotation the cycle drew."""
    annotations_remove(source_prefix=f"pdca:{cycle.pk}:")


def draw(cycle: PDCACycle, by: User | None) -> None:
    """Draw the cycle's start, Do and Check dates and its windows on the indicator's charts."""
    indicator = cycle.target_indicator
    if indicator is None:
        return
    link = cycle.get_absolute_url()
    wanted: dict[str, tuple[date, date | None, str]] = {
        "start": (
            cycle.started_on,
            None,
            _("%(reference)s started") % {"reference": cycle.reference},
        ),
    }
    if cycle.baseline_from and cycle.baseline_to:
        wanted["before"] = (
            cycle.baseline_from,
            cycle.baseline_to,
            _("%(reference)s baseline") % {"reference": cycle.reference},
        )
    if cycle.do_on:
        wanted["do"] = (
            cycle.do_on,
            None,
            _("%(reference)s Do: change made") % {"reference": cycle.reference},
        )
    if cycle.check_on and cycle.change_on:
        wanted["check"] = (
            cycle.check_on,
            None,
            _("%(reference)s Check") % {"reference": cycle.reference},
        )
        after_from = evidence.after_window_start(indicator, cycle.change_on)
        periods = (cycle.check_result or {}).get("after_end")
        wanted["after"] = (
            after_from,
            date.fromisoformat(periods) if periods else None,
            _("%(reference)s after the change") % {"reference": cycle.reference},
        )
    for part, (starts_on, ends_on, label) in wanted.items():
        annotation_upsert(
            indicator=indicator,
            starts_on=starts_on,
            ends_on=ends_on,
            label=label[:150],
            kind=Annotation.Kind.PDCA,
            link=link,
            source_key=_source(cycle, part),
            user=by,
        )
    annotations_remove(
        source_prefix=f"pdca:{cycle.pk}:", keep=[_source(cycle, part) for part in wanted]
    )
