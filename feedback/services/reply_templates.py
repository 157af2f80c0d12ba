"""Writes of reply templates: the messages to complainants that quality managers keep.

A template is a controlled document: every change is kept in its history, and one no longer
wanted is retired (`is_active`), never deleted, so that the messages sent from it still name it.
"""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.saving import UNCHANGED, Unchanged, given, validated_save

from .. import lifecycle
from ..models import ReplyTemplate
from ..reply_placeholders import placeholder_errors


def _require_manager(by: User) -> None:
    if not lifecycle.is_manager(by):
        raise PermissionDenied(_("Only quality managers keep the reply templates."))


def _check_texts(fields: dict[str, object]) -> None:
    """Refuse unknown or malformed placeholders, next to the field that holds them."""
    errors = {
        name: placeholder_errors(str(fields[name]))
        for name in ("subject", "body")
        if name in fields and placeholder_errors(str(fields[name]))
    }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def reply_template_create(
    *, by: User, name: str, purpose: str, subject: str, body: str, is_active: bool = True
) -> ReplyTemplate:
    """Add a reply template; its placeholders must be known ones."""
    _require_manager(by)
    fields: dict[str, object] = {
        "name": name.strip(),
        "purpose": purpose,
        "subject": subject.strip(),
        "body": body.strip(),
        "is_active": is_active,
    }
    _check_texts(fields)
    return validated_save(ReplyTemplate(created_by=by), **fields)


@transaction.atomic
def reply_template_update(
    *,
    template: ReplyTemplate,
    by: User,
    name: str | Unchanged = UNCHANGED,
    purpose: str | Unchanged = UNCHANGED,
    subject: str | Unchanged = UNCHANGED,
    body: str | Unchanged = UNCHANGED,
    is_active: bool | Unchanged = UNCHANGED,
) -> ReplyTemplate:
    """Change, retire (`is_active=False`) or bring back a reply template."""
    _require_manager(by)
    fields = given(name=name, purpose=purpose, subject=subject, body=body, is_active=is_active)
    for text_field in ("name", "subject", "body"):
        if text_field in fields:
            fields[text_field] = str(fields[text_field]).strip()
    _check_texts(fields)
    locked = ReplyTemplate.objects.select_for_update().get(pk=template.pk)
    validated_save(locked, **fields)
    template.refresh_from_db()
    return template
