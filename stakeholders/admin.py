"""Admin registrations of the stakeholders app."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ControlledAdmin, WrittenByServices

from .models import (
    Customer,
    CustomerActivity,
    CustomerSegment,
    Department,
    Partner,
    PartnerContact,
)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "lead"]
    search_fields = ["name"]
    autocomplete_fields = ["lead"]


@admin.register(Partner)
class PartnerAdmin(ControlledAdmin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "status", "selection_score"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "contact_name"]


@admin.register(CustomerSegment)
class CustomerSegmentAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(Customer)
class CustomerAdmin(WrittenByServices):
    list_display = ["external_reference", "segment", "first_seen"]
    list_filter = ["segment"]
    search_fields = ["external_reference"]
    list_select_related = ["segment"]
    show_full_result_count = False  # a million customers: no COUNT(*) on every page
    # Whom the customer indicators count: changing them logs a recount (services.customer_update).
    service_fields = ["segment", "first_seen", "contract_term_months"]
    added_on = _("Customers are added by importing a file on the Imports page or through the API.")


@admin.register(CustomerActivity)
class CustomerActivityAdmin(admin.ModelAdmin):
    list_display = ["customer", "kind", "occurred_at", "amount"]
    list_filter = ["kind"]
    raw_id_fields = ["customer"]


@admin.register(PartnerContact)
class PartnerContactAdmin(WrittenByServices):
    list_display = ["user", "partner", "invited_at", "accepted_at"]
    list_filter = ["partner"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "partner__name"]
    list_select_related = ["user", "partner"]
    raw_id_fields = ["user", "invited_by"]
    service_fields = ["user", "partner", "invited_by", "invited_at", "accepted_at"]
    added_on = _("Contacts are invited from their partner's page, which sends the invitation.")
