"""Admin site settings and core's infrastructure tables."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import IdempotencyRecord, ImportJob, ReferenceSequence, SourceChange

admin.site.site_header = _("LoyaltyQMS administration")
admin.site.site_title = _("LoyaltyQMS administration")
admin.site.index_title = _("Records")


@admin.register(ReferenceSequence)
class ReferenceSequenceAdmin(admin.ModelAdmin):
    list_display = ["prefix", "year", "last_number"]
    readonly_fields = ["prefix", "year", "last_number"]


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    list_display = ["key", "user", "response_status", "created_at"]
    readonly_fields = ["user", "key", "fingerprint", "response_status", "response_body"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["original_name", "importer", "status", "processed_rows", "created_at"]
    list_filter = ["importer", "status"]


@admin.register(SourceChange)
class SourceChangeAdmin(admin.ModelAdmin):
    """The recompute's invalidation log: read-only, the runs claim and delete its rows."""

    list_display = ["source", "scope", "first_day", "last_day", "recorded_at", "claimed_by"]
    list_filter = ["source"]
    readonly_fields = ["source", "scope", "first_day", "last_day", "recorded_at", "claimed_by"]
