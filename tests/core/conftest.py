"""Fixtures shared by the core tests."""

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User

from stakeholders import services as stakeholder_services


@pytest.fixture
def media_in_tmp(settings: Any, tmp_path: Any) -> None:
    """Keep uploaded files (imports, their error files) in the test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def activity_importer(make_user: Any) -> User:
    """A quality manager with customers CRM-1 and CRM-2 to import activity for."""
    for number in (1, 2):
        stakeholder_services.customer_create(
            external_reference=f"CRM-{number}", first_seen=date(2025, 1, 1)
        )
    user: User = make_user("quality_manager")
    return user
