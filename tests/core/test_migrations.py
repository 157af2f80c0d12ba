"""Every model change ships with its migration."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration() -> None:
    """`makemigrations --check` finds nothing to write."""
    output = StringIO()

    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=output)
    except SystemExit as exit_code:
        pytest.fail(f"missing migrations (exit {exit_code}):\n{output.getvalue()}")
