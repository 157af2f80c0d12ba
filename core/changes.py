"""The invalidation log: which source rows changed, by local day, for the metrics recompute.

Source models (complaints, survey responses, customer activity, audits, ideas, observations)
inherit `TracksChanges`, naming their source and the date fields that place a row in a period.
Every save and deletion then logs the days of the row's old and new dates in the same
transaction (the receivers below, connected for all models, act only on those). Bulk loads that
bypass `save()` call `changes_record_range` or `changes_record_instances` themselves; bulk
updates log the days of the rows they rewrite with `changes_record_rows` first.

A tracked row also counts where the rows it points to place it: the metrics read an answer's,
an audit's or an idea's partner through its touchpoint's owner. A change of such a row (a
touchpoint handed to another partner) logs the days of the tracked rows referring to it
(`changes_record_referrers`); its deletion, which sets their references to null, does so
through `changes_follow_deletions`, whatever deletes it (a service, a cascade, the admin).
"""

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from typing import Any, ClassVar

from django.db import models
from django.db.models import QuerySet
from django.db.models.functions import TruncDate
from django.db.models.signals import post_delete, post_save, pre_delete
from django.utils import timezone

from .models import SourceChange


class Source(models.TextChoices):
    """The source tables whose changes the recompute follows."""

    COMPLAINT = "complaint"
    SURVEY_RESPONSE = "survey_response"
    CUSTOMER_ACTIVITY = "customer_activity"
    AUDIT = "audit"
    IDEA = "idea"
    OBSERVATION = "observation"


