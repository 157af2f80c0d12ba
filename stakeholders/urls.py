"""Pages of the stakeholders app."""

from django.urls import path

from . import contact_views, views

app_name = "stakeholders"

urlpatterns = [
    path("", views.stakeholder_map, name="stakeholder-map"),
    path("departments/", views.department_list, name="department-list"),
    path("departments/new/", views.department_create, name="department-create"),
    path("departments/<int:pk>/", views.department_detail, name="department-detail"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department-edit"),
    path("partners/", views.partner_list, name="partner-list"),
    path("partners/new/", views.partner_create, name="partner-create"),
    path("partners/<int:pk>/", views.partner_detail, name="partner-detail"),
    path("partners/<int:pk>/edit/", views.partner_edit, name="partner-edit"),
    path("segments/", views.segment_list, name="segment-list"),
    # Partner contacts, invited to the partner portal; the invitation's link needs no sign-in.
    path(
        "partners/<int:pk>/contacts/invite/",
        contact_views.contact_invite,
        name="contact-invite",
    ),
    path("contacts/<int:pk>/resend/", contact_views.contact_resend, name="contact-resend"),
    path("contacts/<int:pk>/revoke/", contact_views.contact_revoke, name="contact-revoke"),
    path("invitation/<uidb64>/<token>/", contact_views.contact_accept, name="contact-accept"),
]
