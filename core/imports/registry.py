"""The importer registry: each app describes how rows of its models are read and bulk-loaded.

An importer turns rows (column name to text) into unsaved model instances, reporting every refused
cell, then loads the valid ones in bulk, skipping rows whose natural key is already stored: loading
the same rows twice adds nothing. CSV files and the API's JSON batches use the same importers.
"""

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from functools import cached_property
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone, translation

from ..changes import TracksChanges, changes_record_instances, changes_record_span
from ..history import recorded_as
from ..queries import index_probes_priced_as_cached
from .cells import MAX_CELL_CHARS, RowReader

# Where rows come from; importers record it (a response's channel, a complaint's source).
ORIGIN_FILE = "file"
ORIGIN_API = "api"

Instance = TypeVar("Instance", bound=models.Model)


@dataclass(frozen=True)
class Column:
    """One column an importer reads.

    `per_file`: its value may instead be chosen once for the whole file on the upload form (the
    importer's `option_choices` lists what may be chosen); `example`: the cell of the template's
    example row when the importer has no stored record to name (`Importer.example_row`).
    """

    name: str
    required: bool = False
    help: str = ""
    per_file: bool = False
    example: str = ""

    @property
    def label(self) -> str:
        """Return the column's name in words, for a form field: "Survey"."""
        return self.name.replace("_", " ").capitalize()


@dataclass(frozen=True)
class RowError:
    """Why one row (by its position in the batch) was refused, and which column is at fault."""

    index: int
    column: str
    reason: str


@dataclass(frozen=True)
class Batch:
    """What reading every row of a batch shares, looked up once: per row it would cost more than
    the parsing itself. `options`: the values chosen for the whole file, by column."""

    now: datetime
    zone: tzinfo
    language: str | None
    options: Mapping[str, str]

    @cached_property
    def first_day(self) -> date:
        """The earliest day a cell may hold (QMS_EARLIEST_DATE), for `cells.day_refusal`: a
        setting, slow to read per row."""
        earliest: date = settings.QMS_EARLIEST_DATE
        return earliest

    @cached_property
    def today(self) -> date:
        """The batch's local day (a date in the zone): no day after it has happened yet."""
        return self.now.astimezone(self.zone).date()


@dataclass
class LoadResult:
    """What loading a batch did: rows saved, rows already stored, rows refused (with reasons)."""

    created: int = 0
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def refused(self) -> int:
        """Return how many rows were refused (a row with several errors counts once)."""
        return len({error.index for error in self.errors})


