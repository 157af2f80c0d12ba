"""The full export for an organisation leaving the product: every record as CSV, in one zip.

One CSV per model of the project's apps (history tables and many-to-many links included), plus
the users (without password hashes), the role groups and who holds which role, and a README.txt
describing every file and column. Rows are read in batches with iterator() and written straight
into the zip, so memory stays flat whatever the size. Text cells that a spreadsheet would run as
a formula are defused as in every other export (core.spreadsheets).
"""

import contextlib
import csv
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any
from uuid import UUID

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import connection, models, transaction
from django.utils import timezone

from .spreadsheets import EXPORT_BATCH, defused

README_NAME = "README.txt"
# Never exported: a password hash is a secret of the product, not a record of the organisation.
USER_FIELDS_LEFT_OUT = {"password"}


@dataclass(frozen=True)
class ExportTable:
    """One file of the export: the model it holds and the columns written."""

    model: type[models.Model]
    fields: tuple["models.Field[Any, Any]", ...]

    @property
    def file_name(self) -> str:
        """Return the file's name in the zip, such as "feedback.complaint.csv"."""
        return f"{self.model._meta.label_lower}.csv"

    @property
    def columns(self) -> list[str]:
        """Return the header: each field's column name ("touchpoint_id" for a foreign key)."""
        return [field.attname for field in self.fields]

    def rows(self) -> Iterator[tuple[Any, ...]]:
        """Yield every row in primary-key order, fetched EXPORT_BATCH rows at a time."""
        # The base manager: a default manager that hides rows (retired ones, say) must not
        # keep them out of the export.
        queryset = self.model._base_manager.order_by("pk")
        if self.left_out is not None:
            queryset = queryset.exclude(self.left_out)
        return queryset.values_list(*self.columns).iterator(chunk_size=EXPORT_BATCH)

    @property
    def left_out(self) -> models.Q | None:
        """Return the rows a model keeps out of the export (FULL_EXPORT_LEAVES_OUT), if any.

        Anonymous answers (eNPS) are the case: the product promised they identify no one. A
        history table follows its record's rule.
        """
        model = getattr(self.model, "instance_type", self.model)
        return getattr(model, "FULL_EXPORT_LEAVES_OUT", None)

    def description(self) -> str:
        """Return what the file holds, in one line, for the README."""
        meta = self.model._meta
        if meta.auto_created:  # a many-to-many link table Django made
            first, second = (field.related_model for field in self.fields[1:3])
            return (
                f"Links between {first._meta.verbose_name_plural} and "  # type: ignore[union-attr]
                f"{second._meta.verbose_name_plural} (one row per link)."  # type: ignore[union-attr]
            )
        tracked = getattr(self.model, "instance_type", None)  # django-simple-history's tables
        if tracked is not None:
            return (
                f"Change history of {tracked._meta.verbose_name_plural}: one row per create (+), "
                "update (~) or delete (-), with the values after the change, who (history_user_id) "
                "and when (history_date)."
            )
        if self.model is User:
            return "Staff accounts (password hashes are left out)."
        doc = (self.model.__doc__ or "").strip().splitlines()
        described = doc[0] if doc else str(meta.verbose_name_plural).capitalize()
        if self.left_out is not None:
            described += " Anonymous employee (eNPS) answers are left out, as promised to them."
        return described


def export_tables() -> list[ExportTable]:
    """Return the export's tables: every model of the project's apps, then the users and roles."""
    chosen: list[type[models.Model]] = []
    for app_config in apps.get_app_configs():
        if Path(app_config.path).parent != settings.BASE_DIR:
            continue  # a third-party app (sessions, tokens, login attempts...): not a record
        chosen.extend(app_config.get_models(include_auto_created=True))
    chosen += [User, Group, User.groups.through]
    return [
        ExportTable(
            model=model,
            fields=tuple(
                field
                for field in model._meta.concrete_fields
                if not (model is User and field.name in USER_FIELDS_LEFT_OUT)
            ),
        )
        for model in chosen
    ]


def export_cell(value: Any) -> Any:
    """Return a value as a CSV cell that keeps it exactly and is safe in a spreadsheet.

    Empty for None; times in ISO 8601 with their UTC offset (TIME_ZONE's); true or false; JSON
    as JSON text; text defused (a formula gets a leading ').
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return defused(json.dumps(value, ensure_ascii=False, sort_keys=True))
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, str):
        return defused(value)
    return value


def _write_table(archive: zipfile.ZipFile, table: ExportTable) -> int:
    """Write one table's CSV into the archive, row by row; return how many rows it holds."""
    count = 0
    with archive.open(table.file_name, "w", force_zip64=True) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        writer = csv.writer(text)
        writer.writerow(table.columns)
        for row in table.rows():
            writer.writerow([export_cell(value) for value in row])
            count += 1
        text.flush()
        text.detach()  # the zip entry closes with the `with`, not with the wrapper
    return count


def _column_line(field: "models.Field[Any, Any]") -> str:
    """Return the README's line for one column: its name, meaning and what it points to."""
    line = f"    {field.attname}: {field.verbose_name}"
    if field.is_relation and field.related_model is not None:
        target = field.related_model._meta.label_lower  # type: ignore[union-attr]
        line += f" (the id of a row in {target}.csv)"
    if field.choices:
        codes = ", ".join(str(code) for code, _label in field.flatchoices)
        line += f"; one of {codes}"
    return line


def readme_text(counts: dict[ExportTable, int], exported_at: datetime) -> str:
    """Return the README describing the export, every file, its row count and its columns."""
    lines = [
        "LoyaltyQMS: full export of all records",
        f"Exported at {timezone.localtime(exported_at).isoformat(timespec='seconds')}.",
        "",
        "One CSV file per kind of record, UTF-8, comma-separated, with a header row. Every",
        "file has an id column; a column ending in _id holds the id of a row in the file named",
        "beside it below. Empty cells are empty values. Times are ISO 8601 with their UTC offset,",
        "dates YYYY-MM-DD, yes/no values true or false, structured values JSON. A text cell",
        "starting with =, +, -, @, a tab or a carriage return has a ' put in front, so that a",
        "spreadsheet shows it instead of running it as a formula: remove that first ' when",
        "loading the files into another system. Password hashes are not exported.",
        "",
    ]
    for table, count in counts.items():
        lines.append(f"{table.file_name} ({count} rows)")
        lines.append(f"  {table.description()}")
        lines.extend(_column_line(field) for field in table.fields)
        lines.append("")
    return "\n".join(lines)


def full_export(destination: IO[bytes]) -> dict[ExportTable, int]:
    """Write the zip of every record to destination; return each table's row count.

    On PostgreSQL the export reads one snapshot (a read-only repeatable-read transaction), so
    its files agree with each other while the product keeps running. SQLite would hold its write
    lock for the whole export instead, so there each file is read as it stands.
    """
    consistent = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic() if consistent else contextlib.nullcontext():
        if consistent:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        exported_at = timezone.now()
        counts: dict[ExportTable, int] = {}
        with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for table in export_tables():
                counts[table] = _write_table(archive, table)
            archive.writestr(README_NAME, readme_text(counts, exported_at))
    return counts
