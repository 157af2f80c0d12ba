"""The report's content: every section's data for a month, composed once and frozen."""

import json
import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from .months import ReportMonth
from .sections import DATA_SECTIONS, actions, summary

logger = logging.getLogger(__name__)

# The shape of the content; a renderer meeting an older version knows what it holds.
CONTENT_VERSION = 1


def compose(month: ReportMonth, *, now: datetime) -> dict[str, Any]:
    """Return the report's content for an ended month: the data of every section, as JSON.

    A section whose data cannot be composed is left empty with the reason, and the rest of the
    report is still composed; the reason is listed in `problems`.
    """
    sections: dict[str, dict[str, Any]] = {}
    problems: list[dict[str, str]] = []
    for section in DATA_SECTIONS:
        try:
            if section is actions:  # where the actions stand on the day of composing
                sections[section.KEY] = actions.build(month, today=timezone.localdate(now))
            else:
                sections[section.KEY] = section.build(month)
        except Exception as error:
            logger.exception("The %s section of %s failed", section.KEY, month.slug)
            sections[section.KEY] = {"failed": str(error) or error.__class__.__name__}
            problems.append(
                {
                    "what": str(section.TITLE),
                    "error": f"{error.__class__.__name__}: {error}",
                }
            )
    sections[summary.KEY] = summary.build(sections, month)
    content = {
        "version": CONTENT_VERSION,
        "organisation": settings.ORGANISATION_NAME,
        "month": month.as_json(),
        "generated_at": now.isoformat(),
        "sections": sections,
        "problems": problems,
    }
    # Round-trip through JSON: what is rendered now is exactly what is stored and rendered later.
    frozen: dict[str, Any] = json.loads(json.dumps(content, cls=DjangoJSONEncoder))
    return frozen
