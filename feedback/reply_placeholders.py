"""The placeholders of reply templates ({reference}, {due_date}...): checking and filling them.

A template's subject and body are Python format strings limited to plain names: `{reference}`
is replaced, `{{` and `}}` write a brace. Anything else (an unknown name, `{0}`, `{due_date:%d}`,
a lone brace) is refused with a message naming it, so that a customer never receives a stray
brace or a Python error. The text staff edit before sending is checked and filled the same way,
which lets them type a placeholder themselves.
"""

import string
from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Complaint

DATE = "j F Y"
DATE_TIME = "j F Y, H:i"

# name -> what it becomes, as the template pages explain it.
PLACEHOLDERS = {
    "reference": gettext_lazy("the complaint's reference (CMP-2026-000123)"),
    "customer_reference": gettext_lazy("the customer's own reference, if any"),
    "received_on": gettext_lazy("the day the complaint was received"),
    "acknowledge_due": gettext_lazy("when acknowledgement is due (day and time)"),
    "due_date": gettext_lazy("the day the resolution is due"),
    "decision": gettext_lazy("the decision communicated to the customer"),
    "handler": gettext_lazy("the first name of the member of staff writing"),
    "organisation": gettext_lazy("the organisation's name"),
}


def placeholder_errors(text: str) -> list[str]:
    """Return what is wrong with the placeholders of a text, one sentence each (none: fine)."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        return [
            _(
                "A brace is not closed or stands alone: write placeholders as {reference}, "
                "and a brace itself as {{ or }}."
            )
        ]
    errors = []
    known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    for _literal, name, format_spec, conversion in parts:
        if name is None:
            continue
        written = "{" + name + (f"!{conversion}" if conversion else "")
        written += (f":{format_spec}" if format_spec else "") + "}"
        if name not in PLACEHOLDERS:
            errors.append(
                _("Unknown placeholder %(placeholder)s. Use one of %(known)s.")
                % {"placeholder": written, "known": known}
            )
        elif format_spec or conversion:
            errors.append(
                _("Write the placeholder %(placeholder)s plainly, as {%(name)s}.")
                % {"placeholder": written, "name": name}
            )
    return errors


def _escaped(value: str) -> str:
    """Return a value as it stands in a format string (its braces doubled)."""
    return value.replace("{", "{{").replace("}", "}}")


def placeholder_values(complaint: Complaint, writer: User) -> dict[str, str]:
    """Return what each placeholder stands for in a message about the complaint."""
    zone = timezone.get_current_timezone()
    return {
        "reference": complaint.reference,
        "customer_reference": complaint.customer_reference,
        "received_on": format_date(timezone.localtime(complaint.received_at, zone), DATE),
        "acknowledge_due": format_date(
            timezone.localtime(complaint.acknowledge_due_at, zone), DATE_TIME
        ),
        "due_date": format_date(timezone.localtime(complaint.resolve_due_at, zone), DATE),
        "decision": complaint.decision,
        "handler": writer.first_name or writer.get_username(),
        "organisation": settings.ORGANISATION_NAME,
    }


def fill(text: str, values: Mapping[str, str]) -> str:
    """Return the text with its placeholders replaced (the text is assumed checked)."""
    return text.format_map(values)


def prefill(text: str, values: Mapping[str, str], *, keep: frozenset[str] = frozenset()) -> str:
    """Return the text with its placeholders replaced, except those in `keep`, as a text that
    is still a template: filled values have their braces doubled, kept placeholders stay.

    The complaint page shows templates prefilled this way, and fills what is left (the decision
    being typed) when the message is sent.
    """
    pieces = []
    for literal, name, _format_spec, _conversion in string.Formatter().parse(text):
        pieces.append(_escaped(literal))
        if name is not None:
            pieces.append("{" + name + "}" if name in keep else _escaped(values[name]))
    return "".join(pieces)
