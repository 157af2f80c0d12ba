"""The Django admin covers every model and is reserved for administrators."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from core.admin import WrittenByServices

# Models Django's own apps keep internal on purpose.
INTERNAL_MODELS = {
    "contenttypes.contenttype",
    "sessions.session",
    "auth.permission",
    "admin.logentry",
    # django-axes' expiry dates, used only with AXES_USE_ATTEMPT_EXPIRATION (off): its attempts
    # and sign-in logs are in the admin.
    "axes.accessattemptexpiration",
    # django-allauth's, unused by the company sign-in (core.oidc): no e-mail confirmation, the
    # application is configured in settings (core.admin unregisters it), no tokens are stored.
    "account.emailconfirmation",
    "socialaccount.socialapp",
    "socialaccount.socialtoken",
}


def test_every_model_is_registered_in_the_admin() -> None:
    """Administrators can reach every record through the admin."""
    registered = {model._meta.label_lower for model in admin.site._registry}
    missing = (
        {
            model._meta.label_lower
            for model in apps.get_models()
            if not model._meta.label_lower.startswith("authtoken.")  # Token is shown as TokenProxy
            and not model.__name__.startswith("Historical")  # history is shown on its model's page
        }
        - registered
        - INTERNAL_MODELS
    )

    assert missing == set()


@pytest.mark.django_db
def test_admin_index_opens_for_an_administrator(client_for) -> None:
    """A superuser gets the admin index page."""
    response = client_for("administrator").get(reverse("admin:index"))

    assert response.status_code == 200
    assert "LoyaltyQMS administration" in response.content.decode()


def test_service_fields_name_fields_of_their_models() -> None:
    """Each field an admin leaves to the services exists, so a typo cannot make it editable."""
    unknown = {
        f"{model._meta.label}.{name}"
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, WrittenByServices)
        for name in model_admin.service_fields
        if name not in {field.name for field in model._meta.get_fields()}
    }

    assert unknown == set()
