"""Export every record as CSV files in one zip: `python manage.py export_all OUTPUT.zip`."""

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.full_export import full_export


class Command(BaseCommand):
    """Write the full export (core.full_export) to a zip file, for an organisation leaving."""

    help = (
        "Export every record (one CSV per model, users without password hashes, a README) "
        "into a zip file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", type=Path, help="the zip file to write, e.g. export.zip")
        parser.add_argument(
            "--force", action="store_true", help="replace the output file if it exists"
        )

    def handle(self, *args: Any, output: Path, force: bool, **options: Any) -> None:
        if output.exists() and not force:
            raise CommandError(f"{output} exists; choose another name or add --force.")
        if not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist.")
        # Written beside the output under a temporary name, readable by its owner only (the
        # export holds personal data), and renamed at the end: a failed export leaves no
        # half-written zip under the name asked for.
        handle, temporary_name = tempfile.mkstemp(
            prefix=f".{output.name}.", suffix=".part", dir=output.parent
        )
        try:
            with os.fdopen(handle, "wb") as destination:
                counts = full_export(destination)
            Path(temporary_name).replace(output)
        except BaseException:
            Path(temporary_name).unlink(missing_ok=True)
            raise
        for table, count in counts.items():
            self.stdout.write(f"  {table.file_name:<45} {count:>9} rows")
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {sum(counts.values())} rows in {len(counts)} files to {output} "
                "(README.txt inside describes every file)."
            )
        )
