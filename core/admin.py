"""Admin site settings, the admin's rule for service-written fields, and core's tables.

The admin never bypasses a service. What a service does beyond saving a row (a life-cycle step
and its timeline, a recompute, a rule checked on the locked row, an e-mail) happens only when
the service runs, so the admins of the apps mark such fields read-only once the row exists
(`WrittenByServices.service_fields`), and offer no Add for rows only a service may create
(`added_on` says where they are created). Rows only services write, such as timelines and
runs, are shown and never edited (`RecordOnly`). A change an administrator needs is an admin
action that calls the service.
"""

from collections.abc import Sequence
from typing import Any

from allauth.socialaccount.models import SocialApp, SocialToken
from django.contrib import admin
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .audit import clear_with_versions
from .models import (
    ChatChannel,
    IdempotencyRecord,
    ImportJob,
    Notification,
    OutboxMessage,
    ReferenceSequence,
    SourceChange,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

admin.site.site_header = _("LoyaltyQMS administration")
admin.site.site_title = _("LoyaltyQMS administration")
admin.site.index_title = _("Records")


class WrittenByServices(admin.ModelAdmin):
    """An admin whose `service_fields` are read-only on change; with `added_on`, no Add."""

    service_fields: Sequence[str] = ()
    # Where rows are created through their service, shown on the list instead of an Add button.
    added_on: str | Promise = ""

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += [name for name in self.service_fields if name not in fields]
        return fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not self.added_on and super().has_add_permission(request)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if self.added_on:
            extra_context = {"subtitle": self.added_on, **(extra_context or {})}
        return super().changelist_view(request, extra_context)


class ControlledAdmin(admin.ModelAdmin):
    """An admin of controlled records (core.audit) and their parts: only administrators delete
    them, as on the pages and in the API; the history keeps the deleted version."""

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            clear_with_versions(obj)  # the records it would set to null keep a version each
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class RecordOnly(WrittenByServices):
    """An admin of rows only services write (timelines, runs, answers): shown, never edited."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(ReferenceSequence)
class ReferenceSequenceAdmin(admin.ModelAdmin):
    list_display = ["prefix", "year", "last_number"]
    readonly_fields = ["prefix", "year", "last_number"]


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    list_display = ["key", "user", "response_status", "created_at"]
    readonly_fields = ["user", "key", "fingerprint", "response_status", "response_body"]


@admin.register(ImportJob)
class ImportJobAdmin(RecordOnly):
    """Imports run through their pages: upload, map the columns, then the task runs it."""

    list_display = ["original_name", "importer", "status", "processed_rows", "created_at"]
    list_filter = ["importer", "status"]
    added_on = _("Imports are uploaded and started on the Imports page.")


@admin.register(SourceChange)
class SourceChangeAdmin(admin.ModelAdmin):
    """The recompute's invalidation log: read-only, the runs claim and delete its rows."""

    list_display = ["source", "scope", "first_day", "last_day", "recorded_at", "claimed_by"]
    list_filter = ["source"]
    readonly_fields = ["source", "scope", "first_day", "last_day", "recorded_at", "claimed_by"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(RecordOnly):
    """The tasks changes asked for, and where each is: waiting, published, running, done."""

    list_display = ["id", "task", "state", "created_at", "publish_attempts", "finished_at"]
    list_filter = ["task"]
    added_on = _("Services write these in the same transaction as the change they follow.")

    @admin.display(description=_("state"))
    def state(self, message: OutboxMessage) -> str:
        """Where the message is (waiting, published, running, done or failed)."""
        return message.state


@admin.register(Notification)
class NotificationAdmin(RecordOnly):
    """What each person was told (and e-mailed): written by core.notifications, read in the
    notification centre."""

    list_display = ["title", "recipient", "kind", "created_at", "read_at", "email", "sent_at"]
    list_filter = ["kind", "email"]
    list_select_related = ["recipient"]
    search_fields = ["title", "recipient__username", "recipient__email"]
    added_on = _("Services write these with the change they tell of.")


@admin.register(ChatChannel)
class ChatChannelAdmin(WrittenByServices):
    """Chat channels: connected and changed on their page, where the URL is checked."""

    list_display = ["name", "kind", "is_active", "last_sent_at", "created_by"]
    list_filter = ["kind", "is_active"]
    exclude = ["url"]  # a secret, and a change must pass the private-address check
    readonly_fields = ["name", "kind", "created_by", "created_at", "last_sent_at", "last_error"]
    added_on = _("Chat channels are connected on the Chat channels page.")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(WrittenByServices):
    """Webhook endpoints: added and changed on the Webhooks page, where the URL is checked."""

    list_display = ["url", "is_active", "disabled_at", "created_by", "created_at"]
    list_filter = ["is_active"]
    exclude = ["secret", "previous_secret"]  # secrets, revealed only on the Webhooks page
    readonly_fields = [
        "url",
        "event_types",
        "is_active",
        "disabled_at",
        "disabled_reason",
        "previous_secret_expires_at",
        "created_by",
        "created_at",
    ]
    added_on = _("Webhook endpoints are added on the Webhooks page.")


@admin.register(WebhookEvent)
class WebhookEventAdmin(RecordOnly):
    """Webhook events, written with the change that caused them."""

    list_display = ["message_id", "event_type", "created_at"]
    list_filter = ["event_type"]
    added_on = _("Services write these in the same transaction as the change they follow.")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(RecordOnly):
    """One event to one endpoint and where it stands."""

    list_display = ["event", "endpoint", "status", "attempts", "next_attempt_at"]
    list_filter = ["status"]
    added_on = _("Written when an event is emitted; replayed on the Webhooks page.")


@admin.register(WebhookAttempt)
class WebhookAttemptAdmin(RecordOnly):
    """Each request of a delivery: the delivery log."""

    list_display = ["delivery", "attempted_at", "status_code", "duration_ms", "replay"]
    list_filter = ["replay"]
    added_on = _("Written by each attempt to deliver a webhook.")


# Sign-in with the company account (core.oidc) is configured by settings alone: an application
# added in the admin would stand beside it (two apps for one provider fail every sign-in), and
# tokens are not stored (SOCIALACCOUNT_STORE_TOKENS). Linked accounts (Social accounts) stay: an
# administrator unlinks a person there.
admin.site.unregister(SocialApp)
admin.site.unregister(SocialToken)
