"""Controlled records (ISO 9001 §7.5): which records keep an audit trail, who reads it, who
deletes them.

Each app registers its controlled records in its `AppConfig.ready()` (core imports no app above
it). A registration names the selector that decides who sees which rows: the history page and
its CSV export find the record through it, so a frontline colleague reads the history of their
own complaints only; `history_panel` gives a detail page its newest changes and the links to
the rest. Only administrators delete a controlled record; everyone else retires it (`retire`
says how). The parts of a controlled record (a journey's stages and touchpoints) have no
`retire`: their editors may delete them while the delete takes no controlled record with it.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.db.models import Model, ProtectedError, QuerySet, RestrictedError
from django.db.models.deletion import Collector
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .exceptions import ApplicationError
from .history import HistoryEntry, entries_of, recorded_as, versions_of


@dataclass(frozen=True)
class ControlledRecord:
    """A kind of record whose every change is kept, shown and exported."""

    key: str  # names the kind in URLs: /history/<key>/<lookup value>/
    model: type[Model]
    permission: str  # the view permission of the record's pages
    # The selector deciding who sees which rows; None: whoever holds the permission sees all.
    selector: Callable[[Any], QuerySet[Any]] | None = None
    lookup: str = "pk"  # the field the record's URLs name it by
    # How a non-administrator retires the record instead of deleting it ("" for a part).
    retire: str | Promise = ""

    def visible(self, user: Any) -> QuerySet[Any]:
        """Return the rows of this kind the user may see."""
        if self.selector is not None:
            return self.selector(user)
        return self.model._default_manager.all()


@dataclass(frozen=True)
class HistoryPanel:
    """A detail page's history panel: the newest entries and where the rest is."""

    entries: list[HistoryEntry]
    has_more: bool
    full_url: str
    csv_url: str


PANEL_SIZE = 10  # entries a detail page shows; the full history page has the rest

_records: dict[str, ControlledRecord] = {}


def register(*records: ControlledRecord) -> None:
    """Declare controlled records (apps call it in ready())."""
    for record in records:
        _records[record.key] = record


def get(key: str) -> ControlledRecord | None:
    """Return the controlled record registered under a key, if any."""
    return _records.get(key)


def for_model(model: type[Model]) -> ControlledRecord | None:
    """Return the registration of a model, if it is controlled."""
    return next((record for record in _records.values() if record.model is model), None)


def all_records() -> list[ControlledRecord]:
    """Return every controlled record, by key."""
    return sorted(_records.values(), key=lambda record: record.key)


def history_urls(instance: Model) -> tuple[str, str]:
    """Return the addresses of a controlled record's full history page and CSV export."""
    controlled = for_model(type(instance))
    if controlled is None:
        return "", ""
    key = str(getattr(instance, controlled.lookup))
    return (
        reverse("record-history", args=[controlled.key, key]),
        reverse("record-history-csv", args=[controlled.key, key]),
    )


def history_panel(instance: Model, *, size: int = PANEL_SIZE) -> HistoryPanel:
    """Return a detail page's history panel: the newest `size` entries and the links."""
    model = type(instance)
    records = list(versions_of(model, instance.pk)[: size + 1])
    full_url, csv_url = history_urls(instance)
    return HistoryPanel(
        entries=entries_of(model, records, count=size),
        has_more=len(records) > size,
        full_url=full_url,
        csv_url=csv_url,
    )


def _size(rows: Any) -> int:
    return rows.count() if isinstance(rows, QuerySet) else len(rows)


def _controlled_rows_touched(instance: Model) -> Counter[type[Model]]:
    """Count, per model, the controlled records (not parts) a delete would remove or change.

    Django's own collector walks the cascades and the SET_NULL updates the delete would make.
    """
    collector = Collector(using=router.db_for_write(type(instance)), origin=instance)
    collector.collect([instance])
    touched: Counter[type[Model]] = Counter()
    for model, rows in collector.data.items():
        controlled = for_model(model)
        if controlled is not None and controlled.retire and model is not type(instance):
            touched[model] += len(rows)
    for (field, _value), batches in collector.field_updates.items():
        controlled = for_model(field.model)
        if controlled is not None and controlled.retire:
            touched[field.model] += sum(_size(rows) for rows in batches)
    return +touched  # SET_NULL hands over its rows unread, so most counts are 0


def delete_refusal(*, instance: Model, by: User) -> str:
    """Return why `by` may not delete the record ("" when they may).

    Administrators may delete anything (the history keeps the deleted version). Others may not
    delete a controlled record, nor a part whose delete would remove or change one (an objective
    set at a touchpoint, the touchpoint a complaint names).
    """
    if by.is_superuser:
        return ""
    model = type(instance)
    controlled = for_model(model)
    if controlled is not None and controlled.retire:
        return _("Only an administrator may delete the %(kind)s “%(name)s”: %(retire)s") % {
            "kind": model._meta.verbose_name,
            "name": instance,
            "retire": controlled.retire,
        }
    try:
        touched = _controlled_rows_touched(instance)
    except (ProtectedError, RestrictedError):
        return ""  # the delete itself refuses, naming what refers to the record
    if not touched:
        return ""
    rows = ", ".join(
        f"{count} {(found._meta.verbose_name if count == 1 else found._meta.verbose_name_plural)}"
        for found, count in sorted(touched.items(), key=lambda item: item[0]._meta.label)
    )
    return _(
        "Deleting “%(name)s” would delete or change %(rows)s: only an administrator may do "
        "that. Move or retire them first."
    ) % {"name": instance, "rows": rows}


def check_delete(*, instance: Model, by: User) -> None:
    """Refuse (403) a delete that `delete_refusal` refuses."""
    refusal = delete_refusal(instance=instance, by=by)
    if refusal:
        raise PermissionDenied(refusal)


def clear_with_versions(instance: Model) -> None:
    """Clear, one saved version each, the controlled records the delete would set to null.

    Django's SET_NULL is one UPDATE that no history sees: an administrator deleting a touchpoint
    would change the complaints naming it without a trace. Saving them first keeps the change,
    signed, in each record's history (and the delete then finds nothing left to clear).
    """
    collector = Collector(using=router.db_for_write(type(instance)), origin=instance)
    collector.collect([instance])
    for (field, value), batches in collector.field_updates.items():
        if for_model(field.model) is None:
            continue
        for rows in batches:
            batch = cast(Iterable[Model], rows)  # a queryset or a list (the stubs say a row)
            for row in batch:
                setattr(row, field.attname, value)
                row.save(update_fields=[field.name])


def delete_controlled(*, instance: Model, by: User) -> None:
    """Delete a controlled record (or a part) if `by` may, signing every deleted version.

    The versions outlive the record: its history stays readable by administrators. A record
    still referred to (protected) is refused with the names of what refers to it.
    """
    check_delete(instance=instance, by=by)
    try:
        with transaction.atomic(), recorded_as(by):
            clear_with_versions(instance)
            instance.delete()
    except (ProtectedError, RestrictedError) as error:
        objects = (
            error.protected_objects
            if isinstance(error, ProtectedError)
            else error.restricted_objects
        )
        in_use = sorted({str(row) for row in objects})
        raise ApplicationError(
            _("%(name)s cannot be deleted while these refer to it: %(rows)s.")
            % {"name": instance, "rows": ", ".join(in_use[:10])},
            extra={"protected": in_use},
        ) from None
