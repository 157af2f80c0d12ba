"""Admin site settings owned by core (core has no models; each app registers its own)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("LoyaltyQMS administration")
admin.site.site_title = _("LoyaltyQMS administration")
admin.site.index_title = _("Records")