def local_day(value: date | datetime) -> date:
    """Return the day a timestamp falls on in the organisation's time zone."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            return timezone.localtime(value).date()
        return value.date()
    return value


def local_days(values: Iterable[date | datetime]) -> Iterator[date]:
    """Yield `local_day` of each value, the time zone looked up once (a bulk load's rows)."""
    zone = timezone.get_current_timezone()
    for value in values:
        if isinstance(value, datetime) and timezone.is_aware(value):
            yield value.astimezone(zone).date()
        else:
            yield local_day(value)


def local_midnight(day: date) -> datetime:
    """Return the aware moment a local day begins in the organisation's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


class TracksChanges(models.Model):
    """A model whose saves and deletions are logged for the metrics recompute."""

    CHANGE_SOURCE: ClassVar[str]
    CHANGE_DATE_FIELDS: ClassVar[tuple[str, ...]]
    _loaded_change_days: set[date]

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        # The dates as loaded: a late edit that moves a row to another day changes both days.
        instance._loaded_change_days = instance.change_days()
        return instance

    def change_days(self) -> set[date]:
        """Return the local days this row's dates place it on (unset dates place it nowhere)."""
        days = set()
        for name in self.CHANGE_DATE_FIELDS:
            value = self.__dict__.get(name)  # a deferred field was not loaded: nothing to compare
            if isinstance(value, date):
                days.add(local_day(value))
        return days

    def change_scope(self) -> str:
        """Return the consumer a change of this row concerns (blank: every reader)."""
        return ""


def changes_record(*, source: str, days: Iterable[date], scope: str = "") -> None:
    """Log that rows of a source changed on these days (consecutive days share one row)."""
    ordered = sorted(set(days))
    if not ordered:
        return
    ranges: list[list[date]] = []
    for day in ordered:
        if ranges and (day - ranges[-1][1]).days == 1:
            ranges[-1][1] = day
        else:
            ranges.append([day, day])
    SourceChange.objects.bulk_create(
        SourceChange(source=source, scope=scope, first_day=first, last_day=last)
        for first, last in ranges
    )


def changes_record_range(*, source: str, first_day: date, last_day: date, scope: str = "") -> None:
    """Log that rows of a source changed anywhere between two days (a bulk load)."""
    SourceChange.objects.create(
        source=source,
        scope=scope,
        first_day=min(first_day, last_day),
        last_day=max(first_day, last_day),
    )


def changes_record_instances(instances: Iterable[models.Model]) -> None:
    """Log the day range of bulk-loaded rows of a tracked model (other models log nothing).

    Each date field's earliest and latest values are found first and only those are placed on
    local days: placing every row's would cost a time-zone conversion per row.
    """
    extremes: dict[tuple[str, str], dict[str, list[date]]] = {}
    for instance in instances:
        if not isinstance(instance, TracksChanges):
            return
        fields = extremes.setdefault((instance.CHANGE_SOURCE, instance.change_scope()), {})
        for name in instance.CHANGE_DATE_FIELDS:
            value = instance.__dict__.get(name)  # as change_days(): a deferred field is unset
            if not isinstance(value, date):
                continue
            span = fields.get(name)
            if span is None:
                fields[name] = [value, value]
            elif value < span[0]:
                span[0] = value
            elif value > span[1]:
                span[1] = value
    for (source, scope), fields in extremes.items():
        changes_record_span(
            source=source,
            scope=scope,
            moments=[value for span in fields.values() for value in span],
        )


def changes_record_span(
    *, source: str, moments: Iterable[date | datetime], scope: str = ""
) -> None:
    """Log one span of local days, from the earliest of these moments' days to the latest: a
    bulk load's, given each date field's earliest and latest values (none: nothing is logged)."""
    days = [local_day(moment) for moment in moments]
    if days:
        changes_record_range(source=source, scope=scope, first_day=min(days), last_day=max(days))


def changes_record_rows(rows: QuerySet[Any]) -> None:
    """Log the days of a tracked model's rows that a bulk write is about to move (an UPDATE of
    their scope, a deletion that sets their references to null); other models log nothing.

    The distinct local days are read in the database, one query per date field: a survey's
    years of answers log a few hundred days, not a row each.
    """
    model = rows.model
    if not issubclass(model, TracksChanges):
        return
    if model.change_scope is not TracksChanges.change_scope:
        # Each row names its own consumer (observations their indicator): row by row.
        by_scope: dict[str, set[date]] = {}
        for row in rows.iterator():
            by_scope.setdefault(row.change_scope(), set()).update(row.change_days())
        for scope, scope_days in by_scope.items():
            changes_record(source=model.CHANGE_SOURCE, days=scope_days, scope=scope)
        return
    days: set[date] = set()
    for name in model.CHANGE_DATE_FIELDS:
        dated = rows.filter(**{f"{name}__isnull": False}).order_by()
        if isinstance(model._meta.get_field(name), models.DateTimeField):
            # The organisation's day, as local_day() places a saved row.
            dated = dated.annotate(
                change_day=TruncDate(name, tzinfo=timezone.get_current_timezone())
            )
            days.update(dated.values_list("change_day", flat=True).distinct())
        else:
            days.update(dated.values_list(name, flat=True).distinct())
    changes_record(source=model.CHANGE_SOURCE, days=days)


def changes_record_referrers(instance: models.Model, *, kept_on_delete: bool = False) -> None:
    """Log the days of every tracked row that refers to this row by a foreign key, before a
    change of it moves where they count (with `kept_on_delete`, only the rows its deletion
    keeps: those it deletes log their own days)."""
    for relation in instance._meta.related_objects:
        model = relation.related_model
        if relation.many_to_many or not (
            isinstance(model, type) and issubclass(model, TracksChanges)
        ):
            continue
        if kept_on_delete and relation.on_delete is models.CASCADE:
            continue
        changes_record_rows(model._base_manager.filter(**{relation.field.name: instance.pk}))


def _before_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    changes_record_referrers(instance, kept_on_delete=True)


def changes_follow_deletions(model: type[models.Model]) -> None:
    """Before a row of this model is deleted, log the days of the tracked rows that keep
    referring to it (set to null): they leave the scopes it placed them in.

    A receiver, because cascades and the admin delete rows without any service: a journey's
    deletion takes its touchpoints with it.
    """
    pre_delete.connect(
        _before_delete, sender=model, dispatch_uid=f"core.changes.before_delete.{model._meta.label}"
    )


def _after_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if not isinstance(instance, TracksChanges) or kwargs.get("raw"):
        return
    days = instance.change_days() | getattr(instance, "_loaded_change_days", set())
    changes_record(source=instance.CHANGE_SOURCE, days=days, scope=instance.change_scope())
    instance._loaded_change_days = instance.change_days()


def _after_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if not isinstance(instance, TracksChanges):
        return
    days = instance.change_days() | getattr(instance, "_loaded_change_days", set())
    changes_record(source=instance.CHANGE_SOURCE, days=days, scope=instance.change_scope())


def connect() -> None:
    """Log every save and deletion of a tracked model, whichever code path makes it."""
    post_save.connect(_after_save, dispatch_uid="core.changes.after_save")
    post_delete.connect(_after_delete, dispatch_uid="core.changes.after_delete")