class Importer:
    """How one model is imported; subclasses set the class attributes and `build` and `load`."""

    key: ClassVar[str]
    label: ClassVar[str]
    permission: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]
    natural_key: ClassVar[str]  # in words, for the upload page: what makes a row "already there"

    @property
    def column_names(self) -> list[str]:
        """Return the names of the columns the importer reads."""
        return [column.name for column in self.columns]

    @property
    def template_columns(self) -> list[Column]:
        """Return the columns in the template's order: the required ones first."""
        return sorted(self.columns, key=lambda column: not column.required)

    @property
    def per_file_columns(self) -> list[Column]:
        """Return the columns whose value may be chosen for the whole file on upload."""
        return [column for column in self.columns if column.per_file]

    def option_choices(self, column: str, user: Any) -> list[tuple[str, str]]:
        """Return the values (and their labels) the user may choose for a per-file column."""
        return []

    def options_checked(self, options: Mapping[str, Any], user: Any) -> dict[str, str]:
        """Return the values chosen for the whole file, the empty ones left out.

        Refuses, by field, a value for a column the importer takes no whole-file value for, and
        a value the user may not choose.
        """
        per_file = {column.name: column for column in self.per_file_columns}
        checked: dict[str, str] = {}
        problems: dict[str, str] = {}
        for name, value in options.items():
            text = "" if value is None else str(value).strip()
            if not text:
                continue
            column = per_file.get(name)
            if column is None:
                problems[name] = (
                    f"An import of {str(self.label).lower()} takes no "
                    f"{name.replace('_', ' ')} for the whole file: leave it empty."
                )
            elif text not in dict(self.option_choices(name, user)):
                problems[name] = f"Choose a {column.label.lower()} you may import into."
            else:
                checked[name] = text
        if problems:
            raise ValidationError(problems)
        return checked

    def example_row(self) -> dict[str, str]:
        """Return the template's example row, by column; importers name stored records in it
        (a survey, a customer) so that it imports cleanly where it is downloaded."""
        return {column.name: column.example for column in self.columns}

    def prepare(self, rows: Sequence[dict[str, str]]) -> Any:
        """Look up, in a few queries for the whole batch, what `build` needs (customers...)."""
        return None

    def build(self, row: RowReader, context: Any) -> Any:
        """Return the unsaved instance (or fields) for a row, or None after refusing cells."""
        raise NotImplementedError

    def build_plain(self, row: dict[str, str], context: Any, batch: Batch) -> Any:
        """Return what `build` would for a row whose cells are all plainly valid, faster (without
        a RowReader), or None to leave the row to `build`, which says what is wrong.

        For importers of millions of rows; it must accept only rows `build` accepts, read the
        same way (the cells' readers in `cells` are shared). By default every row goes to `build`.
        """
        return None

    def load(self, items: list[tuple[int, Any]], *, user: Any, origin: str) -> LoadResult:
        """Save the valid instances (with their batch positions) that are not already stored."""
        raise NotImplementedError

    def validate(
        self, rows: Sequence[dict[str, str]], *, options: Mapping[str, str] | None = None
    ) -> tuple[list[tuple[int, Any]], list[RowError]]:
        """Check every row; return the valid instances with their positions, and the errors.

        `options` holds the values chosen for the whole file (checked by `options_checked`): a
        column chosen so is required in no row.
        """
        options = options or {}
        valid: list[tuple[int, Any]] = []
        errors: list[RowError] = []
        readable: list[tuple[int, dict[str, str]]] = []
        for index, row in enumerate(rows):
            # One look at the row's cells together; each cell only when one is too long or NUL
            # (such a row is refused before `prepare` looks its references up: PostgreSQL
            # refuses a NUL in a query's text).
            cells = row.values()
            every = "".join(cells)  # no cell is longer than all of them together
            if "\x00" in every or (
                len(every) > MAX_CELL_CHARS and max(map(len, cells)) > MAX_CELL_CHARS
            ):
                errors += [
                    RowError(index, name, reason)
                    for name, value in row.items()
                    if (reason := _unreadable(value))
                ]
            else:
                readable.append((index, row))
        context = self.prepare([row for _index, row in readable])
        batch = Batch(
            now=timezone.now(),
            zone=timezone.get_current_timezone(),
            language=translation.get_language(),
            options=options,
        )
        required = [
            column.name for column in self.columns if column.required and column.name not in options
        ]
        for index, row in readable:
            plain = self.build_plain(row, context, batch)
            if plain is not None:
                valid.append((index, plain))
                continue
            reader = RowReader(
                row, now=batch.now, zone=batch.zone, options=options, language=batch.language
            )
            for name in required:
                reader.require(name)
            instance = None if reader.errors else self.build(reader, context)
            if reader.errors or instance is None:
                errors += [RowError(index, column, reason) for column, reason in reader.errors]
            else:
                valid.append((index, instance))
        errors.sort(key=lambda error: error.index)  # stable: a row's columns keep their order
        return valid, errors

    def import_rows(
        self,
        rows: Sequence[dict[str, str]],
        *,
        user: Any,
        origin: str,
        options: Mapping[str, str] | None = None,
    ) -> LoadResult:
        """Validate a batch and save its valid rows in one transaction; the rows' histories name
        the person who started the import, also when the worker runs it."""
        with transaction.atomic(), recorded_as(user):
            # What prepare reads is what load finds stored, and the batch's lookups of
            # thousands of keys use their index at any size of table.
            index_probes_priced_as_cached()
            valid, errors = self.validate(rows, options=options)
            result = self.load(valid, user=user, origin=origin)
        result.errors = sorted(errors + result.errors, key=lambda error: error.index)
        return result


def _unreadable(value: str) -> str:
    if len(value) > MAX_CELL_CHARS:
        return f"The cell holds {len(value):,} characters; at most {MAX_CELL_CHARS:,} are accepted."
    if "\x00" in value:
        return "The cell holds a NUL character (binary data)."
    return ""


def _new_only(
    keys: list[tuple[Any, ...]], items: list[tuple[int, Any]], stored: set[tuple[Any, ...]]
) -> list[Any]:
    """Return the items whose key is neither stored nor repeated earlier in the batch."""
    fresh: list[Any] = []
    seen: set[tuple[Any, ...]] = set()
    for key, (_index, item) in zip(keys, items, strict=True):
        if key in stored or key in seen:
            continue
        seen.add(key)
        fresh.append(item)
    return fresh


def bulk_insert_new(
    model: type[Instance],
    items: list[tuple[int, Instance]],
    natural_key: Callable[[Instance], tuple[Any, ...]],
    existing_keys: Callable[[list[tuple[Any, ...]]], Iterable[tuple[Any, ...]]],
    *,
    need_keys: bool | Callable[[Instance], bool] = True,
) -> tuple[list[Instance], int]:
    """Insert the instances whose natural key is neither stored nor repeated earlier in the batch.

    `existing_keys` answers, in one query, which of the batch's keys are stored already. Returns
    the inserted instances and the duplicate count. Instances that `need_keys` asks for (all,
    or those a predicate picks) get their primary keys from an INSERT; PostgreSQL loads the
    others with COPY (several times faster), without keys.
    """
    keys = [natural_key(instance) for _index, instance in items]
    for attempt in range(2):
        fresh: list[Instance] = _new_only(keys, items, set(existing_keys(keys)))
        keyed, copied = fresh, []
        if need_keys is not True and connection.vendor == "postgresql":
            wanted = need_keys if callable(need_keys) else (lambda _instance: False)
            keyed = [instance for instance in fresh if wanted(instance)]
            copied = [instance for instance in fresh if not wanted(instance)]
        try:
            # A savepoint, so that a concurrent import inserting the same keys first only costs a
            # second look at what is stored instead of failing the batch.
            with transaction.atomic():
                if keyed:
                    model._default_manager.bulk_create(keyed)
                if copied:
                    names = _attnames(model)
                    copy_rows(
                        model, names, ([getattr(row, name) for name in names] for row in copied)
                    )
                # Bulk loads bypass save(): the rows' days go to the recompute's log here.
                changes_record_instances(fresh)
        except IntegrityError:
            if attempt:
                raise
            for instance in fresh:
                instance.pk = None
            continue
        return fresh, len(items) - len(fresh)
    raise AssertionError("unreachable")  # pragma: no cover


