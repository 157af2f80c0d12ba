"""Core's infrastructure tables (no domain models, see DESIGN.md): reference sequences, replays."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferenceSequence(models.Model):
    """The last number handed out for one reference prefix in one year (CMP-2026-000123)."""

    prefix = models.CharField(_("prefix"), max_length=10)
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("reference sequence")
        verbose_name_plural = _("reference sequences")
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="reference_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_number}"


class IdempotencyRecord(models.Model):
    """The stored answer to an API request sent with an Idempotency-Key, replayed on a retry."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE
    )
    key = models.CharField(_("idempotency key"), max_length=200)
    fingerprint = models.CharField(
        _("request fingerprint"), max_length=64, help_text=_("SHA-256 of method, path and body.")
    )
    response_status = models.PositiveSmallIntegerField(_("response status"))
    response_body = models.JSONField(_("response body"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            # Keys are scoped per caller: two integrations may pick the same key by chance.
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.key}"
