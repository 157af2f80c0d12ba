"""Change history (django-simple-history) as people read it: who, when, what changed."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FieldChange:
    """One field's change: its label, the old value and the new one, as text."""

    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    """One saved version of a record."""

    when: datetime
    who: str
    action: str
    changes: list[FieldChange]


ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def _display(record: Any, field_name: str, value: Any) -> str:
    field = record.instance_type._meta.get_field(field_name)
    if value in (None, ""):
        return "—"
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    return str(value)


def history_entries(instance: Model, *, limit: int = 50) -> list[HistoryEntry]:
    """Return the newest versions of a record, each with its author and changed fields.

    Two queries whatever the length: the versions (with their authors) and nothing else, since
    consecutive versions are compared in memory. Foreign keys show as ids turned into text by the
    related record's own history when present; plain ids otherwise.
    """
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[  # type: ignore[attr-defined]
            : limit + 1
        ]
    )
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes: list[FieldChange] = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            changes = [
                FieldChange(
                    field=str(record.instance_type._meta.get_field(change.field).verbose_name),
                    old=_display(record, change.field, change.old),
                    new=_display(record, change.field, change.new),
                )
                for change in delta.changes
            ]
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(user.get_full_name() or user.get_username()) if user else "system",
                action=ACTIONS.get(record.history_type, record.history_type),
                changes=changes,
            )
        )
    return entries
