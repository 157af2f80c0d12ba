#!/usr/bin/env python
"""Django's command-line utility for LoyaltyQMS."""

import os
import sys


def main() -> None:
    """Run administrative tasks."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loyaltyqms.settings")
    # Commands typed by hand are development by default; gunicorn, Celery and the image are not
    # (they import the settings directly, where DEBUG is off unless the environment turns it on).
    os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