def insert_new_rows(
    model: type[models.Model],
    fields: Sequence[str],
    items: list[tuple[int, tuple[Any, ...]]],
    *,
    key: str,
    stored_keys: Collection[str] | None = None,
) -> tuple[int, int]:
    """Insert rows given as tuples of values for `fields` (attribute names: `customer_id`), whose
    `key` field is neither stored nor repeated earlier in the batch; return how many were
    inserted and how many were duplicates.

    `stored_keys`: which of the rows' keys the caller has just read as stored, in this
    transaction; the first attempt trusts it instead of reading the keys again. A row another
    import stored since then is refused by the unique key, and the second attempt reads them.

    `bulk_insert_new` for the largest imports (customer activity by the million, customers by
    the hundred thousand): no model instance per row, the stored keys asked for as one array,
    the rows loaded with COPY on PostgreSQL, and (for a model whose changes the recompute
    follows) the recompute's log given the span of the rows' days from their earliest and
    latest dates. So such a model's changes must concern every reader (no per-row scope), and
    the key must be a text field that no valid row leaves blank.
    """
    tracked = model if issubclass(model, TracksChanges) else None
    if tracked and tracked.change_scope is not TracksChanges.change_scope:
        raise ValueError(f"{model.__name__}'s changes name a reader per row: use bulk_insert_new.")
    names = list(fields)
    position = names.index(key)
    keys = [(row[position],) for _index, row in items]
    for attempt in range(2):
        # The blank test matches a partial unique index's condition (`<> ''`), so PostgreSQL can
        # use that index.
        if attempt == 0 and stored_keys is not None:
            known = {(one,) for one in stored_keys}
        else:
            stored = model._default_manager.filter(
                **{f"{key}__any": [one for (one,) in keys]}
            ).exclude(**{key: ""})
            known = set(stored.order_by().values_list(key))
        fresh: list[tuple[Any, ...]] = _new_only(keys, items, known)
        try:
            with transaction.atomic():  # a savepoint, as in bulk_insert_new
                if connection.vendor == "postgresql":
                    copy_rows(model, names, fresh)
                else:
                    model._default_manager.bulk_create(
                        model(**dict(zip(names, row, strict=True))) for row in fresh
                    )
                if tracked:
                    _changes_record_span(tracked, names, fresh)
        except IntegrityError:
            if attempt:
                raise
            continue
        return len(fresh), len(items) - len(fresh)
    raise AssertionError("unreachable")  # pragma: no cover


def _changes_record_span(
    model: type[TracksChanges], names: list[str], rows: list[tuple[Any, ...]]
) -> None:
    """Log, for the recompute, the days from the rows' earliest date to their latest: one span,
    as `changes_record_instances` logs. Each field's extremes are found before any is placed on
    a local day (placing every row would cost more than the load)."""
    moments = []
    for name in model.CHANGE_DATE_FIELDS:
        position = names.index(name)
        dates = [row[position] for row in rows if row[position] is not None]
        if dates:
            moments += [min(dates), max(dates)]
    changes_record_span(source=model.CHANGE_SOURCE, moments=moments)


def _attnames(model: type[models.Model]) -> list[str]:
    """Return the model's field attributes a COPY writes, in order: all but the primary key."""
    return [field.attname for field in model._meta.concrete_fields if not field.primary_key]


def copy_rows(
    model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """COPY rows (values for the fields whose attributes are `names`) into the model's table
    (PostgreSQL only: the importers' bulk path, the benchmark's synthetic data)."""
    column = {field.attname: field.column for field in model._meta.concrete_fields}
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column[name]) for name in names)
    # psycopg's own cursor (Django has no COPY) raises psycopg's errors: Django's wrapper turns
    # them into its own, so that a duplicate key is the IntegrityError callers retry on.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        raw_cursor: Any = cursor.cursor
        with raw_cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


_importers: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    """Make an importer available to the upload page and the API (apps call it in ready())."""
    _importers[importer.key] = importer
    return importer


def get(key: str) -> Importer | None:
    """Return the importer registered under a key, if any."""
    return _importers.get(key)


def all_importers() -> list[Importer]:
    """Return every registered importer, by label."""
    return sorted(_importers.values(), key=lambda importer: str(importer.label))


def importers_for(user: Any) -> list[Importer]:
    """Return the importers whose rows the user may add."""
    return [importer for importer in all_importers() if user.has_perm(importer.permission)]
