"""Change history (django-simple-history) as people read it: who, when, what changed."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from django.db.models import Field, Model
from django.utils import timezone
from django.utils.dateformat import format as format_date
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
# The product's way of writing moments and days, as the pages write them ("5 Dec 2026 14:30").
DATETIME_DISPLAY = "j M Y H:i"
DATE_DISPLAY = "j M Y"

# (model of a foreign key's target, its primary key) -> how the target reads.
RelatedLabels = dict[tuple[type[Model], Any], str]


def _is_reference(field: "Field[Any, Any]") -> bool:
    return bool(field.many_to_one or field.one_to_one)


def _target(field: "Field[Any, Any]") -> type[Model]:
    """Return the model a foreign key points to (a class once the apps are loaded)."""
    return cast(type[Model], field.related_model)


def _label(target: Model) -> str:
    """Return how a record reads: people by their name, everything else by its str."""
    full_name = getattr(target, "get_full_name", None)
    if callable(full_name):
        return str(full_name() or target.get_username())  # type: ignore[attr-defined]
    return str(target)


def _related_labels(wanted: dict[type[Model], set[Any]]) -> RelatedLabels:
    """Read the targets of foreign keys, one query per model, and return how each reads.

    Each model's own foreign keys are joined, since its str often names its parent (a stage
    reads "journey · stage").
    """
    labels: RelatedLabels = {}
    for model, keys in wanted.items():
        parents = [field.name for field in model._meta.concrete_fields if _is_reference(field)]
        for key, target in model._default_manager.select_related(*parents).in_bulk(keys).items():
            labels[(model, key)] = _label(target)
    return labels


def _display(field: "Field[Any, Any]", value: Any, labels: RelatedLabels) -> str:
    if value in (None, ""):
        return "—"
    if _is_reference(field):
        # A target deleted since keeps its number: nothing else is left of it.
        return labels.get((_target(field), value), _("#%(id)s (deleted)") % {"id": value})
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime):
        return format_date(timezone.localtime(value), DATETIME_DISPLAY)
    if isinstance(value, date):
        return format_date(value, DATE_DISPLAY)
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    return str(value)


def history_entries(instance: Model, *, limit: int = 50) -> list[HistoryEntry]:
    """Return the newest versions of a record, each with its author and changed fields.

    One query for the versions (with their authors), compared in memory, and one per model that
    changed foreign keys point to, so that they read as names rather than ids.
    """
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[  # type: ignore[attr-defined]
            : limit + 1
        ]
    )
    fields = {field.name: field for field in instance._meta.concrete_fields}
    deltas = []
    wanted: dict[type[Model], set[Any]] = defaultdict(set)
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            changes = record.diff_against(previous).changes
            for change in changes:
                field = fields[change.field]
                if _is_reference(field):
                    wanted[_target(field)].update(
                        value for value in (change.old, change.new) if value not in (None, "")
                    )
        deltas.append((record, changes))
    labels = _related_labels(wanted)

    entries = []
    for record, changes in deltas:
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(user.get_full_name() or user.get_username()) if user else "system",
                action=ACTIONS.get(record.history_type, record.history_type),
                changes=[
                    FieldChange(
                        field=str(fields[change.field].verbose_name),
                        old=_display(fields[change.field], change.old, labels),
                        new=_display(fields[change.field], change.new, labels),
                    )
                    for change in changes
                ],
            )
        )
    return entries
