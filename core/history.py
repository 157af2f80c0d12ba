"""Change history (django-simple-history) as people read it: who, when, what changed.

Every save and delete of a record with `HistoricalRecords` writes a version signed by its author:
the signed-in user of the request (simple-history's middleware), or the person named with
`recorded_as` where no request is running (imports in the worker, commands, the demo). Bulk
writes bypass `save()`: `versions_record` writes their versions. `history_entries` gives the
newest changes (`core.audit.history_panel` shows them on a detail page), `history_page` the full
history a page at a time, and `history_rows` every version as CSV rows (the values on creation
and deletion included).
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.paginator import Page, Paginator
from django.db.models import Field, JSONField, Model, QuerySet
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords

from .network import client_address


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
    login: str = ""  # the author's username ("" for the system)
    address: str = ""  # the client address it was saved from ("" outside a request)


ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
SYSTEM = "system"  # the author of a version written outside any request and any `recorded_as`
# The product's way of writing moments and days, as the pages write them ("5 Dec 2026 14:30").
DATETIME_DISPLAY = "j M Y H:i"
DATE_DISPLAY = "j M Y"
PAGE_SIZE = 50  # entries a page of the full history shows
CSV_HEADER = ["when", "who", "login", "address", "action", "field", "before", "after"]

# (model of a foreign key's target, its primary key) -> how the target reads.
RelatedLabels = dict[tuple[type[Model], Any], str]

# Who (and optionally when) the versions written inside `recorded_as` are signed by.
_author: ContextVar[tuple[User | None, datetime | None] | None] = ContextVar(
    "history_author", default=None
)


# Signing versions ----------------------------------------------------------------------------


@contextmanager
def recorded_as(user: User | None, *, at: datetime | None = None) -> Iterator[None]:
    """Sign the versions written in the block by `user` (and date them `at`, when given).

    For writes outside a request: an import running in the worker, a command, the demo's
    backdated story. Inside a request the signed-in user signs without it. A block that names
    no moment keeps the moment of the block around it (a service called by the demo's story).
    """
    outer = _author.get()
    token = _author.set((user, at if at is not None or outer is None else outer[1]))
    try:
        yield
    finally:
        _author.reset(token)


def current_author() -> User | None:
    """Return the user `recorded_as` names for the running block, if any."""
    acting = _author.get()
    return acting[0] if acting else None


def sign_version(sender: Any, history_instance: Any, **kwargs: Any) -> None:
    """Sign a version about to be saved with the author (and moment) of `recorded_as`.

    Connected to simple-history's `pre_create_historical_record` in `CoreConfig.ready`.
    """
    request = getattr(HistoricalRecords.context, "request", None)
    if request is not None and hasattr(history_instance, "history_address"):
        history_instance.history_address = client_address(request)
    acting = _author.get()
    if acting is None:
        return
    user, at = acting
    if user is not None:
        history_instance.history_user = user
    if at is not None:
        history_instance.history_date = at


def versions_record(rows: Sequence[Model], model: type[Model]) -> None:
    """Write a "changed" version of rows that a bulk update wrote around `save()`."""
    if not rows:
        return
    acting = _author.get()
    user, at = acting if acting else (None, None)
    model.history.bulk_history_create(  # type: ignore[attr-defined]
        rows, update=True, default_user=user, default_date=at
    )


# Reading versions ----------------------------------------------------------------------------


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


def versions_of(model: type[Model], pk: Any) -> QuerySet[Any]:
    """Return every version of the record `pk` of a model, newest first, with its author.

    Versions outlive their record: a deleted record's versions are still found by its key.
    """
    return (
        model.history.filter(  # type: ignore[attr-defined]
            **{model._meta.pk.attname: pk}
        )
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


def _tracked_fields(model: type[Model], record: Any) -> list["Field[Any, Any]"]:
    """Return the fields a version keeps (a model's history may leave derived fields out)."""
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and hasattr(record, field.attname)
    ]


def entries_of(
    model: type[Model], records: list[Any], *, count: int, full: bool = False
) -> list[HistoryEntry]:
    """Turn `count` versions, newest first, into entries; `records` holds one older version
    more when there is one, to compare the oldest shown with.

    With `full`, a creation lists every value it was created with and a deletion every value
    it had: an export keeps the whole record, a page only what changed.
    """
    fields = {field.name: field for field in model._meta.concrete_fields}
    deltas: list[tuple[Any, list[tuple[Field[Any, Any], Any, Any]]]] = []
    wanted: dict[type[Model], set[Any]] = defaultdict(set)
    for index, record in enumerate(records[:count]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes: list[tuple[Field[Any, Any], Any, Any]] = []
        if previous is not None and record.history_type == "~":
            # A many-to-many field's history (a review's attendees) is kept in its own table
            # and is not one of these fields: its changes are left out of the trail.
            changes = [
                (fields[change.field], change.old, change.new)
                for change in record.diff_against(previous).changes
                if change.field in fields
            ]
            # simple-history compares the fields forms edit; the computed ones a version keeps
            # (a Check's verdict, a baseline) are changes too. A stored JSON computation is
            # shown on the record's page rather than in the trail.
            changes += [
                (field, getattr(previous, field.attname), getattr(record, field.attname))
                for field in _tracked_fields(model, record)
                if not field.editable
                and not isinstance(field, JSONField)
                and getattr(previous, field.attname) != getattr(record, field.attname)
            ]
        elif full and record.history_type in ("+", "-"):
            for field in _tracked_fields(model, record):
                value = getattr(record, field.attname)
                if value in (None, ""):
                    continue
                pair = (None, value) if record.history_type == "+" else (value, None)
                changes.append((field, *pair))
        for field, old, new in changes:
            if _is_reference(field):
                wanted[_target(field)].update(
                    value for value in (old, new) if value not in (None, "")
                )
        deltas.append((record, changes))
    labels = _related_labels(wanted)

    entries = []
    for record, changes in deltas:
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(user.get_full_name() or user.get_username()) if user else SYSTEM,
                login=user.get_username() if user else "",
                address=getattr(record, "history_address", None) or "",
                action=ACTIONS.get(record.history_type, record.history_type),
                changes=[
                    FieldChange(
                        field=str(field.verbose_name),
                        old=_display(field, old, labels),
                        new=_display(field, new, labels),
                    )
                    for field, old, new in changes
                ],
            )
        )
    return entries


