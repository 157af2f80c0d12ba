"""Apply migrations: `python manage.py migrate`, Django's command after preparing VAR_DIR."""

from typing import Any

from django.core.management.commands import migrate

from core.var_dir import var_dir_prepare


class Command(migrate.Command):
    """Django's migrate, first creating VAR_DIR (where SQLite keeps the database) if missing."""

    def execute(self, *args: Any, **options: Any) -> str | None:
        # Before the system checks, which open the database. migrate is the first command of a
        # fresh clone (`make run`) and of the image's web service.
        var_dir_prepare()
        return super().execute(*args, **options)