def history_entries(instance: Model, *, limit: int = 50) -> list[HistoryEntry]:
    """Return the newest versions of a record, each with its author and changed fields.

    One query for the versions (with their authors), compared in memory, and one per model that
    changed foreign keys point to, so that they read as names rather than ids.
    """
    model = type(instance)
    records = list(versions_of(model, instance.pk)[: limit + 1])
    return entries_of(model, records, count=limit)


def history_page(
    model: type[Model], pk: Any, number: str | None, *, size: int = PAGE_SIZE
) -> tuple[Page, list[HistoryEntry]]:
    """Return a page of a record's history (`number` as `?page=` gives it) and its entries."""
    versions = versions_of(model, pk)
    page = Paginator(versions, size).get_page(number)
    start = page.start_index() - 1 if page.paginator.count else 0
    # One version past the page's oldest, to tell what the oldest changed.
    records = list(versions[start : start + size + 1])
    return page, entries_of(model, records, count=min(size, len(records)))


def history_rows(model: type[Model], pk: Any) -> Iterable[list[Any]]:
    """Return every version of a record, oldest first, as CSV rows of `CSV_HEADER`.

    One row per field a version set, changed or cleared; a version that changed no tracked
    field (a save without changes) still gets its row, with the field empty.
    """
    records = list(versions_of(model, pk))
    entries = entries_of(model, records, count=len(records), full=True)
    rows = []
    for entry in reversed(entries):
        for change in entry.changes or [FieldChange(field="", old="", new="")]:
            # A spreadsheet reads an empty cell as "no value" better than the pages' dash.
            before, after = (value if value != "—" else "" for value in (change.old, change.new))
            rows.append(
                [
                    entry.when,
                    entry.who,
                    entry.login,
                    entry.address,
                    entry.action,
                    change.field,
                    before,
                    after,
                ]
            )
    return rows
